"""The documented commands, run as a person runs them, with the real embedding model."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ROOT

pytestmark = pytest.mark.integration


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "DATABASE_URL")}
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=600)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, real_model: Path) -> tuple[Path, subprocess.CompletedProcess]:
    base = tmp_path_factory.mktemp("cli")
    knowledge = base / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "hong.pdf").write_bytes(b"%PDF-1.4 broken")
    (knowledge / "rong.md").write_bytes(b"")
    store = base / "store"
    result = run(["ingest.py", "--knowledge", str(knowledge), "--store", str(store)])
    return store, result


def test_ingest_reports_bad_files_and_exits_non_zero(ingested):
    _, result = ingested
    assert result.returncode == 1, result.stderr
    assert "hong.pdf:" in result.stderr and "rong.md:" in result.stderr
    assert "thêm mới 6" in result.stdout and "lỗi 2 tệp" in result.stdout


def test_second_ingest_embeds_nothing(ingested):
    store, _ = ingested
    knowledge = store.parent / "knowledge"
    result = run(["ingest.py", "--knowledge", str(knowledge), "--store", str(store)])
    assert "không đổi 6" in result.stdout and "0 đoạn được mã hoá" in result.stdout


def test_console_answers_piped_questions_with_citations(ingested):
    store, _ = ingested
    questions = "Bộ nào phát động phong trào thi đua về thông tin đối ngoại?\nthi dua thong tin doi ngoai nam 2018\n"

    result = run(["-m", "bot", "console", "--store", str(store)], stdin=questions)

    assert result.returncode == 0, result.stderr
    answers = result.stdout.split("Hỏi: ")[1:]
    assert len(answers) == 2
    for answer in answers:
        assert "— Chỉ thị 17/CT-BTTTT, Bộ Thông tin và Truyền thông" in answer
        assert "thi đua" in answer.split("«")[1].split("»")[0]


ASK = [
    ("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", "0125/KH-UBND", "31/3/2026"),
    ("han nop ho so khen thuong ke hoach 0125", "0125/KH-UBND", "31/3/2026"),
    ("kết quả rà soát công trình khai thác nước dưới đất báo cáo về đâu", "09/CT-UBND",
     "Sở Nông nghiệp và Môi trường"),
    ("Bộ Thông tin và Truyền thông phát động thi đua thông tin đối ngoại năm nào", "17/CT-BTTTT", "2018"),
    ("tiêu chí thi đua của kế hoạch 982", "982/KH-UBND", "Hoàn thành vượt mức"),
]


def test_ask_json_answers_with_the_right_document(ingested):
    store, _ = ingested
    questions = "".join(q + "\n" for q, _, _ in ASK) + "giá vàng hôm nay bao nhiêu\n"

    result = run(["-m", "bot", "ask", "--store", str(store), "--json"], stdin=questions)

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(ASK) + 1
    for line, (question, number, fact) in zip(lines, ASK):
        assert line["question"] == question and line["found"], line
        assert line["sources"][0]["doc_number"] == number and fact in line["answer"], line
    assert not lines[-1]["found"]


def test_deadlines_and_criteria_commands(ingested):
    store, _ = ingested
    upcoming = run(["-m", "bot", "deadlines", "--store", str(store), "--today", "2026-03-01"])
    assert upcoming.returncode == 0, upcoming.stderr
    assert "31/03/2026 — Gửi hồ sơ" in upcoming.stdout and "Kế hoạch 0125/KH-UBND" in upcoming.stdout

    by_doc = run(["-m", "bot", "deadlines", "--store", str(store), "--doc", "ct 09"])
    assert "Các thời hạn trong Chỉ thị 09/CT-UBND:" in by_doc.stdout and "31/12/2025" in by_doc.stdout

    criteria = run(["-m", "bot", "criteria", "--store", str(store), "--doc", "KH 982"])
    assert criteria.returncode == 0 and "Tiêu chí trong Kế hoạch 982/KH-UBND:" in criteria.stdout
    assert "đ) Đối với cá nhân:" in criteria.stdout  # the whole list, no size budget here

    unknown = run(["-m", "bot", "criteria", "--store", str(store), "--doc", "kh 4242"])
    assert unknown.returncode == 1 and "Không có văn bản «kh 4242»" in unknown.stderr


def child_pids(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc)."""
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
            for c in (task / "children").read_text().split()]


def started_by_multiprocessing(pid: int) -> bool:
    """A process of multiprocessing's (not its resource tracker, which comes with it)."""
    return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()


def loaded_model(pid: int) -> bool:
    """Whether the process has the model's runtime (onnxruntime, or torch) in memory."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "libonnxruntime" in maps or "onnxruntime_pybind11_state" in maps or "libtorch" in maps


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from Linux /proc")
async def test_telegram_answers_in_a_process_of_its_own_and_stops_with_it(ingested, tmp_path: Path):
    """`python -m bot telegram` as run in production: the model lives only in the answering
    process, and SIGTERM stops both cleanly."""
    from tests.fakes.telegram_server import FakeTelegram

    store, _ = ingested
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "DATABASE_URL")}
    log = tmp_path / "bot.log"
    async with FakeTelegram() as fake:
        env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_BASE_URL=fake.base_url)
        with log.open("w") as err:
            bot = subprocess.Popen([sys.executable, "-m", "bot", "telegram", "--store", str(store)], cwd=ROOT,
                                   env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            await fake.wait_until_polling(timeout=300)
            await fake.send_text(11, "hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?")
            [answer] = await fake.wait_for_messages(11, 1, timeout=120)
            children = child_pids(bot.pid)
            [answering] = [pid for pid in children if started_by_multiprocessing(pid)]
            model_in = (loaded_model(bot.pid), loaded_model(answering))
        finally:
            bot.terminate()
            code = bot.wait(60)

    assert "31/3/2026" in answer.text and "Kế hoạch 0125/KH-UBND" in answer.text
    assert model_in == (False, True)  # the model is loaded once, in the answering process
    assert code == 0, log.read_text()
    assert not Path(f"/proc/{answering}").exists()  # stopped (and reaped) by the bot
    # (PTB may log that its last poll was cut short by the stop: «… to ensure graceful shutdown».)
    assert not [line for line in log.read_text().splitlines() if " ERROR " in line and "graceful shutdown" not in line]
