"""The console channel and `ask` over a real store (fake embedding): piped, interactive, JSON."""
from __future__ import annotations

import io
import json
import shutil

import pytest

from bot.channels import console
from bot.retrieval.answers import Answerer
from bot.db.engine import connect
from bot.db.facts import FactStore
from bot.ingestion.pipeline import Ingestor
from bot.retrieval.search import PassageSearch
from bot.retrieval.vector_store import langchain_store, open_collection
from tests.conftest import SEED, FakeEmbeddings


def answerer_over(settings, *files) -> Answerer:
    knowledge = settings.resolve(settings.paths.knowledge)
    knowledge.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy(path, knowledge / path.name)
    facts = FactStore(connect(settings.database_url))
    Ingestor(settings, FakeEmbeddings(), open_collection(settings), model_id="fake", facts=facts).run(
        knowledge, progress=False)
    return Answerer(PassageSearch(langchain_store(settings, FakeEmbeddings())), facts, settings.answers)


@pytest.fixture
def seed_answerer(settings) -> Answerer:
    return answerer_over(settings, SEED)


def test_piped_questions_and_commands_go_through_the_core(assistant):
    out = io.StringIO()
    stdin = io.StringIO("phong trao thi dua thong tin doi ngoai chi thi 17\n\ngiá vàng hôm nay\n"
                        "/hanchot kh 0125\n/xyz\n")

    status = console.run(assistant, stdin=stdin, stdout=out, interactive=False)

    text = out.getvalue()
    assert status == 0
    assert text.count("Hỏi: ") == 4 and "Hỏi> " not in text
    first, second, third, fourth = text.split("Hỏi: ")[1:]
    assert "«" in first and "— Chỉ thị 17/CT-BTTTT, Bộ Thông tin và Truyền thông" in first
    assert "Trả lời «1» nếu câu trả lời hữu ích" in first  # no buttons here: numbered choices
    assert "Tôi không tìm thấy" in second
    assert "Các thời hạn trong Kế hoạch 0125/KH-UBND:" in third
    assert "Lệnh /xyz chưa có" in fourth


def test_interactive_session_greets_prompts_and_stops_on_exit_word(assistant):
    out = io.StringIO()
    stdin = io.StringIO("thi đua thông tin đối ngoại chỉ thị 17\n1\nthoát\ncâu hỏi không được đọc\n")

    console.run(assistant, stdin=stdin, stdout=out, interactive=True)

    text = out.getvalue()
    assert text.startswith("Trợ lý Chỉ thị")
    assert text.count("Hỏi> ") == 3 and text.count("— Chỉ thị 17/CT-BTTTT") == 1
    assert "Cảm ơn bạn! Góp ý đã được ghi nhận." in text


def test_empty_store_says_how_to_fill_it(tmp_path):
    from tests.conftest import build_assistant

    (tmp_path / "empty" / "knowledge").mkdir(parents=True)  # nothing to ingest
    empty = build_assistant(tmp_path / "empty")
    out = io.StringIO()

    assert console.run(empty, stdin=io.StringIO("hạn nộp?\n"), stdout=out) == 1
    assert "Kho văn bản đang trống" in out.getvalue() and "ingest.py" in out.getvalue()


def test_ask_json_writes_one_object_per_question(seed_answerer):
    out = io.StringIO()
    stdin = io.StringIO("chỉ thị 17 phát động phong trào gì\n\ngiá vàng hôm nay\n")

    assert console.ask(seed_answerer, as_json=True, stdin=stdin, stdout=out) == 0

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["question"] for line in lines] == ["chỉ thị 17 phát động phong trào gì", "giá vàng hôm nay"]
    assert lines[0]["found"] and lines[0]["sources"][0]["doc_number"] == "17/CT-BTTTT"
    assert lines[0]["sources"][0]["file"] == SEED.name
    assert not lines[1]["found"] and lines[1]["sources"] == []


def test_ask_json_echoes_the_question_as_typed_with_its_shorthand(seed_answerer):
    out = io.StringIO()
    console.ask(seed_answerer, as_json=True, stdin=io.StringIO("ct 17 phát động phong trào gì, dn có tham gia ko\n"),
                stdout=out)
    [line] = [json.loads(text) for text in out.getvalue().splitlines()]
    assert line["question"] == "ct 17 phát động phong trào gì, dn có tham gia ko"


def test_ask_without_json_is_readable_vietnamese(seed_answerer):
    out = io.StringIO()
    console.ask(seed_answerer, as_json=False, stdin=io.StringIO("ct 17 thi đua gì\n"), stdout=out)
    assert out.getvalue().startswith("Hỏi: ct 17 thi đua gì\n") and "— Chỉ thị 17/CT-BTTTT" in out.getvalue()


def test_ask_on_an_empty_store_fails_with_a_message(settings):
    err = io.StringIO()
    answerer = Answerer(PassageSearch(langchain_store(settings, FakeEmbeddings())))
    assert console.ask(answerer, True, stdin=io.StringIO("x\n"), stdout=io.StringIO(), stderr=err) == 1
    assert "Kho văn bản đang trống" in err.getvalue()
