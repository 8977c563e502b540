"""Answers over the shipped knowledge: real Chroma and SQLite, the fake embedding."""
from __future__ import annotations

import re
import shutil
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.retrieval.answers import Answerer, Conversation
from bot.config import load_settings
from bot.db.engine import connect
from bot.db.facts import FactStore
from bot.ingestion.pipeline import Ingestor
from bot.retrieval.questions import understand
from bot.retrieval.search import Passage, PassageSearch
from bot.retrieval.vector_store import langchain_store, open_collection
from tests.conftest import ROOT, FakeEmbeddings

DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b|\bngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})\b")


def dates(text: str) -> set[tuple[int, int, int]]:
    """Every date in a text as (day, month, year), whichever way it is written."""
    return {tuple(int(g) for g in m.groups() if g) for m in DATE.finditer(" ".join(text.split()))}


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    base = tmp_path_factory.mktemp("answers")
    settings = load_settings(environ={}, paths__store=base / "store", paths__knowledge=base / "knowledge")
    shutil.copytree(ROOT / "knowledge", base / "knowledge")
    facts = FactStore(connect(settings.database_url))
    report = Ingestor(settings, FakeEmbeddings(), open_collection(settings), model_id="fake",
                      facts=facts).run(base / "knowledge", progress=False)
    assert report.ok, report.failed
    return Answerer(PassageSearch(langchain_store(settings, FakeEmbeddings())), facts, settings.answers)


def knowledge_dates() -> set[tuple[int, int, int]]:
    return dates(" ".join(p.read_text(encoding="utf-8") for p in (ROOT / "knowledge").iterdir()))


# -- the fact first, then the clause, then the source ------------------------------------------

def test_deadline_answer_leads_with_the_date_and_cites_the_clause(answerer: Answerer) -> None:
    answer = answerer.ask("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?")

    first, quote, cite = answer.text.split("\n")
    assert answer.found
    assert first.startswith("Hạn gửi hồ sơ") and first.endswith("trước ngày 31/3/2026.")
    assert quote.startswith("Trích: «") and "gửi về Sở Nội vụ" in quote and "31/3/2026" in quote
    assert cite.startswith("— Kế hoạch 0125/KH-UBND, Ủy ban nhân dân tỉnh Đắk Lắk, ngày 18/11/2025, mục V.")
    assert answer.sources[0].doc_number == "0125/KH-UBND"
    assert answer.sources[0].file == "ke-hoach-0125-kh-ubnd-2025.md"


@pytest.mark.parametrize("variant", [
    # a syllable and a loanword of chat that no text holds
    "han nop ho so khen thuong theo ke hoach 0125 online la khi nao vay",
    "han nop ho so khen thuong theo ke hoach 0125 la khi nao",
    unicodedata.normalize("NFD", "hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?"),
    "HẠN NỘP HỒ SƠ KHEN THƯỞNG THEO KH 0125?",
])
def test_the_same_answer_without_diacritics_in_nfd_or_in_capitals(answerer: Answerer, variant: str) -> None:
    reference = answerer.ask("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?")
    answer = answerer.ask(variant)
    assert answer.text.split("\n")[0] == reference.text.split("\n")[0]
    assert "Sở Nội vụ" in answer.text  # shown with its diacritics, whatever was typed


def test_from_when_it_applies_leads_with_the_start(answerer: Answerer) -> None:
    answer = answerer.ask("đợt thi đua theo kế hoạch 982 áp dụng từ khi nào?")

    first = answer.text.split("\n")[0]
    assert answer.found and first.startswith("Áp dụng từ ngày ban hành Kế hoạch")
    assert answer.sources[0].doc_number == "982/KH-UBND"


def test_recipient_answer_names_the_agency(answerer: Answerer) -> None:
    answer = answerer.ask("Hồ sơ đề nghị tặng Bằng khen bầu cử gửi về đâu?")
    assert answer.text.startswith("Nơi gửi: Sở Nội vụ (qua Phòng Xây dựng chính quyền).")
    assert "— Kế hoạch 0125/KH-UBND" in answer.text


