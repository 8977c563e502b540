"""Deadline phrases of real directive sentences: found, normalised, and not invented."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from bot.facts.deadlines import find_deadlines
from bot.facts.model import Deadline, DeadlineKind

ISSUED = date(2025, 11, 18)


def only(sentence: str, issued: date | None = ISSUED) -> Deadline:
    found = find_deadlines(sentence, issued)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("sentence, due, text", [
    ("Hồ sơ trình, đề nghị Thủ tướng Chính phủ, Chủ tịch UBND tỉnh xem xét tặng Bằng khen cho các tập thể, "
     "cá nhân gửi về Sở Nội vụ (qua Phòng Xây dựng chính quyền) trước ngày 31/3/2026 để tổng hợp, thẩm định.",
     date(2026, 3, 31), "trước ngày 31/3/2026"),
    ("Thời gian hoàn thành: Trước ngày 31/05/2026.", date(2026, 5, 31), "Trước ngày 31/05/2026"),
    ("gửi báo cáo về Bộ Xây dựng chậm nhất ngày 10 tháng 12 năm 2025, trong đó: thống kê, báo cáo đầy đủ",
     date(2025, 12, 10), "chậm nhất ngày 10 tháng 12 năm 2025"),
    ("Các đơn vị gửi báo cáo trước 17 giờ ngày 5/12/2025.", date(2025, 12, 5), "trước 17 giờ ngày 5/12/2025"),
    ("Bộ Xây dựng: Khẩn trương thành lập đoàn công tác, hoàn thành trong tháng 12 năm 2025, triển khai "
     "thực hiện trong năm 2026.", date(2025, 12, 31), "hoàn thành trong tháng 12 năm 2025"),
    ("xây dựng kế hoạch (hoàn thành trong tháng 11/2025) gửi về Công an tỉnh", date(2025, 11, 30),
     "hoàn thành trong tháng 11/2025"),
])
def test_absolute_dates(sentence: str, due: date, text: str) -> None:
    deadline = only(sentence)
    assert (deadline.kind, deadline.due, deadline.text) == (DeadlineKind.ABSOLUTE, due, text)


def test_nfd_input_is_read_like_nfc() -> None:
    sentence = unicodedata.normalize("NFD", "Báo cáo UBND tỉnh trước ngày 15 tháng 12 năm 2025.")
    assert only(sentence).due == date(2025, 12, 15)


def test_yearless_date_is_the_next_one_after_the_issue_date() -> None:
    sentence = "Trình Chủ tịch UBND thành phố phê duyệt quy trình nội bộ trước ngày 20/11."
    assert only(sentence, date(2025, 11, 18)).due == date(2025, 11, 20)
    assert only(sentence, date(2025, 12, 1)).due == date(2026, 11, 20)


@pytest.mark.parametrize("sentence, days", [
    ("Ban Chỉ đạo định kỳ 06 tháng (trước ngày 20 tháng 6 hằng năm) và 01 năm (trước ngày 15 tháng 11 "
     "hằng năm) báo cáo Ban Chỉ đạo về tiến độ.", [(20, 6), (15, 11)]),
    ("gửi hồ sơ đề nghị khen thưởng đến Sở Nội vụ (qua Phòng Thi đua, khen thưởng) trước ngày 10/12 hằng năm.",
     [(10, 12)]),
    ("Định kỳ hằng năm (trước ngày 30 tháng 11) báo cáo kết quả thực hiện về Sở Xây dựng.", [(30, 11)]),
    ("gửi Sở Tài chính trước ngày 25 tháng 01 hàng năm hoặc theo yêu cầu của Ủy ban nhân dân tỉnh.", [(25, 1)]),
])
def test_recurring_every_year(sentence: str, days: list[tuple[int, int]]) -> None:
    found = find_deadlines(sentence, ISSUED)
    assert [(d.kind, d.day, d.month) for d in found] == [(DeadlineKind.RECURRING, *dm) for dm in days]


@pytest.mark.parametrize("sentence, expected", [
    ("Báo cáo Thủ tướng Chính phủ kết quả thực hiện nhiệm vụ của các bộ, ngành trước ngày 20 hằng tháng.",
     [(1, None, 20)]),
    ("b) định kỳ trước ngày 20 của tháng cuối quý gửi báo cáo về Sở Tài chính.", [(3, None, 20)]),
    ("- Thực hiện chế độ báo cáo định kỳ hằng quý về tiến độ cập nhật dữ liệu gửi Sở Tài chính.",
     [(3, None, None)]),
    ("Kết quả phải được báo cáo bằng văn bản định kỳ hằng tháng, hằng quý, hằng năm và theo yêu cầu đột xuất.",
     [(1, None, None), (3, None, None), (12, None, None)]),
    ("Các đơn vị báo cáo tiến độ hàng tuần về Văn phòng.", [(None, 7, None)]),
    ("Định kỳ 6 tháng, các sở báo cáo UBND tỉnh.", [(6, None, None)]),
])
def test_periodic(sentence: str, expected: list[tuple[int | None, int | None, int | None]]) -> None:
    found = find_deadlines(sentence, ISSUED)
    assert all(d.kind is DeadlineKind.PERIODIC for d in found)
    assert [(d.period_months, d.period_days, d.day) for d in found] == expected


def test_relative_resolved_against_the_issue_date() -> None:
    deadline = only("Trong thời hạn 10 ngày kể từ ngày ban hành Kế hoạch này, các đơn vị gửi kế hoạch về Sở.")
    assert (deadline.kind, deadline.offset_days, deadline.due) == (DeadlineKind.RELATIVE, 10, date(2025, 11, 28))
    assert only("Sau 15 ngày kể từ ngày ký, các xã báo cáo.").due == date(2025, 12, 3)


def test_relative_working_days_skip_the_weekend() -> None:
    # Issued Friday 21/11/2025: five working days later is Friday 28/11.
    deadline = only("hoàn thiện hồ sơ trình phê duyệt chậm nhất 05 ngày làm việc kể từ ngày ký.", date(2025, 11, 21))
    assert (deadline.offset_days, deadline.due) == (5, date(2025, 11, 28))


def test_relative_to_another_event_keeps_its_anchor() -> None:
    deadline = only("Trong thời hạn 15 ngày kể từ ngày nhận được hồ sơ hợp lệ, người đứng đầu cơ quan xem xét, "
                    "quyết định cấp lại giấy phép.")
    assert (deadline.offset_days, deadline.due, deadline.anchor) == (15, None, "ngày nhận được hồ sơ hợp lệ")


@pytest.mark.parametrize("sentence, days, anchor", [
    ("Tài liệu của phiên họp do Văn phòng giúp việc Hội đồng chuyển đến thành viên Hội đồng chậm nhất là 10 ngày "
     "trước khi họp.", -10, "khi họp"),
    ("1. Chậm nhất 90 ngày trước ngày hết thời hạn bổ nhiệm, cấp có thẩm quyền bổ nhiệm phải ra thông báo.", -90,
     "ngày hết thời hạn bổ nhiệm"),
    ("Cơ quan lấy ý kiến gửi đến cơ quan cần xin ý kiến ít nhất 03 ngày làm việc trước thời hạn quy định.", -3,
     "thời hạn quy định"),
    # not one day after: one day before the file falls due
    ("Đối với hồ sơ dự kiến quá hạn giải quyết, trong thời gian chậm nhất 01 ngày trước ngày hết hạn, cơ quan "
     "có thẩm quyền giải quyết hồ sơ ban hành văn bản xin lỗi.", -1, "ngày hết hạn"),
])
def test_a_lead_time_before_an_event_counts_back_from_it(sentence: str, days: int, anchor: str) -> None:
    deadline = only(sentence)
    assert (deadline.kind, deadline.offset_days, deadline.due, deadline.anchor) == (
        DeadlineKind.RELATIVE, days, None, anchor)


@pytest.mark.parametrize("sentence", [
    "Căn cứ Quyết định số 4347/QĐ-BVHTTDL ngày 14/11/2025 của Bộ trưởng Bộ Văn hóa, Thể thao và Du lịch;",
    "Thực hiện Kế hoạch số 982/KH-UBND ngày 12/3/2025 của UBND tỉnh về phong trào thi đua.",
    "tổ chức lễ trao thưởng, khen thưởng vào ngày 19 tháng 12 năm 2025.",
    "b) Thời gian: Từ ngày 15/11/2025 đến ngày 15/12/2025.",
    "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
    "Quyết định này có hiệu lực thi hành từ ngày 15 tháng 12 năm 2025.",
    "1. Đất đã được sử dụng ổn định trước ngày 15 tháng 10 năm 1993 thì được bồi thường về đất.",
    "chỉ được hưởng một mức chi hỗ trợ hàng tháng cao nhất theo quy định.",
    "Thực hiện chế độ thông tin, báo cáo định kỳ và đột xuất về tình hình thực hiện nhiệm vụ được giao.",
    "Hẹn lần 1: không quá 03 ngày làm việc.",
    "Không để tiền, hàng quý hiếm qua đêm tại chợ.",
])
def test_dates_that_are_not_deadlines(sentence: str) -> None:
    assert find_deadlines(sentence, ISSUED) == []


def test_next_due_for_each_kind() -> None:
    today = date(2025, 12, 1)
    absolute = Deadline(DeadlineKind.ABSOLUTE, "trước ngày 31/3/2026", due=date(2026, 3, 31))
    assert absolute.next_due(today) == date(2026, 3, 31)
    assert absolute.next_due(date(2026, 4, 1)) is None
    recurring = only("gửi báo cáo trước ngày 15 tháng 11 hằng năm.")
    assert recurring.next_due(today) == date(2026, 11, 15)  # this year's has passed: next year
    assert recurring.next_due(date(2026, 11, 15)) == date(2026, 11, 15)
    quarterly = only("định kỳ trước ngày 20 của tháng cuối quý gửi báo cáo.")
    assert quarterly.next_due(today) == date(2025, 12, 20)
    assert quarterly.next_due(date(2025, 12, 21)) == date(2026, 3, 20)
    monthly = only("báo cáo trước ngày 31 hằng tháng.")
    assert monthly.next_due(date(2026, 2, 1)) == date(2026, 2, 28)
    relative = only("Trong thời hạn 10 ngày kể từ ngày ban hành Kế hoạch này, các sở gửi kế hoạch.")
    assert relative.next_due(ISSUED) == date(2025, 11, 28)


def test_29_february_falls_on_the_28th_in_a_common_year() -> None:
    leap = only("Các đơn vị nộp báo cáo trước ngày 29/02 hằng năm.")
    assert (leap.day, leap.month) == (29, 2)
    assert leap.next_due(date(2027, 1, 10)) == date(2027, 2, 28)
    assert leap.next_due(date(2028, 1, 10)) == date(2028, 2, 29)
