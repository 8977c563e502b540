"""The documented commands, run as a person runs them, with the real embedding model."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ROOT
from tests.conftest import SEED

pytestmark = pytest.mark.integration


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "DATABASE_URL")}
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=600)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, real_model: Path) -> tuple[Path, subprocess.CompletedProcess]:
    base = tmp_path_factory.mktemp("cli")
    knowledge = base / "knowledge"
    knowledge.mkdir()
    shutil.copy(SEED, knowledge / "chi-thi-17.txt")
    (knowledge / "hong.pdf").write_bytes(b"%PDF-1.4 broken")
    (knowledge / "rong.md").write_bytes(b"")
    store = base / "store"
    result = run(["ingest.py", "--knowledge", str(knowledge), "--store", str(store)])
    return store, result


def test_ingest_reports_bad_files_and_exits_non_zero(ingested):
    _, result = ingested
    assert result.returncode == 1, result.stderr
    assert "hong.pdf:" in result.stderr and "rong.md:" in result.stderr
    assert "thêm mới 1" in result.stdout and "lỗi 2 tệp" in result.stdout


def test_second_ingest_embeds_nothing(ingested):
    store, _ = ingested
    knowledge = store.parent / "knowledge"
    result = run(["ingest.py", "--knowledge", str(knowledge), "--store", str(store)])
    assert "không đổi 1" in result.stdout and "0 đoạn được mã hoá" in result.stdout


def test_console_answers_piped_questions_with_citations(ingested):
    store, _ = ingested
    questions = "Bộ nào phát động phong trào thi đua về thông tin đối ngoại?\nthi dua thong tin doi ngoai nam 2018\n"

    result = run(["-m", "bot", "console", "--store", str(store)], stdin=questions)

    assert result.returncode == 0, result.stderr
    answers = result.stdout.split("Hỏi: ")[1:]
    assert len(answers) == 2
    for answer in answers:
        assert "[1] «" in answer and "Chỉ thị 17/CT-BTTTT" in answer
        assert "thi đua" in answer.split("[1] «")[1].split("»")[0]