def test_deadline_in_a_directive_found_without_diacritics(answerer: Answerer) -> None:
    answer = answerer.ask("thoi han ra soat cong trinh khai thac nuoc duoi dat")
    assert answer.found and "31/12/2025" in answer.text.split("\n")[0]
    assert "Chỉ thị 09/CT-UBND" in answer.text and "mục 10." in answer.text


def test_criteria_of_a_named_plan_come_from_the_fact_table(answerer: Answerer) -> None:
    answer = answerer.ask("kh 982 tiêu chí thi đua")
    assert answer.text.startswith("Tiêu chí trong Kế hoạch 982/KH-UBND:")
    assert "a) Đối với tỉnh Nghệ An:" in answer.text
    assert "1. Hoàn thành vượt mức các chỉ tiêu phát triển kinh tế - xã hội năm 2025" in answer.text
    assert answer.text.split("\n")[-1].startswith("— Kế hoạch 982/KH-UBND, Ủy ban nhân dân tỉnh Nghệ An")


def test_criteria_for_one_group_only(answerer: Answerer) -> None:
    answer = answerer.ask("kế hoạch 982 tiêu chí đối với cá nhân")
    assert "đ) Đối với cá nhân:" in answer.text and "a) Đối với tỉnh Nghệ An" not in answer.text


def test_follow_up_refers_to_the_previous_document(answerer: Answerer) -> None:
    conversation = Conversation()
    answerer.ask("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", conversation)

    follow_up = answerer.ask("còn tiêu chí thì sao?", conversation)

    assert follow_up.found and "Kế hoạch 0125/KH-UBND" in follow_up.text
    assert follow_up.sources[0].doc_number == "0125/KH-UBND"
    # The same words with no history are not about plan 0125.
    assert "0125" not in answerer.ask("còn tiêu chí thì sao?", Conversation()).text.split("\n")[0]


def test_a_new_document_named_ends_the_follow_up(answerer: Answerer) -> None:
    conversation = Conversation()
    answerer.ask("kh 0125 gửi hồ sơ về đâu", conversation)
    answer = answerer.ask("còn kh 982 tiêu chí thì sao", conversation)
    assert "Kế hoạch 982/KH-UBND" in answer.text


# -- saying so when the documents do not ------------------------------------------------------

NOT_FOUND = "Tôi không tìm thấy nội dung trả lời câu hỏi này"


@pytest.mark.parametrize("question, opening", [
    ("giá vàng hôm nay bao nhiêu", NOT_FOUND),
    ("mức phạt vượt đèn đỏ với xe máy là bao nhiêu", NOT_FOUND),
    ("thời tiết Hà Nội ngày mai thế nào", NOT_FOUND),
    ("cách nấu phở bò ngon", NOT_FOUND),
    # a name no document holds is named as typed, so a slip shows
    ("phi tham dinh kinh doanh casino bao nhieu", "Tôi chưa có văn bản nào nhắc đến «casino»,"),
    ("Thời hạn cấp C/O mẫu EUR.1 là bao lâu?", "Tôi chưa có văn bản nào nhắc đến «EUR»,"),
])
def test_not_found_says_so_and_states_no_date(answerer: Answerer, question: str, opening: str) -> None:
    answer = answerer.ask(question)
    assert not answer.found and answer.sources == []
    assert answer.text.startswith(opening)
    assert "Các văn bản tôi có: " in answer.text and "Kế hoạch 0125/KH-UBND" in answer.text
    assert not DATE.search(answer.text)


def test_unknown_document_number(answerer: Answerer) -> None:
    answer = answerer.ask("kh 0999 hạn nộp báo cáo")
    assert not answer.found
    assert answer.text.startswith("Tôi chưa có văn bản «ke hoach 0999»") or \
        answer.text.startswith("Tôi chưa có văn bản «kh 0999»")


