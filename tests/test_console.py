"""The console channel over the real store: piped line by line, interactive with a prompt."""
from __future__ import annotations

import io
import shutil

from bot import console
from bot.ingestion.pipeline import Ingestor
from bot.search import PassageSearch
from bot.vector_store import langchain_store, open_collection
from tests.conftest import SEED, FakeEmbeddings


def search_over_seed(settings) -> PassageSearch:
    knowledge = settings.resolve(settings.paths.knowledge)
    knowledge.mkdir(parents=True)
    shutil.copy(SEED, knowledge / "chi-thi-17.txt")
    Ingestor(settings, FakeEmbeddings(), open_collection(settings), model_id="fake").run(
        knowledge, progress=False)
    return PassageSearch(langchain_store(settings, FakeEmbeddings()))


def test_piped_questions_get_cited_passages_until_end_of_input(settings):
    out = io.StringIO()
    stdin = io.StringIO("thi dua thong tin doi ngoai\n\nhồ sơ khen thưởng gửi về đâu\n")

    status = console.run(search_over_seed(settings), 2, stdin=stdin, stdout=out, interactive=False)

    text = out.getvalue()
    assert status == 0
    assert text.count("Hỏi: ") == 2 and "Hỏi> " not in text
    assert text.count("[1] «") == 2 and text.count("[2] «") == 2
    assert "Chỉ thị 17/CT-BTTTT, Bộ Thông tin và Truyền thông" in text
    assert "(tệp chi-thi-17.txt, độ khớp" in text


def test_interactive_session_greets_prompts_and_stops_on_exit_word(settings):
    out = io.StringIO()
    stdin = io.StringIO("tiêu chí thi đua\nthoát\ncâu hỏi không được đọc\n")

    console.run(search_over_seed(settings), 1, stdin=stdin, stdout=out, interactive=True)

    text = out.getvalue()
    assert text.startswith("Trợ lý Chỉ thị")
    assert text.count("Hỏi> ") == 2 and text.count("[1] «") == 1


def test_empty_store_says_how_to_fill_it(settings):
    out = io.StringIO()
    search = PassageSearch(langchain_store(settings, FakeEmbeddings()))

    assert console.run(search, 3, stdin=io.StringIO("hạn nộp?\n"), stdout=out) == 1
    assert "Kho văn bản đang trống" in out.getvalue() and "ingest.py" in out.getvalue()


def test_long_passages_are_cut_at_a_word():
    from bot.search import Passage

    text = "Tổ chức phong trào thi đua " * 60
    rendered = console.render([Passage(text=text, score=0.9, source="a.txt")])
    quote = rendered.split("«")[1].split("»")[0]
    assert quote.endswith(" …") and len(quote) <= console.QUOTE_CHARS + 2
    assert not quote[:-2].endswith(" ")
