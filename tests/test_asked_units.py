"""Which unit a question names as acting, and the answer quoting that unit's step rather than another
unit's step in the same words. Unit tests without a store: the steps' units come from extraction."""
from __future__ import annotations

from datetime import date

import pytest

from bot.facts.extract import extract_facts
from bot.ingestion.document import CleanDocument, DocumentMeta
from bot.retrieval.asked_units import UnitSentences, asked_unit, unit_key
from bot.retrieval.evidence import SentenceScorer, passage_sentences
from bot.retrieval.questions import understand
from bot.retrieval.search import Passage

# A procedure whose levels each have their steps, and whose level headings stand lines above them.
PROCEDURE = """Phần II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH

2. Thủ tục xác định, phân định thôn, xã vùng đồng bào dân tộc thiểu số và miền núi

a) Trình tự thực hiện

- Cấp xã (Ủy ban nhân dân cấp xã):

Bước 1: Tổ chức rà soát, xác định thôn vùng đồng bào dân tộc thiểu số và miền núi trên địa bàn;

Bước 2: Niêm yết công khai kết quả rà soát tại trụ sở;

Bước 3: Lập báo cáo kết quả xác định, phân định gửi Ủy ban nhân dân tỉnh trong thời hạn 25 ngày làm việc \
kể từ ngày nhận văn bản chỉ đạo triển khai của Ủy ban nhân dân tỉnh.

- Cấp tỉnh (Ủy ban nhân dân tỉnh):

Bước 1: Chỉ đạo tổ chức rà soát, thẩm định kết quả xác định thôn, xã trên địa bàn;

Bước 2: Tổng hợp kết quả xác định, phân định của các xã;

Bước 3: Lấy ý kiến các sở, ngành về kết quả xác định, phân định;

Bước 4: Lập báo cáo kết quả xác định, phân định gửi Bộ Dân tộc và Tôn giáo trong thời hạn 45 ngày làm việc \
kể từ ngày Nghị định số 272/2025/NĐ-CP có hiệu lực thi hành.
"""


@pytest.mark.parametrize(("question", "unit"), [
    ("Quảng Trị, phân định thôn, xã: UBND cấp xã gửi báo cáo kết quả về UBND tỉnh trong thời hạn bao nhiêu ngày?",
     "ubnd_xa"),
    ("qd 2708 quang tri: ubnd tinh gui bao cao ket qua phan dinh ve bo dan toc va ton giao trong bao lau", "ubnd_tinh"),
    ("Quảng Trị, Ủy ban nhân dân các xã, phường gửi báo cáo trong bao lâu?", "ubnd_xa"),
    # a unit named as the one receiving, or as the agent of a clause about the subject, is not the one acting
    ("Thông báo 659: các bộ gửi báo cáo cho Bộ Tư pháp trước ngày nào?", None),
    ("TTHC nhà ở: các cơ quan được Sở Xây dựng lấy ý kiến phải trả lời trong bao lâu?", None),
])
def test_the_unit_a_question_opens_its_asking_part_with_acts(question: str, unit: str | None) -> None:
    known = {"ubnd_xa", "ubnd_tinh", "bo dan toc va ton giao", "bo tu phap", "so xay dung"}
    assert asked_unit(question, known) == unit


def test_a_level_is_one_unit_however_it_is_written() -> None:
    assert unit_key("UBND cấp xã") == unit_key("Ủy ban nhân dân các xã, phường, đặc khu") == "ubnd_xa"
    assert unit_key("Ủy ban nhân dân cấp tỉnh") == unit_key("UBND tỉnh") == "ubnd_tinh"
    assert unit_key("Các Sở Tư pháp") == unit_key("so tu phap")


def _answer(question: str) -> str:
    # the passages as the store cuts them: each level's steps apart from its heading
    cut = PROCEDURE.split("\n\n")
    texts = ["\n\n".join(cut[:5]), "\n\n".join(cut[5:8]), "\n\n".join(cut[8:10]), "\n\n".join(cut[10:])]
    passages = [Passage(text=t, score=1.0 - 0.1 * n, source="qd.md", doc_number="2708/QĐ-UBND", chunk_id=str(n))
                for n, t in enumerate(texts)]
    obligations = extract_facts(CleanDocument(PROCEDURE, DocumentMeta(issued_date=date(2025, 11, 18)))).obligations
    parsed = understand(question)
    scorer = SentenceScorer(parsed, units=UnitSentences.read(parsed.text, {"qd.md": obligations}))
    return scorer.best([(p, p.score, passage_sentences(p.text)) for p in passages]).quoted


def test_the_step_of_the_unit_asked_answers_not_another_units_step_in_the_same_words() -> None:
    assert "45 ngày" in _answer("ubnd tinh gui bao cao ket qua phan dinh ve bo dan toc va ton giao trong bao lau")
    assert "25 ngày" in _answer("UBND cấp xã gửi báo cáo kết quả phân định về UBND tỉnh trong thời hạn bao lâu?")



def test_a_dated_step_of_other_units_only_is_no_answer_for_the_ministry_or_department_asked() -> None:
    obligations = extract_facts(CleanDocument(PROCEDURE, DocumentMeta(issued_date=date(2025, 11, 18)))).obligations
    step = ("Bước 4: Lập báo cáo kết quả xác định, phân định gửi Bộ Dân tộc và Tôn giáo trong thời hạn 45 ngày làm "
            "việc kể từ ngày Nghị định số 272/2025/NĐ-CP có hiệu lực thi hành.")
    # a department the document gives no step is still the one asked: the province's step is not its own
    asked = UnitSentences.read("Sở Y tế gửi báo cáo kết quả phân định trong thời hạn bao lâu?", {"qd.md": obligations})
    assert asked.asked == "so y te" and asked.others(step, "qd.md")
    # the unit whose step it is, or a question that names no unit as acting, keeps the step
    own = UnitSentences.read("UBND tỉnh gửi báo cáo kết quả phân định trong bao lâu?", {"qd.md": obligations})
    assert not own.others(step, "qd.md")
    assert not UnitSentences.read("báo cáo kết quả phân định gửi trong bao lâu?", {"qd.md": obligations}).others(
        step, "qd.md")