def test_a_bare_document_number_gets_its_card(answerer: Answerer) -> None:
    answer = answerer.ask("kế hoạch 0124")
    assert answer.found and answer.text.startswith("Kế hoạch 0124/KH-UBND, Ủy ban nhân dân tỉnh Đắk Lắk")
    assert "PHÁT ĐỘNG ĐỢT THI ĐUA" in answer.text and "Bạn có thể hỏi" in answer.text


def test_empty_question(answerer: Answerer) -> None:
    assert not answerer.ask("   ").found


QUESTIONS = [
    "hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", "thời hạn rà soát công trình khai thác nước",
    "thời gian kiểm tra đánh giá xếp hạng thi đua chi trả không dùng tiền mặt", "đợt 1 cao điểm từ ngày nào",
    "kh 0124 thời gian thực hiện", "chỉ thị 17 ban hành ngày nào", "hạn nộp báo cáo", "khi nào tổng kết",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_date_in_an_answer_is_in_the_documents(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert dates(answer.text) <= knowledge_dates()


def test_json_shape_of_an_answer(answerer: Answerer) -> None:
    data = answerer.ask("kh 0125 gửi hồ sơ về đâu").to_json()
    assert set(data) == {"question", "answer", "found", "sources", "latency_ms"}
    assert data["found"] is True and isinstance(data["latency_ms"], float)
    source = data["sources"][0]
    assert set(source) == {"file", "doc_number", "section", "quote", "score"}
    assert source["file"] == "ke-hoach-0125-kh-ubnd-2025.md" and source["doc_number"] == "0125/KH-UBND"
    assert isinstance(source["score"], float) and source["quote"]


def test_store_path_is_the_knowledge_relative_file(answerer: Answerer) -> None:
    files = {s.file for s in answerer.ask("tiêu chuẩn khen thưởng cá nhân trong công tác bầu cử").sources}
    assert files and all(not Path(f).is_absolute() for f in files)


# -- documents cited but not held, and whose document it is -------------------------------------

def test_a_number_only_cited_is_answered_from_the_plan_that_implements_it(answerer: Answerer) -> None:
    answer = answerer.ask("kế hoạch triển khai Chỉ thị 41-CT/TW, tiêu chí thi đua gồm những gì")
    assert answer.found
    assert answer.text.startswith("Tôi chưa có văn bản 41-CT/TW; trả lời theo Kế hoạch")
    assert "văn bản triển khai 41-CT/TW:" in answer.text.split("\n")[0]
    assert answer.sources[0].doc_number in {"0124/KH-UBND", "982/KH-UBND"}


class _OneLetter:
    """A store holding one customs letter that cites a decree it does not hold."""

    meta = {"source": "cv.md", "doc_type": "công văn", "doc_number": "39365/CHQ-GSQL", "issuer": "Cục Hải quan",
            "title": "Về thủ tục hải quan đối với hàng hóa đưa vào, đưa ra kho ngoại quan"}

    def metadata(self, source: str) -> dict[str, str]:
        return self.meta

    def document_passages(self, source: str) -> list[Passage]:
        return [Passage.from_metadata("Thủ tục hải quan đối với hàng hóa đưa vào kho ngoại quan được quy định tại "
                                      "Điều 88 Nghị định số 08/2015/NĐ-CP.", 1.0, self.meta)]


def test_a_letter_that_only_cites_the_number_is_not_called_its_implementation() -> None:
    answerer = Answerer(_OneLetter())  # type: ignore[arg-type]
    line = answerer._implementing("cv.md", understand("quy định tại điều nào của Nghị định 08/2015/NĐ-CP?").refs)
    assert line == ("Tôi chưa có văn bản 08/2015/NĐ-CP; trả lời theo Công văn 39365/CHQ-GSQL của Cục Hải quan, "
                    "văn bản có dẫn chiếu 08/2015/NĐ-CP:")


class _OneRepeal(_OneLetter):
    """A store holding one decision that repeals a decision it does not hold."""

    meta = {"source": "qd.md", "doc_type": "quyết định", "doc_number": "2638/QĐ-UBND",
            "issuer": "Ủy ban nhân dân Thành phố Đà Nẵng", "title": "Về việc bãi bỏ văn bản quy phạm pháp luật"}

    def document_passages(self, source: str) -> list[Passage]:
        return [Passage.from_metadata("Bãi bỏ toàn bộ Quyết định số 636/QĐ-UBND ngày 19/3/2025 của Ủy ban nhân dân "
                                      "tỉnh Quảng Nam về mua sắm tập trung.", 1.0, self.meta)]


def test_a_decision_that_repeals_the_number_is_called_what_it_does() -> None:
    answerer = Answerer(_OneRepeal())  # type: ignore[arg-type]
    line = answerer._implementing("qd.md", understand("Đà Nẵng bãi bỏ Quyết định 636 của Quảng Nam: cơ quan nào "
                                                      "đề nghị?").refs)
    assert line == ("Tôi chưa có văn bản 636/QĐ-UBND; trả lời theo Quyết định 2638/QĐ-UBND của Ủy ban nhân dân "
                    "Thành phố Đà Nẵng, văn bản bãi bỏ 636/QĐ-UBND:")


def test_a_document_that_never_names_the_unit_asked_about_does_not_answer_for_it(answerer: Answerer) -> None:
    answer = answerer.ask("Sở Y tế gửi hồ sơ khen thưởng về đâu")
    assert not answer.found and answer.sources == []
    assert answer.text.startswith("Văn bản gần nhất với câu hỏi (Kế hoạch 0125/KH-UBND) không nhắc đến Sở Y tế,")
    named = answerer.ask("Sở Nội vụ: hạn nộp hồ sơ khen thưởng theo kế hoạch 0125")
    assert named.found and "31/3/2026" in named.text


@pytest.mark.parametrize("question", ["kế hoạch 0125: mức thưởng cho tập thể là bao nhiêu?",
                                      "kh 0125 khen thuong trong bao nhieu ngay"])
def test_a_named_document_that_states_no_sum_or_span_asked_declines(answerer: Answerer, question: str) -> None:
    # The plan names its awards and a date to file by, but no sum of money and no number of days:
    # a deadline from it is no answer to «bao nhiêu».
    answer = answerer.ask(question)
    assert not answer.found and answer.sources == []
    assert not dates(answer.text)


def test_a_number_neither_held_nor_cited_is_still_unknown(answerer: Answerer) -> None:
    answer = answerer.ask("hạn báo cáo theo chỉ thị 99/CT-TTg")
    assert not answer.found and answer.text.startswith("Tôi chưa có văn bản «99/CT-TTg»")


def test_another_provinces_plan_does_not_answer_for_this_one(answerer: Answerer) -> None:
    answer = answerer.ask("Kế hoạch của tỉnh Quảng Ninh về khen thưởng bầu cử, hạn nộp hồ sơ là khi nào?")
    assert not answer.found and answer.sources == []
    assert answer.text.startswith("Tôi chưa có văn bản nào của Quảng Ninh")
    assert not dates(answer.text)


@pytest.mark.parametrize("question", ["Kế hoạch của Bộ Nội vụ về khen thưởng bầu cử, hạn nộp hồ sơ là khi nào?",
                                      "ke hoach cua bo noi vu ve khen thuong bau cu han nop ho so la khi nao",
                                      # «xã hội» names no commune: the province's plan is still not the ministry's
                                      "Bộ Nội vụ quy định hạn nộp hồ sơ khen thưởng bầu cử của các tổ chức chính trị - "
                                      "xã hội là khi nào?"])
def test_a_provinces_plan_does_not_answer_for_a_ministry(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert not answer.found and answer.sources == []
    assert answer.text.startswith("Tôi chưa có văn bản nào của Bộ Nội vụ")
    assert not dates(answer.text)


@pytest.mark.parametrize("question", [
    "Kế hoạch khen thưởng bầu cử của tỉnh theo hướng dẫn của Bộ Nội vụ, hạn nộp hồ sơ là khi nào?",
    "Theo Thông tư của Bộ Nội vụ, tỉnh hạn nộp hồ sơ khen thưởng bầu cử là khi nào?"])
def test_a_ministry_the_province_follows_is_not_the_issuer_asked(answerer: Answerer, question: str) -> None:
    # The province's own plan is asked about: the bot must not say it lacks the ministry's text.
    answer = answerer.ask(question)
    assert "của Bộ Nội vụ" not in answer.text.split("\n")[0]


@pytest.mark.parametrize("question", ["Thái Bình: hạn nộp hồ sơ khen thưởng bầu cử là khi nào?",
                                      "Vũng Tàu hạn nộp hồ sơ khen thưởng bầu cử là khi nào?"])
def test_a_province_named_without_its_prefix_or_by_its_city_is_still_asked(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert not answer.found and not dates(answer.text)


def test_a_document_named_by_a_title_the_store_lacks_is_not_answered_by_another(answerer: Answerer) -> None:
    # The Đắk Lắk plan on election awards has the deadline asked, but not the plan named.
    answer = answerer.ask("Kế hoạch phòng, chống mua bán người của tỉnh Đắk Lắk: hồ sơ đề nghị tặng Bằng khen "
                          "gửi về Sở Nội vụ trước ngày nào?")
    assert not answer.found and not dates(answer.text)


def test_the_place_asked_is_no_evidence_that_its_documents_answer(answerer: Answerer) -> None:
    # Only the words «UBND tỉnh Đắk Lắk», «Sở Nội vụ», «tổ chức» match the Đắk Lắk plans.
    answer = answerer.ask("UBND tỉnh Đắk Lắk giao Sở Nội vụ tổ chức hội thi cà phê khi nào?")
    assert not answer.found and not dates(answer.text)


@pytest.mark.parametrize("question", ["kế hoạch của tỉnh Đắk Lắk, hạn nộp hồ sơ khen thưởng bầu cử",
                                      "ke hoach cua tinh dak lak han nop ho so khen thuong bau cu"])
def test_the_province_asked_about_answers(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.found and answer.sources[0].doc_number == "0125/KH-UBND"
    assert (31, 3, 2026) in dates(answer.text)


# -- follow-ups and new questions -------------------------------------------------------------------

def test_a_question_with_its_own_topic_is_not_a_follow_up(answerer: Answerer) -> None:
    conversation = Conversation()
    answerer.ask("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", conversation)
    on_its_own = answerer.ask("tỷ lệ chi trả không dùng tiền mặt phải đạt bao nhiêu")
    answer = answerer.ask("tỷ lệ chi trả không dùng tiền mặt phải đạt bao nhiêu", conversation)
    assert answer.found and answer.sources[0].file == on_its_own.sources[0].file == "ke-hoach-157-kh-ubnd-2025.md"


def test_a_follow_up_the_last_document_cannot_answer_searches_everything(answerer: Answerer) -> None:
    conversation = Conversation()
    answerer.ask("kh 0125 gửi hồ sơ về đâu", conversation)
    answer = answerer.ask("còn tỷ lệ chi trả không dùng tiền mặt thì sao", conversation)
    assert answer.found and answer.sources[0].doc_number == "157/KH-UBND"
    assert answer.text.startswith("Kế hoạch 0125/KH-UBND không nói điều này; trả lời theo Kế hoạch 157/KH-UBND")


def test_a_follow_up_long_after_the_last_answer_starts_afresh(answerer: Answerer) -> None:
    conversation = Conversation()
    answerer.ask("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", conversation)
    assert answerer.ask("còn tiêu chí thì sao?", conversation).sources[0].doc_number == "0125/KH-UBND"
    conversation.at = datetime.now(UTC) - timedelta(minutes=answerer.config.followup_minutes + 1)
    answer = answerer.ask("còn tiêu chí thì sao?", conversation)
    assert "0125" not in answer.text.split("\n")[0]


def small_store(base: Path, texts: dict[str, str], shipped: tuple[str, ...] = ()) -> Answerer:
    """An answerer over a few documents (and some shipped ones), ingested into real Chroma and SQLite."""
    (base / "knowledge").mkdir()
    for name, text in texts.items():
        (base / "knowledge" / name).write_text(text, encoding="utf-8")
    for name in shipped:
        shutil.copy(ROOT / "knowledge" / name, base / "knowledge" / name)
    settings = load_settings(environ={}, paths__store=base / "store", paths__knowledge=base / "knowledge")
    facts = FactStore(connect(settings.database_url))
    report = Ingestor(settings, FakeEmbeddings(), open_collection(settings), model_id="fake",
                      facts=facts).run(base / "knowledge", progress=False)
    assert report.ok, report.failed
    return Answerer(PassageSearch(langchain_store(settings, FakeEmbeddings())), facts, settings.answers)


REPEAL = """**ỦY BAN NHÂN DÂN**
TỈNH HÀ TĨNH

Số: 76/2025/QĐ-UBND

*Hà Tĩnh, ngày 21 tháng 11 năm 2025*

**QUYẾT ĐỊNH**

BÃI BỎ CÁC QUYẾT ĐỊNH CỦA ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH

**ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH**

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

**QUYẾT ĐỊNH:**

**Điều 1.** Bãi bỏ toàn bộ các quyết định

1. Quyết định số 43/2017/QĐ-UBND ngày 29/9/2017 của UBND tỉnh quy định một số nội dung về trình tự, thủ tục
lựa chọn nhà đầu tư thực hiện dự án đầu tư có sử dụng đất trên địa bàn tỉnh Hà Tĩnh.

2. Quyết định số 12/2019/QĐ-UBND ngày 05/3/2019 của UBND tỉnh quy định về quản lý cụm công nghiệp.

**Điều 2.** Điều khoản thi hành

1. Quyết định này có hiệu lực kể từ ngày 30/11/2025.

2. Chánh Văn phòng UBND tỉnh, Giám đốc các sở, ban, ngành cấp tỉnh chịu trách nhiệm thi hành Quyết định này.
"""


def test_when_a_repeal_applies_is_read_from_the_repealing_decisions_own_effect(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # The effective-date line says «Quyết định này»: what it repeals is said elsewhere in the text,
    # so the line answers for the whole decision.
    answerer = small_store(tmp_path_factory.mktemp("repeal"), {"quyet-dinh-76-2025-qd-ubnd.md": REPEAL})

    answer = answerer.ask("ha tinh bai bo qd ve trinh tu lua chon nha dau tu du an co su dung dat tu ngay nao")

    assert answer.found and answer.text.startswith("Áp dụng kể từ ngày 30/11/2025.")


NOTICE = """**CỤC HẢI QUAN**

Số: 37416/TB-CHQ

*Hà Nội, ngày 21 tháng 11 năm 2025*

**THÔNG BÁO**

VỀ KẾT QUẢ XÁC ĐỊNH TRƯỚC MÃ SỐ

Trên cơ sở Đơn đề nghị xác định mã số số 301025/MHD-HQ ngày 30/10/2025 của Công ty cổ phần MHD Pharma và hồ sơ
kèm theo, Cục Hải quan thông báo kết quả xác định trước mã số như sau:

**1. Hàng hóa đề nghị xác định trước mã số do tổ chức, cá nhân cung cấp:**

Tên thương mại: Thực phẩm bảo vệ sức khỏe PREGNAVIE COMPLETE

**2. Tóm tắt mô tả hàng hóa được xác định trước mã số:**

- Thành phần, cấu tạo, công thức hóa học, hàm lượng tính trên trọng lượng:

Trong 1 viên nang cứng có chứa:

+ Dầu cá: Omega 3 (240 mg), DHA (200 mg), EPA (40 mg)

+ Khoáng chất: Calci (dạng calci oxyd) 40 mg, Sắt (dạng sắt (II) fumarat) 14 mg, Kẽm 5 mg.

**3. Kết quả xác định trước mã số:** thuộc nhóm 21.06, mã số 2106.90.72.
"""


def test_a_product_named_by_its_brand_is_answered_from_the_notice_about_it(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # Typed tersely, the question shares few word pairs with the notice; the brand only it holds
    # names it, as a document number would.
    answerer = small_store(tmp_path_factory.mktemp("brand"), {"thong-bao-37416-tb-chq.md": NOTICE},
                           shipped=("ke-hoach-0125-kh-ubnd-2025.md", "ke-hoach-157-kh-ubnd-2025.md"))

    answer = answerer.ask("pregnavie complete moi vien co bao nhieu mg dha")

    assert answer.found and answer.sources[0].doc_number == "37416/TB-CHQ"
    assert "DHA (200 mg)" in answer.text
    # the name says which notice, not that it answers everything asked about the product
    unsaid = answerer.ask("Pregnavie Complete giá bán lẻ mỗi hộp là bao nhiêu tiền?")
    assert not unsaid.found and not dates(unsaid.text)


def watch_notice(number: str, size: str, screen: str) -> str:
    return f"""**CỤC HẢI QUAN**

Số: {number}/TB-CHQ

*Hà Nội, ngày 21 tháng 11 năm 2025*

**THÔNG BÁO**

VỀ KẾT QUẢ XÁC ĐỊNH TRƯỚC MÃ SỐ

**1. Hàng hóa đề nghị xác định trước mã số do tổ chức, cá nhân cung cấp:**

Tên thương mại: Thiết bị đeo tay thông minh Huawei Watch 5 (phiên bản đường kính {size})

**2. Tóm tắt mô tả hàng hóa được xác định trước mã số:**

Thiết bị có tích hợp màn hình cảm ứng AMOLED mặt tròn, với kích thước đường kính {screen} inch, độ phân giải
466 x 466 pixels.

**3. Kết quả xác định trước mã số:** thuộc nhóm 85.17, mã số 8517.62.59.
"""


def test_a_customs_notice_answers_for_its_goods_in_lines_that_do_not_name_them(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # The screen's line names no watch: the notice is about one goods, and every line of it speaks of them.
    answerer = small_store(tmp_path_factory.mktemp("watch"), {
        "thong-bao-37692-tb-chq.md": watch_notice("37692", "46mm", "1.5"),
        "thong-bao-37693-tb-chq.md": watch_notice("37693", "42mm", "1.32"),
        "thong-bao-37694-tb-chq.md": watch_notice("37694", "41mm", "1.43")})

    answer = answerer.ask("Huawei Watch 5 phiên bản 46mm có màn hình bao nhiêu inch?")

    assert answer.found and answer.sources[0].doc_number == "37692/TB-CHQ"
    assert "1.5 inch" in answer.text


NYLON_NOTICE = """**CỤC HẢI QUAN**

Số: 37694/TB-CHQ

*Hà Nội, ngày 21 tháng 11 năm 2025*

**THÔNG BÁO**

VỀ KẾT QUẢ XÁC ĐỊNH TRƯỚC MÃ SỐ

**1. Hàng hóa đề nghị xác định trước mã số do tổ chức, cá nhân cung cấp:**

Tên thương mại: Thiết bị đeo tay thông minh Huawei Watch Fit 4 (phiên bản dây nylon)

**2. Tóm tắt mô tả hàng hóa được xác định trước mã số:**

Thiết bị đeo tay thông minh Huawei Watch Fit 4 (phiên bản dây nylon) là đồng hồ đeo tay thông minh được sử dụng
để xem thời gian, báo thức, bấm giờ, đo và theo dõi các chỉ số liên quan đến hoạt động thể thao.

Thiết bị có hỗ trợ định vị GPS, có hỗ trợ chức năng sạc không dây, có hỗ trợ kết nối NFC.

Trọng lượng: khoảng 27g (không bao gồm dây đeo).

**3. Kết quả xác định trước mã số:** Thiết bị đeo tay thông minh Huawei Watch Fit 4 (phiên bản dây nylon), thuộc
nhóm 85.17, mã số 8517.62.59.
"""


def test_a_customs_notices_goods_name_says_which_notice_not_which_line(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # Most lines of the notice name the watch; the one that answers names the feature asked about.
    answerer = small_store(tmp_path_factory.mktemp("nylon"), {
        "thong-bao-37694-tb-chq.md": NYLON_NOTICE,
        "thong-bao-37692-tb-chq.md": watch_notice("37692", "46mm", "1.5")})

    answer = answerer.ask("Đồng hồ Huawei Watch Fit 4 phiên bản dây nylon có hỗ trợ kết nối NFC không?")
    assert answer.found and answer.sources[0].doc_number == "37694/TB-CHQ"
    assert "kết nối NFC" in answer.text
    # the code is still told by the notice of the goods named
    code = answerer.ask("huawei watch fit 4 ban day nylon ma so hai quan la gi")
    assert code.sources[0].doc_number == "37694/TB-CHQ" and "8517.62.59" in code.text


SPACE_NORMS = """**ỦY BAN NHÂN DÂN**
TỈNH QUẢNG NINH

Số: 98/2025/QĐ-UBND

*Quảng Ninh, ngày 21 tháng 11 năm 2025*

**QUYẾT ĐỊNH**

PHÂN CẤP THẨM QUYỀN QUYẾT ĐỊNH TIÊU CHUẨN, ĐỊNH MỨC DIỆN TÍCH CHUYÊN DÙNG CỦA CÁC CƠ QUAN, TỔ CHỨC, ĐƠN VỊ
THUỘC PHẠM VI QUẢN LÝ CỦA TỈNH QUẢNG NINH

**ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH**

**QUYẾT ĐỊNH:**

**Điều 1.** Phân cấp cho Thủ trưởng các sở, ban, ngành quyết định tiêu chuẩn, định mức diện tích chuyên dùng
của các cơ quan, tổ chức, đơn vị thuộc phạm vi quản lý; việc áp dụng tiêu chuẩn, định mức cho các đơn vị do
Sở Tài chính hướng dẫn.

**Điều 2.** Hiệu lực thi hành

1. Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 12 năm 2025 và áp dụng cho các cơ quan, tổ chức,
đơn vị thuộc phạm vi quản lý của tỉnh.
"""


def test_when_a_text_applies_is_not_said_by_another_text_of_the_same_province(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # Every decision has an effective date and the words «ban hành», «áp dụng cho các …»; only what
    # it is about («nội quy mẫu», «chợ») tells whether it is the text asked for.
    answerer = small_store(tmp_path_factory.mktemp("market"), {"quyet-dinh-98-2025-qd-ubnd.md": SPACE_NORMS})

    answer = answerer.ask("Quảng Ninh ban hành nội quy mẫu áp dụng cho các chợ có hiệu lực từ ngày nào?")

    assert not answer.found and not dates(answer.text)
    assert answerer.ask("Quảng Ninh phân cấp quyết định định mức diện tích chuyên dùng có hiệu lực từ ngày nào?").found
