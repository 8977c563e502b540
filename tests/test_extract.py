"""Obligations and criteria lists read from shipped documents, and the labelled benchmark."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from bot.facts.extract import extract_facts
from bot.retrieval.vietnamese import sentences as split_sentences
from bot.facts.model import DeadlineKind, ListKind
from bot.ingestion.sections import section_lines
from bot.ingestion.cleaning import clean
from bot.ingestion.document import CleanDocument, DocumentMeta
from tests.conftest import ROOT, SEED, shared_file

KNOWLEDGE = ROOT / "knowledge"


def facts_of(name: str):  # type: ignore[no-untyped-def]
    return extract_facts(clean((KNOWLEDGE / name).read_text(encoding="utf-8")))


def test_split_sentences_keeps_numbers_and_abbreviations() -> None:
    text = ("Thực hiện Chỉ thị số 17/CT-BTTTT của Bộ. Hồ sơ gửi trước ngày 31/3/2026. "
            "Sau đó TP. Huế tổng hợp, báo cáo.")
    assert split_sentences(text) == ["Thực hiện Chỉ thị số 17/CT-BTTTT của Bộ.",
                                     "Hồ sơ gửi trước ngày 31/3/2026.",
                                     "Sau đó TP. Huế tổng hợp, báo cáo."]


def test_seed_directive_has_no_invented_deadlines() -> None:
    document = clean(SEED.read_text(encoding="utf-8"))
    assert extract_facts(document).obligations == ()


def test_section_lines_follow_the_chunker_structure() -> None:
    body = clean((KNOWLEDGE / "ke-hoach-0125-kh-ubnd-2025.md").read_text(encoding="utf-8")).body
    pairs = section_lines(body)
    assert len(pairs) == len([line for line in body.splitlines() if line.strip()])
    assert ("VI. TỔ CHỨC THỰC HIỆN > 6.", next(line for _, line in pairs if line.startswith("6. Sở Nội vụ:"))) in pairs


def test_obligation_of_the_election_emulation_plan() -> None:
    obligations = facts_of("ke-hoach-0125-kh-ubnd-2025.md").obligations
    # Sở Nội vụ's report to the election committee sets no time (its only date is the guidance it follows):
    # a task of that unit without a deadline.
    [undated] = [o for o in obligations if o.deadline.due is None]
    assert (undated.is_task, undated.lead, undated.deadline.text) == (True, "Sở Nội vụ", "")
    assert undated.quote.startswith("Sở Nội vụ phối hợp với các cơ quan, đơn vị có liên quan báo cáo Ủy ban bầu cử")
    # what it does stops before the citation, not at its date («… (theo Hướng dẫn 7886/HD-BNV ngày»)
    assert undated.action.endswith("UBND tỉnh xem xét lựa chọn")
    [obligation] = [o for o in obligations if o.deadline.due]
    assert obligation.action == "gửi hồ sơ trình về Sở Nội vụ (qua Phòng Xây dựng chính quyền)"
    assert obligation.deadline.kind is DeadlineKind.ABSOLUTE
    assert obligation.deadline.due == date(2026, 3, 31)
    assert obligation.section == "V. THỦ TỤC, HỒ SƠ VÀ THỜI GIAN KHEN THƯỞNG > 2. Thời gian trình khen thưởng"
    # The wrapped line "trước ngày 31/3/2026 …" is joined back into its sentence.
    assert obligation.quote == (
        "Hồ sơ trình, đề nghị Thủ tướng Chính phủ, Chủ tịch UBND tỉnh xem xét tặng Bằng khen cho các tập thể, "
        "cá nhân gửi về Sở Nội vụ (qua Phòng Xây dựng chính quyền) trước ngày 31/3/2026 để tổng hợp, thẩm định "
        "(trường hợp thay đổi thời gian sẽ có thông báo tới các cơ quan, đơn vị).")


def test_obligation_in_a_lettered_item_of_directive_09() -> None:
    obligations = facts_of("chi-thi-09-ct-ubnd-2025.md").obligations
    # the directive's standing duties («hằng năm», «định kỳ», «thường xuyên … theo quy định tại …») are its
    # units' tasks without a date
    assert {o.lead for o in obligations if o.deadline.due is None} == {
        "Sở Nông nghiệp và Môi trường", "Báo và Phát thanh, Truyền hình thành phố", "Thanh tra thành phố",
        "Các đơn vị cấp nước sạch trên địa bàn thành phố"}
    assert all(o.is_task for o in obligations)
    [obligation] = [o for o in obligations if o.deadline.due]
    assert obligation.action == ("Thực hiện rà soát, thống kê tất cả các công trình khai thác nước dưới đất "
                                 "trên địa bàn")
    assert obligation.deadline.due == date(2025, 12, 31)
    assert obligation.section.endswith("> b)")


def test_actor_and_two_deadlines_in_one_sentence() -> None:
    body = ("VI. TỔ CHỨC THỰC HIỆN\n"
            "3. Các sở, ban, ngành có trách nhiệm gửi báo cáo kết quả về Sở Nội vụ trước ngày 15/12/2025; "
            "tổng kết gửi UBND tỉnh chậm nhất ngày 10 tháng 01 năm 2026.\n"
            "4. UBND các xã, phường: Định kỳ hằng quý báo cáo tiến độ về Sở Tài chính.")
    facts = extract_facts(CleanDocument(body, DocumentMeta(issued_date=date(2025, 11, 20))))
    first, second, third = facts.obligations
    assert (first.actor, first.action, first.deadline.due) == (
        "Các sở, ban, ngành", "gửi báo cáo kết quả về Sở Nội vụ", date(2025, 12, 15))
    assert (second.action, second.deadline.due) == ("tổng kết gửi UBND tỉnh", date(2026, 1, 10))
    assert first.quote == second.quote and first.section == "VI. TỔ CHỨC THỰC HIỆN > 3."
    assert third.actor == "UBND các xã, phường"
    assert (third.deadline.kind, third.deadline.period_months) == (DeadlineKind.PERIODIC, 3)


def test_reward_forms_and_standards_of_plan_0125() -> None:
    lists = facts_of("ke-hoach-0125-kh-ubnd-2025.md").lists
    rewards = next(item for item in lists if item.kind is ListKind.REWARDS)
    assert rewards.heading == "2. Hình thức khen thưởng"
    assert rewards.items == ("Bằng khen của Thủ tướng Chính phủ", "Bằng khen của Chủ tịch UBND tỉnh",
                             "Giấy khen của Thủ trưởng các cơ quan, đơn vị; Chủ tịch UBND các xã, phường")
    standards = [item for item in lists if item.kind is ListKind.STANDARDS]
    individual = next(item for item in standards if item.heading.startswith("b) Đối với cá nhân"))
    assert individual.items[0] == "Gương mẫu, chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước"
    assert len(individual.items) == 3
    commune = next(item for item in standards if item.heading.startswith("- Tặng cho xã, phường"))
    assert len(commune.items) == 5 and commune.items[2].startswith("Có tỷ lệ cử tri đi bầu cử đạt từ 98% trở lên")
    # The umbrella heading "III. ĐỐI TƯỢNG, NGUYÊN TẮC, HÌNH THỨC VÀ TIÊU CHUẨN …" is not a list itself.
    assert not any(item.heading.startswith("III.") for item in lists)


def test_criteria_grouped_by_target_in_plan_982() -> None:
    lists = facts_of("ke-hoach-982-kh-ubnd-2025.md").lists
    criteria = [item for item in lists if item.kind is ListKind.CRITERIA]
    assert [item.heading for item in criteria][:2] == ["a) Đối với tỉnh Nghệ An",
                                                        "b) Đối với Ủy ban Mặt trận Tổ quốc tỉnh, các tổ chức chính trị - xã hội"]
    assert criteria[0].section.startswith("III. TIÊU CHÍ THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG > 1. Tiêu chí thi đua")
    assert criteria[0].items[1] == "Tổ chức tốt công tác tuyên truyền Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"
    rewards = next(item for item in lists if item.kind is ListKind.REWARDS)
    assert rewards.items[:2] == ("Huân chương Lao động", "Bằng khen của Thủ tướng Chính phủ")


def test_labelled_benchmark_precision_and_recall() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import deadline_extraction as bench

    rows = bench.load_labels()
    assert len(rows) >= 60
    assert sum(1 for row in rows if row["deadlines"]) >= 45 and sum(1 for row in rows if not row["deadlines"]) >= 15
    result = bench.score(rows)
    assert result.precision >= 0.95, result.false_positives
    assert result.recall >= 0.90, result.misses


def test_corpus_documents_extract_without_error() -> None:
    """120 real documents go through extraction (its speed is measured by
    bench/deadline_extraction.py, not asserted here: the machines are noisy)."""
    path: Path = shared_file("corpus/official-docs.jsonl")
    documents = [clean(json.loads(line)["text"]) for line in path.read_text(encoding="utf-8").splitlines()[:120]]
    facts = [extract_facts(document) for document in documents]
    assert sum(len(f.obligations) for f in facts) > 50
