"""Dated sentences read as tasks or not, with their lead and coordinating units."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from bot.db.engine import alembic_config, migrate, open_engine
from bot.db.facts import FactStore
from bot.facts.extract import sentence_obligations
from bot.retrieval.listings import rhythm
from bot.facts.model import Deadline, DeadlineKind, DocumentFacts, NotTask
from bot.facts.units import split_units, unit_heading
from bot.ingestion.document import DocumentMeta
from tests.reading import ISSUED, obligations_in, tasks_in



def only(sentence: str, section: str = "", margin: int | None = None):  # type: ignore[no-untyped-def]
    [obligation] = sentence_obligations(sentence, ISSUED, section, delivery_margin_days=margin)
    return obligation


@pytest.mark.parametrize(("sentence", "reason"), [
    (("Người lao động có thời gian đóng bảo hiểm xã hội trước ngày 01 tháng 01 năm 2026 thì được "
      "tính hưởng theo quy định cũ."), NotTask.LEGAL_CONDITION),
    ("Mức hỗ trợ này được áp dụng đối với hồ sơ nộp trước ngày 31/12/2025.", NotTask.EFFECTIVE_DATE),
    (("Kinh phí hoạt động của Ban Chỉ đạo được bố trí trong dự toán hằng năm, cấp trước ngày 31/01 "
      "hằng năm."), NotTask.BUDGET),
    ("Thời điểm đánh giá, xếp loại chất lượng trước ngày 15 tháng 12 hằng năm.", NotTask.RULE),
    ("Thời gian kiểm tra và đánh giá kết quả: hoàn thành trước ngày 15/12/2025.", NotTask.SCHEDULE),
])
def test_dated_sentences_that_assign_nobody_are_not_tasks(sentence: str, reason: NotTask) -> None:
    obligations = sentence_obligations(sentence, ISSUED)
    assert obligations and all(not o.is_task and o.not_task is reason for o in obligations)
    assert all(o.lead is None for o in obligations)


def test_an_article_on_submission_times_under_a_chapter_on_criteria_assigns_tasks() -> None:
    chapter = "Chương II. ĐỐI TƯỢNG, TIÊU CHUẨN DANH HIỆU THI ĐUA, HÌNH THỨC KHEN THƯỞNG"
    task = only("Đối với khen thưởng tổng kết năm: Các cơ quan, đơn vị, địa phương tổ chức bình xét thi đua; "
                "gửi hồ sơ đề nghị khen thưởng đến Sở Nội vụ trước ngày 10/12 hằng năm.",
                section=f"{chapter} > Điều 6. Thời gian đề nghị khen thưởng > 2.")
    assert task.is_task and task.lead == "Các cơ quan, đơn vị, địa phương"
    scope = only("Tập thể, cá nhân được xét khen thưởng trước ngày 10/12 hằng năm.",
                 section=f"{chapter} > Điều 2. Đối tượng áp dụng")
    assert (scope.is_task, scope.not_task) == (False, NotTask.RULE)


def test_a_past_event_is_not_a_task() -> None:
    obligation = only("Năm 2025, tỉnh đã tổ chức thành công Hội nghị xúc tiến, hoàn thành trước ngày 30/11/2025.")
    assert (obligation.is_task, obligation.not_task) == (False, NotTask.PAST_EVENT)


def test_lead_chairs_and_others_coordinate() -> None:
    obligation = only("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, Sở Y tế và UBND các xã, phường "
                      "tổng hợp, báo cáo UBND tỉnh trước ngày 15/12/2025.")
    assert obligation.is_task and obligation.not_task is None
    assert obligation.lead == "Sở Nội vụ"
    assert obligation.coordinate == ("Sở Tài chính", "Sở Y tế", "UBND các xã, phường")


def test_lead_named_after_giao() -> None:
    obligation = only("Giao Sở Tư pháp chủ trì, phối hợp với Công an tỉnh rà soát các văn bản, "
                      "hoàn thành trước ngày 31/12/2025.")
    assert (obligation.lead, obligation.coordinate) == ("Sở Tư pháp", ("Công an tỉnh",))


def test_lead_is_the_body_assigned_after_an_opening_time() -> None:
    # the minister assigns; the body named after «giao», in lower case, does it
    obligation = only("Trường hợp phải bổ sung hồ sơ, trong thời hạn 07 ngày làm việc kể từ ngày nhận được ý kiến "
                      "thẩm định, Bộ trưởng Bộ Văn hóa, Thể thao và Du lịch giao cơ quan tham mưu, quản lý nhà nước "
                      "về di sản văn hóa ở trung ương thông báo bằng văn bản tới cơ quan chuyên môn về văn hóa cấp tỉnh.")
    assert obligation.lead == "cơ quan tham mưu, quản lý nhà nước về di sản văn hóa ở trung ương"


def test_lead_comes_from_the_nearest_unit_heading() -> None:
    body = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "1. Bộ Khoa học và Công nghệ\n"
            "a) Hướng dẫn triển khai nền tảng số, hoàn thành trước ngày 31/12/2025.\n"
            "b) Chủ trì, phối hợp với Bộ Công an, Bộ Tài chính xây dựng cơ sở dữ liệu, hoàn thành "
            "trong tháng 3/2026.\n"
            "2. Ủy ban nhân dân các xã, phường:\n"
            "- Báo cáo kết quả thực hiện trước ngày 20/12/2025.")
    first, second, third = obligations_in(body)
    assert (first.actor, first.lead, first.is_task) == ("Bộ Khoa học và Công nghệ",) * 2 + (True,)
    assert (second.lead, second.coordinate) == ("Bộ Khoa học và Công nghệ", ("Bộ Công an", "Bộ Tài chính"))
    assert second.deadline.due == date(2026, 3, 31)
    assert third.lead == "Ủy ban nhân dân các xã, phường"


def test_a_later_sentence_of_an_item_keeps_the_units_its_first_names_as_helping() -> None:
    body = ("Điều 12. Trách nhiệm của Liên hiệp các hội Khoa học và Kỹ thuật tỉnh\n"
            "7. Chủ trì, phối hợp với các sở, cơ quan liên quan, Ủy ban nhân dân các xã, phường triển khai thực hiện "
            "quy định này. Định kỳ hằng năm, đánh giá rút kinh nghiệm, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12.\n"
            "8. Sở Tài chính phối hợp với Kho bạc Nhà nước bố trí kinh phí. Sở Nội vụ báo cáo trước ngày 20/12/2025.")
    review, report = [o for o in obligations_in(body) if o.is_task]
    assert review.lead == "Liên hiệp các hội Khoa học và Kỹ thuật tỉnh"
    assert review.coordinate == ("các sở, cơ quan liên quan", "Ủy ban nhân dân các xã, phường")
    # a later sentence that names its own unit does not take the helpers of another's work
    assert (report.lead, report.coordinate) == ("Sở Nội vụ", ())


def test_a_line_that_dates_or_goes_on_from_the_line_above_keeps_its_helpers() -> None:
    body = ("IV. NHIỆM VỤ CỤ THỂ\n"
            "1. Sở Tài chính:\n"
            "- Phối hợp với các cơ quan chuyên môn có liên quan hướng dẫn chỉ tiêu, biểu mẫu kiểm kê.\n"
            "Thời gian hoàn thành: Tháng 12/2025.\n"
            "- Chủ trì, phối hợp với Sở Tư pháp rà soát quy trình nội bộ giải quyết thủ tục hành chính;\n"
            "hoàn thiện hồ sơ trình Chủ tịch UBND tỉnh phê duyệt chậm nhất 03 ngày kể từ ngày ban hành Quyết định.\n"
            "- Tổng hợp kết quả kiểm kê, báo cáo Ủy ban nhân dân tỉnh.\n"
            "Thời gian hoàn thành: Tháng 3/2026.")
    guide, review, report = [o for o in obligations_in(body) if o.is_task]
    assert (guide.lead, guide.coordinate) == ("Sở Tài chính", ("các cơ quan chuyên môn có liên quan",))
    assert (review.lead, review.coordinate) == ("Sở Tài chính", ("Sở Tư pháp",))
    # a line above with no helpers of its own gives none
    assert (report.lead, report.coordinate) == ("Sở Tài chính", ())


def test_an_item_that_announces_its_contents_after_a_purpose_gives_its_lines_a_lead() -> None:
    body = ("II. Trách nhiệm phối hợp\n"
            "5. Để nâng cao hiệu quả quản lý nhà nước về đầu tư, các Sở, ngành, UBND cấp xã và các đơn vị có liên "
            "quan theo chức năng, nhiệm vụ triển khai thực hiện những nội dung sau:\n"
            "a) Hướng dẫn nhà đầu tư thực hiện thủ tục đầu tư.\n"
            "b) Định kỳ hằng quý đánh giá tình hình hoạt động của các dự án đầu tư.")
    [task] = [o for o in obligations_in(body) if o.is_task]
    assert task.lead == "các Sở, ngành, UBND cấp xã và các đơn vị có liên quan"


def test_an_aside_in_brackets_is_read_with_the_step_before_it() -> None:
    body = ("Điều 46. Giao đất, cho thuê đất\n"
            "3. Ủy ban nhân dân cấp xã:\n"
            "- Rà soát, kiểm tra hồ sơ; kiểm tra thực địa. (Trường hợp hồ sơ cần bổ sung, không đủ điều kiện giải "
            "quyết phải có văn bản thông báo cụ thể trong thời gian tối đa 02 ngày)")
    [task] = obligations_in(body)
    assert (task.is_task, task.lead) == (True, "Ủy ban nhân dân cấp xã")
    assert task.quote.startswith("- Rà soát, kiểm tra hồ sơ")


def test_lead_from_a_section_path_alone() -> None:
    obligation = only("Tổng hợp, báo cáo kết quả trước ngày 10/12/2025.",
                      section="IV. Tổ chức thực hiện > 3. Sở Y tế")
    assert (obligation.actor, obligation.lead) == ("Sở Y tế", "Sở Y tế")


def test_actor_after_an_opening_time_phrase() -> None:
    obligation = only("Trong thời hạn 10 ngày làm việc kể từ ngày ban hành Kế hoạch này, Sở Xây dựng có "
                      "trách nhiệm hoàn thiện dự thảo, trình UBND tỉnh.")
    assert (obligation.lead, obligation.deadline.due) == ("Sở Xây dựng", date(2025, 12, 4))


@pytest.mark.parametrize(("sentence", "lead"), [
    ("Định kỳ 03 năm một lần hoặc khi cần thiết, Bộ Nông nghiệp và Môi trường sửa đổi, bổ sung Danh mục loài ngoại "
     "lai xâm hại.", "Bộ Nông nghiệp và Môi trường"),
    ("Hàng năm Ủy ban nhân dân các xã, phường lồng ghép việc chỉnh trang mạng cáp viễn thông vào kế hoạch ngầm hóa.",
     "Ủy ban nhân dân các xã, phường"),
])
def test_a_unit_that_amends_or_folds_in_after_its_rhythm_leads(sentence: str, lead: str) -> None:
    [task] = [o for o in sentence_obligations(sentence, ISSUED, "Điều 5. > 3.", loose=True) if o.is_task]
    assert task.lead == lead


def test_unit_headings() -> None:
    assert unit_heading("Điều 5. Trách nhiệm của Sở Tài chính") == "Sở Tài chính"
    assert unit_heading("Điều 2. Sở Khoa học và Công nghệ có trách nhiệm:") == "Sở Khoa học và Công nghệ"
    assert unit_heading("3. Sở Y tế:") == "Sở Y tế"
    assert unit_heading("b) Ủy ban nhân dân các xã, phường") == "Ủy ban nhân dân các xã, phường"
    assert unit_heading("IV. Tổ chức thực hiện") is None
    assert unit_heading("2. Trường hợp được miễn") is None


def test_units_split_on_commas_between_units_only() -> None:
    assert split_units("Sở Văn hóa, Thể thao và Du lịch; Sở Tài chính và các xã, phường") == (
        "Sở Văn hóa, Thể thao và Du lịch", "Sở Tài chính", "các xã, phường")


def test_rows_of_a_task_table_give_lead_coordinate_and_deadline() -> None:
    body = ("Phụ lục\n"
            "STT | Tên nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n"
            "I | NÂNG CAO NHẬN THỨC\n"
            "1 | Triển khai nền tảng học trực tuyến mở | Sở KH&CN | Các sở, ban, ngành tỉnh; UBND các xã, "
            "phường | Tháng 12/2025\n"
            "2 | Tổ chức lại Ban Chỉ huy Phòng thủ dân sự | Bộ CHQS tỉnh | Văn phòng Ban Chỉ huy | "
            "Trước ngày 30/11/2025\n"
            "3 | Tuyên truyền thường xuyên | Sở Văn hóa, Thể thao và Du lịch | | Thường xuyên")
    first, second = obligations_in(body)
    assert first.is_task and first.action == "Triển khai nền tảng học trực tuyến mở"
    assert (first.lead, first.coordinate) == ("Sở KH&CN", ("Các sở, ban, ngành tỉnh", "UBND các xã, phường"))
    assert first.deadline.due == date(2025, 12, 31)
    assert (second.lead, second.coordinate, second.deadline.due) == (
        "Bộ CHQS tỉnh", ("Văn phòng Ban Chỉ huy",), date(2025, 11, 30))


def test_a_step_table_is_read_by_its_column_of_who_does_the_step() -> None:
    body = ("1. Cấp giấy chứng nhận lưu hành tự do\n"
            "TT | Trình tự thực hiện | Trách nhiệm thực hiện | Sản phẩm thực hiện | Thời gian thực hiện\n"
            "B2 | Phòng Quản lý Báo chí - Xuất bản thụ lý và xử lý hồ sơ | Lãnh đạo Phòng chuyên môn phân công thụ lý"
            " | Ý kiến phân công thụ lý | 1/4 ngày\n"
            "Chuyên viên thụ lý, xử lý hồ sơ | Tham mưu, dự thảo văn bản liên quan | 01 ngày\n"
            "B3 | Ký phê duyệt Quyết định công nhận | Chính ủy Bộ Chỉ huy Quân sự tỉnh | Quyết định | 1/2 ngày\n"
            "B4 | Cơ quan nhân sự Bộ CHQS tỉnh | Thủ trưởng cơ quan phân công thụ lý | Ý kiến phân công | 1/4 ngày\n"
            "Tổng thời gian giải quyết TTHC | 10 ngày làm việc\n")
    # the step's title may name the office; who takes the step is the column's role, its work cut off; a line
    # under the merged number and title of «B2» is that step's next desk
    tasks = [o for o in obligations_in(body) if o.is_task]
    assert [o.lead for o in tasks] == [
        "Lãnh đạo Phòng chuyên môn", "Chuyên viên thụ lý, xử lý hồ sơ", "Chính ủy Bộ Chỉ huy Quân sự tỉnh",
        "Thủ trưởng cơ quan"]
    assert tasks[0].action == "Phòng Quản lý Báo chí - Xuất bản thụ lý và xử lý hồ sơ"  # the step, not the whole row
    assert tasks[1].action == "Tham mưu, dự thảo văn bản liên quan"  # the desk's own work, its title merged above
    # (and the row of totals is no one's step: four tasks, not five)


def test_a_step_written_over_lines_is_read_whole_by_its_doer_and_time() -> None:
    body = ("I. Khấu trừ kinh phí bồi thường\n"
            "Thứ tự công việc | Đơn vị/người thực hiện | Nội dung công việc | Thời gian thực hiện | "
            "Dịch vụ công trực tuyến\n"
            "Bước 2 | Lãnh đạo phòng Phòng Kinh tế | Nhận hồ sơ, phân công công chức xử lý hồ sơ | 04 giờ\n"
            "Bước 3 | Chuyên viên phòng Phòng Kinh tế\n"
            "- Nhận hồ sơ; xử lý, thẩm định hồ sơ\n"
            "- Dự thảo kết quả giải quyết\n"
            "112 giờ\n"
            "Bước 4 | Lãnh đạo phòng Phòng Kinh tế | - Thẩm tra, xác nhận dự thảo kết quả | 24 giờ\n")
    # each step once, with its own doer and time: the third's lines end at its time, not at the next step
    tasks = [o for o in obligations_in(body) if o.is_task]
    assert [(o.lead, o.deadline.text) for o in tasks] == [
        ("Lãnh đạo phòng Phòng Kinh tế", "04 giờ"), ("Chuyên viên phòng Phòng Kinh tế", "112 giờ"),
        ("Lãnh đạo phòng Phòng Kinh tế", "24 giờ")]
    # the work is the «Nội dung công việc» column's, not the step's number under «Thứ tự công việc»
    assert [o.action for o in tasks[:2]] == ["Nhận hồ sơ, phân công công chức xử lý hồ sơ",
                                             "Nhận hồ sơ; xử lý, thẩm định hồ sơ - Dự thảo kết quả giải quyết"]


def test_a_line_that_only_states_the_time_is_the_time_of_the_work_above_it() -> None:
    body = ("Điều 2. Giao các cơ quan, đơn vị:\n"
            "1. Sở Khoa học và Công nghệ chủ trì, phối hợp với Văn phòng UBND tỉnh:\n"
            "Xây dựng quy trình nội bộ, quy trình điện tử trong giải quyết TTHC theo nội dung công bố tại Quyết "
            "định này.\n"
            "Thời hạn chậm nhất 05 ngày làm việc kể từ ngày ban hành Quyết định.\n"
            "2. Sở Tư pháp\n"
            "- Tham mưu, đề xuất tổ chức Đoàn của tỉnh nghiên cứu, học tập kinh nghiệm xây dựng chính sách.\n"
            "- Đơn vị phối hợp: Văn phòng UBND tỉnh.\n"
            "- Thời gian thực hiện: Hằng năm.\n")
    tasks = [o for o in obligations_in(body) if o.is_task]
    # the register shows what to do by then, not an empty task (past the item's fields of units)
    assert [(o.lead, o.action) for o in tasks] == [
        ("Sở Khoa học và Công nghệ", "Xây dựng quy trình nội bộ, quy trình điện tử trong giải quyết TTHC theo nội dung "
                                     "công bố tại Quyết định này"),
        ("Sở Tư pháp", "Tham mưu, đề xuất tổ chức Đoàn của tỉnh nghiên cứu, học tập kinh nghiệm xây dựng chính sách")]


def test_a_rows_number_cell_is_no_part_of_its_action() -> None:
    [task] = tasks_in("B9 | Tổng hợp kết quả họp Hội đồng, dự thảo Công văn yêu cầu tổ chức giải trình trong thời hạn "
                      "15 ngày kể từ khi nhận được kết luận | Chuyên viên Phòng QLCN&TĐC")
    assert task.action.startswith("Tổng hợp kết quả họp Hội đồng")


def test_a_time_in_a_clause_of_its_own_is_the_time_of_the_clauses_before_it() -> None:
    [task] = tasks_in("Bộ Nội vụ khẩn trương hướng dẫn, rà soát, kịp thời khen thưởng các tổ chức, cá nhân có thành tích "
                      "cao; hoàn thành trước ngày 10 tháng 12 năm 2025.")
    assert task.lead == "Bộ Nội vụ" and task.action.startswith("hướng dẫn, rà soát, kịp thời khen thưởng")


def test_a_catalogues_authority_column_makes_no_task() -> None:
    body = ("DANH MỤC THỦ TỤC HÀNH CHÍNH\n"
            "Stt | Mã hồ sơ TTHC | Tên thủ tục hành chính | Thời hạn giải quyết | Địa điểm thực hiện | "
            "Cơ quan thực hiện\n"
            "1 | 1.014390 | Thay đổi, bổ sung, cấp lại giấy chứng nhận đăng ký tổ chức khoa học và công nghệ | 10 ngày "
            "làm việc | Trung tâm Phục vụ hành chính công tỉnh | Sở Khoa học và Công nghệ\n")
    assert not [o for o in obligations_in(body) if o.is_task]


def test_a_row_whose_cells_give_no_task_is_read_by_its_words() -> None:
    body = ("B. NỘI DUNG QUY TRÌNH\n"
            "TT | Trình tự thực hiện | Đơn vị chủ trì | Thời gian thực hiện\n"
            "1 | 1.1. Trước ngày 31 tháng 7 của năm xét tặng, Cục Quản lý Y, Dược cổ truyền có văn bản thông báo về "
            "việc xét tặng giải thưởng gửi các cơ quan, đơn vị\n"
            "2 | Cá nhân đề nghị xét tặng gửi hồ sơ về đơn vị trực tiếp quản lý chậm nhất là ngày 15 tháng 8 của năm "
            "xét tặng. | Cá nhân đề nghị xét tặng | 15 ngày\n")
    # the first row's cells name no unit and no time, but its words do; the second row is the applicant's step
    assert [(o.lead, o.deadline.day, o.deadline.month) for o in obligations_in(body) if o.is_task] == [
        ("Cục Quản lý Y, Dược cổ truyền", 31, 7)]


def test_relative_deadline_from_the_issue_date_in_working_days() -> None:
    obligation = only("Các sở, ngành gửi báo cáo về Sở Nội vụ trong thời hạn 05 ngày làm việc kể từ "
                      "ngày ban hành Kế hoạch này.")
    # Thursday 20/11 + 5 working days = Thursday 27/11.
    assert (obligation.deadline.due, obligation.deadline.estimated) == (date(2025, 11, 27), False)
    assert obligation.lead == "Các sở, ngành"


def test_relative_deadline_from_receipt_adds_the_delivery_margin() -> None:
    sentence = ("UBND các xã, phường báo cáo kết quả rà soát trong thời hạn 10 ngày kể từ ngày nhận "
                "được văn bản này.")
    estimated = only(sentence, margin=3)
    assert (estimated.deadline.due, estimated.deadline.estimated) == (date(2025, 12, 3), True)
    assert only(sentence, margin=5).deadline.due == date(2025, 12, 5)
    assert only(sentence).deadline.due is None  # no margin given: undated, as before


def test_working_days_to_act_within_are_a_deadline_without_an_anchor() -> None:
    # «trong 05 ngày làm việc» counts no event's length: it is the time a step is due within
    [task] = [o for o in sentence_obligations(
        "- Căn cứ danh sách được phê duyệt, trong 05 ngày làm việc, Sở Tài chính trình Ủy ban nhân dân tỉnh "
        "phân bổ kinh phí;", ISSUED) if o.is_task]
    assert (task.deadline.kind, task.deadline.offset_days, task.lead) == (DeadlineKind.RELATIVE, 5, "Sở Tài chính")
    # a processing time alone, «không quá 03 ngày làm việc», is none
    assert sentence_obligations("Thời gian giải quyết không quá 03 ngày làm việc.", ISSUED) == []


def test_a_day_of_the_last_year_of_a_plan_is_neither_yearly_nor_this_year() -> None:
    [task] = [o for o in sentence_obligations(
        "+ Trước ngày 31 tháng 12 của năm cuối kỳ kế hoạch, Ủy ban nhân dân cấp tỉnh phải tổ chức xây dựng, phê duyệt "
        "kế hoạch phát triển nhà ở cho kỳ tiếp theo.", ISSUED) if o.is_task]
    assert (task.deadline.due, task.recurrence, task.lead) == (None, None, "Ủy ban nhân dân cấp tỉnh")
    # «của năm» alone still comes back every year
    [task] = [o for o in sentence_obligations("Sở Tài chính báo cáo trước ngày 30/6 của năm.", ISSUED) if o.is_task]
    assert task.recurrence == "yearly"


def test_relative_deadline_from_another_anchor_stays_undated() -> None:
    obligation = only("Trong thời hạn 15 ngày kể từ ngày nhận được hồ sơ hợp lệ, Sở Nội vụ thẩm định "
                      "và trình UBND tỉnh.", margin=3)
    assert (obligation.deadline.due, obligation.deadline.estimated) == (None, False)


@pytest.mark.parametrize(("deadline", "recurrence"), [
    (Deadline(DeadlineKind.RECURRING, "trước ngày 15/11 hằng năm", day=15, month=11), "yearly"),
    (Deadline(DeadlineKind.PERIODIC, "hằng quý", period_months=3), "quarterly"),
    (Deadline(DeadlineKind.PERIODIC, "hằng tháng", period_months=1), "monthly"),
    (Deadline(DeadlineKind.PERIODIC, "định kỳ 6 tháng", period_months=6), "semiannual"),
    (Deadline(DeadlineKind.PERIODIC, "định kỳ năm", period_months=12), "yearly"),
    (Deadline(DeadlineKind.PERIODIC, "hằng tuần", period_days=7), "weekly"),
    (Deadline(DeadlineKind.ABSOLUTE, "trước ngày 31/12/2025", due=date(2025, 12, 31)), None),
])
def test_recurrence_values(deadline: Deadline, recurrence: str | None) -> None:
    assert deadline.recurrence == recurrence


def test_recurrence_read_from_the_text() -> None:
    obligation = only("Định kỳ hằng quý, các sở báo cáo tiến độ về Sở Tài chính trước ngày 20 của "
                      "tháng cuối quý.")
    assert obligation.is_task and obligation.recurrence == "quarterly"


# -- the fact store --------------------------------------------------------------------------

def test_task_fields_survive_the_fact_store(db_engine: Engine) -> None:
    store = FactStore(db_engine)
    body = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, Sở Y tế báo cáo UBND tỉnh trong thời hạn "
            "10 ngày kể từ ngày nhận được Kế hoạch này.\n"
            "2. Các sở báo cáo tiến độ hằng quý.\n"
            "3. Kinh phí thực hiện được bố trí trước ngày 31/12/2025.")
    extracted = obligations_in(body)
    store.replace_document("kh.md", DocumentMeta(doc_number="1/KH-UBND", issued_date=ISSUED), "h",
                           DocumentFacts(extracted))
    stored = [entry.obligation for entry in store.obligations(["1/KH-UBND"], today=ISSUED)]
    assert stored == list(extracted)
    first, second, third = stored
    assert (first.lead, first.coordinate) == ("Sở Nội vụ", ("Sở Tài chính", "Sở Y tế"))
    assert (first.deadline.due, first.deadline.estimated) == (date(2025, 12, 3), True)
    assert (second.is_task, second.recurrence) == (True, "quarterly")
    assert (third.is_task, third.not_task) == (False, NotTask.BUDGET)
    tasks = [entry.obligation for entry in store.obligations(["1/KH-UBND"], ISSUED, tasks_only=True)]
    assert tasks == [first, second]
    upcoming = store.upcoming_deadlines(ISSUED, 60, tasks_only=True)
    assert [entry.obligation for entry in upcoming] == [first]


def test_rows_stored_before_the_task_columns_read_as_tasks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = open_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
            conn.execute(text("INSERT INTO documents (source, content_hash, updated_at) "
                              "VALUES ('a.md', 'h', '2025-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO obligations (document_id, position, action, actor, quote, section, "
                "deadline_kind, deadline_text, due_date) VALUES (1, 0, 'gửi báo cáo', NULL, "
                "'Gửi báo cáo trước ngày 31/12/2025.', '', 'absolute', 'trước ngày 31/12/2025', "
                "'2025-12-31')"))
        migrate(engine)
        [entry] = FactStore(engine).upcoming_deadlines(date(2025, 12, 1))
        old = entry.obligation
        assert (old.is_task, old.not_task, old.lead, old.coordinate) == (True, None, None, ())
        assert old.deadline.estimated is False and old.deadline.due == date(2025, 12, 31)
    finally:
        engine.dispose()


# -- sentences without a deadline word, tables without their header ---------------------------

def test_a_dated_task_without_a_deadline_word_is_stored_with_its_lead() -> None:
    body = ("III. NHIỆM VỤ TRỌNG TÂM\n"
            "c) Bộ Xây dựng đẩy nhanh tiến độ phê duyệt Báo cáo nghiên cứu khả thi và khởi công dự án "
            "vào ngày 19 tháng 12 năm 2025.\n"
            "d) Tổng kết vào tháng 4 năm 2026.")
    # the second names no one: among the tasks of a programme it is one for the secretariat to assign
    task, review = obligations_in(body)
    assert (task.is_task, task.lead, task.deadline.due) == (True, "Bộ Xây dựng", date(2025, 12, 19))
    assert (review.is_task, review.lead, review.action) == (True, None, "Tổng kết")
    assert not [o for o in obligations_in(body.replace("NHIỆM VỤ TRỌNG TÂM", "MỤC TIÊU")) if o.is_task and not o.lead]


@pytest.mark.parametrize(("sentence", "reason"), [
    ("Hà Nội, ngày 29 tháng 11 năm 2025", NotTask.DOCUMENT_DATE),
    ("Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;", NotTask.BACKGROUND),
    ("Phấn đấu giá trị hàng hóa xuất khẩu đến năm 2030 đạt 400 triệu USD.", NotTask.BACKGROUND),
    ("Thời gian thực hiện Chương trình: Từ năm 2025 đến hết năm 2030.", NotTask.PERIOD_APPLIES),
])
def test_background_lines_are_not_tasks(sentence: str, reason: NotTask) -> None:
    found = sentence_obligations(sentence, ISSUED, loose=True)
    assert not any(o.is_task for o in found)
    assert found == [] or found[0].not_task is reason


@pytest.mark.parametrize("sentence", [
    pytest.param("Trên đây là Kế hoạch truyền thông về giảm nghèo đa chiều trên địa bàn thành phố Cần Thơ năm 2025.",
                 id="a-plans-closing-line"),
    pytest.param("Quy định này là một tiêu chuẩn để đánh giá, xếp loại và bình xét danh hiệu thi đua, khen thưởng hàng năm "
                 "của tập thể, cá nhân.", id="what-a-text-is"),
    pytest.param("các văn bản số: 10894/VPCP-CN ngày 8/11/2025, 8563/VPCP-CN ngày 12/9/2025 của Văn phòng Chính phủ.",
                 id="a-list-of-cited-texts"),
    pytest.param("c) Quy chuẩn QCVN 02:2016/BQP về hủy đốt thuốc phóng đạn dược ban hành kèm theo Thông tư số "
                 "109/2016/TT-BQP ngày 05 tháng 08 năm 2016 của Bộ trưởng Bộ Quốc phòng.", id="a-cited-standard"),
    pytest.param("/2024/NĐ-CP ngày....tháng....năm 2024 của Chính phủ quy định chi tiết một số điều của Luật Nhà ở;",
                 id="a-forms-blank-citation"),
])
def test_what_a_text_says_of_itself_is_no_task_of_the_unit_above(sentence: str) -> None:
    found = sentence_obligations(sentence, ISSUED, "V. TỔ CHỨC THỰC HIỆN", "Sở Nội vụ", loose=True)
    assert not any(o.is_task for o in found)


def test_an_assignment_whose_only_date_is_a_cited_texts_stays_an_undated_task() -> None:
    [task] = sentence_obligations("Giao Sở Nông nghiệp và Môi trường tổ chức thực hiện theo Nghị định số 08/2025/NĐ-CP "
                                  "ngày 09/01/2025 của Chính phủ.", ISSUED, "V. TỔ CHỨC THỰC HIỆN", loose=True)
    assert task.is_task and task.lead == "Sở Nông nghiệp và Môi trường" and task.deadline.due is None


def test_a_request_after_a_plans_closing_line_is_still_a_task() -> None:
    paragraph = ("Trên đây là Kế hoạch Chuyển đổi số của tỉnh. Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực "
                 "hiện. Định kỳ hằng năm (trước ngày 30 tháng 11) báo cáo kết quả thực hiện về Sở Xây dựng.")
    found = sentence_obligations(paragraph, ISSUED, "V. TỔ CHỨC THỰC HIỆN", "các cơ quan, đơn vị", loose=True)
    assert any(o.is_task for o in found)


def test_the_grounds_a_simplification_plan_gives_are_no_task_of_the_unit_above() -> None:
    sentence = ("Lý do: Thực hiện Nghị quyết số 66/NQ-CP ngày 26/3/2025 của Chính phủ về Chương trình cắt giảm, đơn giản "
                "hóa TTHC năm 2025 và 2026, cắt giảm các thành phần hồ sơ không cần thiết.")
    found = sentence_obligations(sentence, ISSUED, "7.1. Nội dung đề xuất đơn giản hóa", "Sở Khoa học và Công nghệ",
                                 loose=True)
    assert not any(o.is_task for o in found)


def test_lead_and_coordinate_given_as_labels() -> None:
    [task] = sentence_obligations("- Cơ quan chủ trì: Bộ Công an. - Cơ quan phối hợp: Văn phòng Chính phủ và "
                                  "các cơ quan có liên quan. - Thời hạn ban hành: trước ngày 31/12/2025.",
                                  ISSUED)
    assert (task.lead, task.coordinate) == ("Bộ Công an", ("Văn phòng Chính phủ", "các cơ quan có liên quan"))


def test_coordinating_units_from_a_heading() -> None:
    [task] = sentence_obligations("- Xây dựng kế hoạch xúc tiến thương mại năm 2026, hoàn thành trước ngày "
                                  "31/12/2025.", ISSUED,
                                  "V. TỔ CHỨC THỰC HIỆN > 1. Sở Công Thương > b) Phối hợp với các sở, ngành, "
                                  "UBND các xã, phường")
    assert (task.lead, task.coordinate) == ("Sở Công Thương", ("các sở, ngành, UBND các xã, phường",))


def test_a_table_row_read_without_its_header() -> None:
    [task] = sentence_obligations("5 | Hướng dẫn thanh toán chi phí khám bệnh trong phòng thủ dân sự | Sở Y tế | "
                                  "Sở Tài chính và cơ quan, địa phương liên quan | 2026", ISSUED, "PHỤ LỤC",
                                  loose=True)
    assert (task.lead, task.coordinate, task.deadline.due) == (
        "Sở Y tế", ("Sở Tài chính", "cơ quan, địa phương liên quan"), date(2026, 12, 31))


# -- what a line is by its opening, its section, its own verb ---------------------------------

@pytest.mark.parametrize("sentence", [
    ("Chiều ngày 09 tháng 11 năm 2025, tại trụ sở Ủy ban nhân dân tỉnh, Phó Thủ tướng Chính phủ đã chủ "
     "trì buổi làm việc với lãnh đạo tỉnh về giải ngân vốn đầu tư công."),
    ("Theo báo cáo của Bộ Xây dựng, đến ngày 19 tháng 11 năm 2025 đã có 15 bộ, ngành gửi đăng ký các "
     "dự án khánh thành."),
    "Chương trình xóa nhà tạm, nhà dột nát trong năm 2025 đã được hoàn thành đảm bảo kế hoạch đề ra.",
])
def test_a_sentence_that_tells_what_was_done_is_no_task(sentence: str) -> None:
    assert tasks_in(sentence) == []


def test_done_words_about_the_object_of_a_task_keep_it_a_task() -> None:
    [task] = tasks_in("- Chủ trì, theo dõi, đôn đốc việc thực hiện các nhiệm vụ đã đề ra của Kế hoạch này, "
                      "báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2025.",
                      "IV. NHIỆM VỤ CỤ THỂ > 1. Sở Nông nghiệp và Môi trường")
    assert task.lead == "Sở Nông nghiệp và Môi trường"
    [task] = tasks_in("2. Chuyển hồ sơ, bản scan Giấy chứng nhận đã cấp đến Văn phòng đăng ký đất đai trong "
                      "thời gian không quá 02 ngày làm việc kể từ khi hoàn thành thủ tục hành chính.",
                      "Chương II > Điều 5. Trách nhiệm của Sở Nông nghiệp và Môi trường")
    assert task.lead == "Sở Nông nghiệp và Môi trường"


@pytest.mark.parametrize("sentence", [
    "*Theo đề nghị của Giám đốc Sở Nội vụ tại Văn bản số 71/SNV-VP ngày 12/11/2025.*",
    "[1] Thông báo số 627/TB-VPCP ngày 18/11/2025 của Văn phòng Chính phủ.",
    ("b) Quyết định số 27/2023/QĐ-UBND ngày 08 tháng 6 năm 2023 của Ủy ban nhân dân tỉnh ban hành Quy chế "
     "quản lý và sử dụng Hệ thống thư điện tử công vụ."),
    ("Để tiếp tục thực hiện nghiêm Chỉ thị số 05/CT-TTg ngày 18/5/2022 của Thủ tướng Chính phủ về tăng "
     "cường công tác quản lý bảo vệ rừng, Ủy ban nhân dân tỉnh yêu cầu:"),
    ("Bộ Nông nghiệp và Môi trường nhận được kiến nghị của cử tri tỉnh Hà Tĩnh tại Văn bản số "
     "1691/UBDNGS15 ngày 28 tháng 10 năm 2025, với nội dung kiến nghị:"),
    ("1. Ghi nhận, đánh giá cao sự nỗ lực của Bộ Y tế và các nhà thầu trong việc thực hiện Nghị quyết số "
     "34/NQ-CP ngày 13 tháng 02 năm 2025 của Chính phủ."),
    ("a) Thủ tục, hồ sơ đề nghị khen thưởng cấp Nhà nước: Thực hiện theo quy định tại Công văn số "
     "7886/HD-BNV ngày 14/9/2025 của Bộ Nội vụ."),
    "2. Mức trích để tạo nguồn kinh phí thực hiện chi thu nhập tăng thêm năm 2026 bằng 0,8 lần quỹ lương.",
    ("**Điều 13.** Kinh phí hoạt động của Ban Chỉ đạo được tổng hợp chung vào kinh phí hàng năm của Bộ "
     "Văn hóa, Thể thao và Du lịch."),
    ("4. Thông báo kết luận của Trưởng Ban Chỉ đạo được gửi đến các thành viên Ban Chỉ đạo chậm nhất là "
     "sau 05 ngày làm việc kể từ ngày kết thúc phiên họp."),
    ("2. Kể từ ngày 01 tháng 01 năm 2031: Các khu vực có một trong các tiêu chí quy định tại Điều 4 phải "
     "thực hiện vùng phát thải thấp."),
    # grounds cited down to their article, then the rule they give
    ("Căn cứ Điều 10 Nghị định số 43/2017/NĐ-CP ngày 14/4/2017 của Chính phủ thì khi làm thủ tục thông quan, "
     "cơ quan hải quan kiểm tra các nội dung ghi trên nhãn hàng hóa."),
    # answering for a report's content is no work to do
    ("3. Bộ Giáo dục và Đào tạo chịu trách nhiệm về nội dung báo cáo và đề xuất, kiến nghị tại Tờ trình số "
     "1930/TTr-BGDĐT ngày 03 tháng 11 năm 2025."),
])
def test_grounds_citations_references_and_rules_are_no_tasks(sentence: str) -> None:
    assert tasks_in(sentence) == []


def test_lines_under_targets_or_general_provisions_are_no_tasks() -> None:
    line = "Hoàn thành xây dựng cơ sở dữ liệu nuôi trồng thủy sản trong năm 2026."
    assert tasks_in(line, "I. MỤC TIÊU > 1. Mục tiêu chung") == []
    assert tasks_in(line, "I. MỤC ĐÍCH, YÊU CẦU > 1. Mục đích") == []
    assert tasks_in(line, "III. NHIỆM VỤ > 1. Sở Nông nghiệp và Môi trường")
    rule = ("b) Cơ quan chủ trì có trách nhiệm gửi tài liệu cho các cơ quan phối hợp trong thời hạn 03 ngày "
            "làm việc trước cuộc họp.")
    assert tasks_in(rule, "Chương I > Điều 2. Nguyên tắc, hình thức phối hợp > 2. Hình thức phối hợp") == []
    # A chapter of general provisions may still assign a duty in its articles.
    assert tasks_in("Định kỳ hàng năm (trước ngày 30 tháng 10), Quỹ đầu tư phát triển Thành phố báo cáo "
                    "Ủy ban nhân dân Thành phố kết quả sử dụng vốn.",
                    "Chương I QUY ĐỊNH CHUNG > Điều 5. Thực hiện ủy thác vốn > 3. Quỹ đầu tư phát triển "
                    "Thành phố có trách nhiệm:")


def test_who_may_decide_under_an_article_on_competence_is_no_task() -> None:
    competence = "Chương II. THẨM QUYỀN VỀ TỔ CHỨC BỘ MÁY > Điều 5. Thẩm quyền về quản lý biên chế > 2."
    assert tasks_in("Người đứng đầu đơn vị sự nghiệp thuộc Bộ quyết định giao số lượng người làm việc hàng năm "
                    "đối với từng tổ chức của đơn vị.", competence) == []
    assert tasks_in("Người đứng đầu đơn vị sự nghiệp thuộc Cục quyết định kỷ luật viên chức, trừ trường hợp quy "
                    "định tại Nghị định số 112/2020/NĐ-CP ngày 18/9/2020.",
                    "Chương III. THẨM QUYỀN > Điều 10. Thẩm quyền xử lý kỷ luật > 3.") == []
    # an article on how the competent body acts sets its steps, and a time limit binds whatever the article
    assert tasks_in("c) Trong quý I của năm liền kề, Sở Nội vụ chủ trì tổng hợp kết quả đánh giá, xếp loại.",
                    "Điều 9. Thẩm quyền, trình tự, thời gian đánh giá, xếp loại")
    assert tasks_in("Cục trưởng báo cáo Bộ trưởng kết quả thực hiện trước ngày 15 tháng 12 hằng năm.",
                    "Điều 5. Thẩm quyền về quản lý biên chế > 2.")


def test_a_time_phrase_in_a_line_that_names_no_one_is_a_task_only_among_duties() -> None:
    # how a fund, a market or a contract runs: no one is told to do anything
    assert tasks_in("Danh mục dự án được hỗ trợ hằng năm do Hội đồng Quản lý Quỹ xem xét, quyết định.",
                    "Chương IV. NGUỒN VỐN VÀ HOẠT ĐỘNG > Điều 16. Cho vay") == []
    assert tasks_in("Hàng tháng, bên thuê có nghĩa vụ thanh toán tiền thuê theo hợp đồng.",
                    "PHỤ LỤC III. NỘI DUNG CHÍNH HỢP ĐỒNG > Điều 4. Thanh toán") == []
    # a power is no duty, though its chapter lists both
    assert tasks_in("3. Thanh tra định kỳ và đột xuất việc sử dụng vốn vay của các dự án.",
                    "Chương II. NHIỆM VỤ VÀ QUYỀN HẠN > Điều 5. Quyền hạn") == []
    # among the tasks of a plan the same kind of line is one, for the unit its heading names
    assert tasks_in("- Tổng hợp tình hình, báo cáo nhanh hằng ngày gửi Ban Chỉ huy trong mùa mưa bão.",
                    "IV. NỘI DUNG HOẠT ĐỘNG TRIỂN KHAI > 5. Sở Nông nghiệp và Môi trường")
    assert tasks_in("- Rà soát, kiểm thử an toàn thông tin các hệ thống định kỳ.",
                    "III. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU > 6. Sở Khoa học và Công nghệ:")
    # a plan's contents are things to do too; a contract's contents and a budget's are not
    assert tasks_in("- Cập nhật kết quả quan trắc vào cơ sở dữ liệu hằng quý.", "II. NỘI DUNG KẾ HOẠCH > 2. Sở Y tế")
    # with no one named, such a line among a programme's tasks is proposed with no lead, for the secretariat
    # to assign; under «I. MỤC ĐÍCH» lines like it are aims
    [item] = tasks_in("- Rà soát, kiểm thử an toàn thông tin các hệ thống định kỳ.",
                      "III. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU > 6. Bảo đảm an toàn thông tin")
    assert item.lead is None and item.deadline.due is None
    assert tasks_in("- Rà soát, kiểm thử an toàn thông tin các hệ thống định kỳ.", "I. MỤC ĐÍCH, YÊU CẦU") == []
    assert tasks_in("Hàng tháng, bên mua thanh toán cho bên bán các khoản tiền theo Phụ lục.",
                    "PHỤ LỤC III. NỘI DUNG CHÍNH HỢP ĐỒNG > Điều 3. Thanh toán") == []


def test_a_step_that_opens_with_its_time_limit_and_names_a_role_is_a_rule() -> None:
    assert tasks_in("Trong thời hạn 05 ngày làm việc, kể từ ngày kết thúc phiên họp, người chủ trì phiên họp gửi "
                    "biên bản đến cấp có thẩm quyền.", "Điều 9. Tổ chức phiên họp") == []
    # a body named by the heading above does not make the role's step its task
    assert tasks_in("Chậm nhất là 10 ngày kể từ khi nhận được biên bản, cấp có thẩm quyền quyết định thành lập "
                    "Hội đồng.", "Chương III > Điều 20. Hội đồng kỷ luật viên chức") == []
    assert tasks_in("Trong thời hạn 60 ngày kể từ ngày nhận được quyết định, công chức phải nộp trả chi phí.") == []
    # a party named by what it receives is a role too, even when the line is read with it as the subject
    assert tasks_in("Trong thời hạn 24 giờ tính từ thời điểm nhận được tiền phí, cơ quan, tổ chức nhận tiền phải "
                    "chuyển toàn bộ tiền phí thu được vào tài khoản chuyên thu.") == []
    # a named unit's step is its task
    [task] = tasks_in("Trong thời hạn 05 ngày làm việc, kể từ ngày nhận đủ hồ sơ, Sở Tư pháp thẩm định, trình "
                      "Chủ tịch Ủy ban nhân dân tỉnh.")
    assert task.lead == "Sở Tư pháp"


def test_the_duties_of_individuals_are_rules_but_a_units_staff_work_for_it() -> None:
    assert tasks_in("Hằng năm, hoàn thành chương trình bồi dưỡng theo yêu cầu vị trí việc làm.",
                    "Chương I > Điều 4. Trách nhiệm của công chức khi tham gia bồi dưỡng") == []
    assert tasks_in("Công chức của Sở Tài chính tiếp nhận hồ sơ, chuyển hồ sơ đến phòng chuyên môn trong thời "
                    "hạn 01 ngày làm việc.")


def test_a_catalogue_row_with_the_procedures_code_after_its_name_gives_a_processing_time() -> None:
    row = ("4 | Cấp lại giấy phép hành nghề khoan nước dưới đất (1.004253) | Trong thời hạn 08 ngày làm việc, kể từ "
           "ngày nhận đủ hồ sơ. | Trung tâm Phục vụ hành chính công tỉnh | Không")
    assert tasks_in(row, "PHỤ LỤC") == []


def test_duties_of_the_general_public_are_rules() -> None:
    assert tasks_in("1. Có trách nhiệm thực hiện đầy đủ các quy định về bảo vệ công trình điện lực tại Nghị "
                    "định số 62/2025/NĐ-CP ngày 04/3/2025 của Chính phủ.",
                    "Chương II > Điều 7. Trách nhiệm của các tổ chức, cá nhân khác") == []


def test_the_items_under_the_duties_of_the_public_are_rules() -> None:
    body = ("Điều 14. Quản lý chất thải rắn sinh hoạt nơi công cộng\n"
            "1. Tổ chức, cá nhân quản lý khu vực công cộng có trách nhiệm sau:\n"
            "a) Lắp đặt đầy đủ thiết bị để phân loại chất thải rắn sinh hoạt.\n"
            "b) Bố trí nhân lực để kiểm tra, giám sát; định kỳ 01 tháng 01 lần tổ chức ra quân vệ sinh môi trường.\n"
            "2. Ủy ban nhân dân cấp xã có trách nhiệm sau:\n"
            "a) Định kỳ 01 tháng 01 lần kiểm tra việc thu gom chất thải tại các khu vực công cộng.")
    tasks = [o for o in obligations_in(body) if o.is_task]
    assert [t.lead for t in tasks] == ["Ủy ban nhân dân cấp xã"]


def test_a_subject_that_is_allowed_or_entitled_is_given_no_task() -> None:
    assert tasks_in("b) Hằng năm, Quỹ Phát triển đất được trích lập quỹ dự phòng rủi ro theo quy định.",
                    "Chương IV > Điều 15. Trích lập quỹ") == []
    assert tasks_in("Trong thời hạn 30 ngày kể từ ngày có quyết định, doanh nghiệp được hưởng ưu đãi thực hiện "
                    "thủ tục theo quy định.") == []
    # a unit named by what it was assigned, or by who assigned it, is given the task
    assert tasks_in("Trong thời hạn 10 ngày kể từ ngày nhận đủ hồ sơ, cơ quan được Ủy ban nhân dân tỉnh giao quản lý "
                    "phải có văn bản trả lời.")
    assert tasks_in("Cơ quan được giao thẩm định có trách nhiệm gửi kết quả trước ngày 15/12/2025.")


def test_when_an_event_is_held_is_the_organisers_timetable() -> None:
    assert tasks_in("Lễ tuyên dương được tổ chức vào dịp kỷ niệm Ngày thành lập tỉnh hằng năm.",
                    "Chương III > Điều 9. Trách nhiệm của Sở Nội vụ") == []
    assert tasks_in("Hội nghị sơ kết được tổ chức trước ngày 20/12/2025 tại trụ sở Ủy ban nhân dân tỉnh.",
                    "IV. TỔ CHỨC THỰC HIỆN > 1. Sở Nội vụ") == []
    assert tasks_in("Cục Thuế có kế hoạch nâng cấp hệ thống Quản lý thuế tập trung (TMS) từ 20h00 tối Thứ Sáu ngày 05/12/2025 "
                    "đến 05h00 sáng Thứ Bảy ngày 06/12/2025.") == []
    # organising it is a task
    assert tasks_in("Tổ chức hội nghị sơ kết trước ngày 20/12/2025.", "IV. TỔ CHỨC THỰC HIỆN > 1. Sở Nội vụ")


def test_what_an_item_encourages_its_people_to_do_is_no_task() -> None:
    body = ("Điều 15. Quản lý chất thải nhựa trong trường học\n"
            "đ) Các trường học tuyên truyền, khuyến khích giáo viên, học sinh:\n"
            "- Hằng năm vào đầu năm học thực hiện bọc sách vở bằng giấy không làm từ nhựa.\n"
            "- Định kỳ hằng tháng tham gia thu gom chất thải có khả năng tái chế.")
    assert [o for o in obligations_in(body) if o.is_task] == []


def test_a_time_from_receiving_the_dossier_that_names_no_unit_is_a_processing_time() -> None:
    assert tasks_in("- Thời gian thực hiện: Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.") == []
    assert tasks_in("chuyển hồ sơ giấy đến cơ quan có thẩm quyền để giải quyết trong thời hạn không quá 01 ngày làm "
                    "việc kể từ khi tiếp nhận hồ sơ.") == []
    assert tasks_in("Bộ phận tiếp nhận hồ sơ chuyển hồ sơ giấy đến Sở Xây dựng trong thời hạn không quá 01 ngày làm việc "
                    "kể từ khi tiếp nhận hồ sơ.") == []
    # the same time given to a named unit is its task
    [task] = tasks_in("Sở Y tế ký duyệt đơn hàng trong thời hạn 30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.")
    assert task.lead == "Sở Y tế"


def test_a_decision_that_adopts_a_cited_text_is_no_task() -> None:
    assert tasks_in("Thông qua Báo cáo tổng kết thi hành Luật Đất đai theo đề nghị của Bộ Nông nghiệp và Môi trường tại "
                    "công văn số 512/BNNMT-QLĐĐ ngày 10 tháng 11 năm 2025.", "Điều 1. Nhiệm vụ trọng tâm") == []
    # a unit told to approve a plan by a date has a task
    assert tasks_in("Sở Tài chính phê duyệt kế hoạch lựa chọn nhà thầu trước ngày 30/12/2025.")


# -- table rows read without their header ----------------------------------------------------

def row_task(row: str):  # type: ignore[no-untyped-def]
    [task] = sentence_obligations(row, ISSUED, "PHỤ LỤC", loose=True)
    return task


def test_a_row_due_over_a_span_of_years_falls_due_at_its_end() -> None:
    task = row_task("7.1 | Triển khai Nền tảng học trực tuyến mở (MOOC) về kỹ năng số | Sở Khoa học và Công "
                    "nghệ | Các sở, ban, ngành; UBND các phường xã | 2026 - 2030 | Kế hoạch")
    assert (task.lead, task.coordinate, task.deadline.due) == (
        "Sở Khoa học và Công nghệ", ("Các sở, ban, ngành", "UBND các phường xã"), date(2030, 12, 31))
    assert row_task("21 | Xây dựng Hệ thống phòng vệ mạng quốc gia. | Bộ Công an | Các bộ, ngành, địa phương | "
                    "Hoàn thành, khai thác sử dụng | Năm 2025-2026").deadline.due == date(2026, 12, 31)


def test_an_overdue_row_keeps_its_passed_deadline_and_skips_the_cited_source() -> None:
    row = ("16. | Xây dựng chính sách đột phá về tín dụng đối với học sinh, sinh viên học các ngành STEM | "
           "Nghị quyết số 71/NQ-CP | Bộ Tài chính | 30/09/2025")
    [task] = sentence_obligations(row, ISSUED, "PHỤ LỤC I > 3. Các nhiệm vụ quá hạn chưa hoàn thành", loose=True)
    assert (task.is_task, task.lead, task.deadline.due) == (True, "Bộ Tài chính", date(2025, 9, 30))
    # Elsewhere a passed date in a table is a past timetable, as in a sentence.
    assert sentence_obligations(row, ISSUED, "PHỤ LỤC", loose=True) == []


def test_a_row_whose_progress_column_says_unfinished_keeps_its_passed_deadline() -> None:
    row = ("16 | Hoàn thiện các quy định về vị trí việc làm đối với công chức, viên chức | Bộ Nội vụ | 31/10/2025 | "
           "Bộ Nội vụ đang xây dựng Nghị định. | {}")
    for status in ("Chưa hoàn thành", "Đang thực hiện"):
        [task] = sentence_obligations(row.format(status), ISSUED, "PHỤ LỤC II. KẾT QUẢ THỰC HIỆN", loose=True)
        assert (task.is_task, task.lead, task.deadline.due) == (True, "Bộ Nội vụ", date(2025, 10, 31))
    # a row done (late or not) is a past timetable
    assert sentence_obligations(row.format("Đã hoàn thành (quá hạn)"), ISSUED, "PHỤ LỤC II", loose=True) == []


def test_a_rows_status_on_a_line_of_its_own_below_its_report_still_keeps_its_passed_deadline() -> None:
    body = ("PHỤ LỤC II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ\n"
            "31 | Phối hợp với Bộ Ngoại giao, Bộ Công an triển khai cấp giấy khai sinh người Việt Nam tại nước ngoài "
            "theo phương thức trực tuyến | Bộ Tư pháp | 31/10/2025\n"
            "Bộ Tư pháp đã có văn bản gửi Bộ Ngoại giao đề nghị phối hợp.\n"
            "{}\n"
            "32 | Chủ trì cân đối đủ nguồn ngân sách cho hoạt động khoa học | Bộ Tài chính | 31/10/2025\n")
    [task] = [o for o in obligations_in(body.format("Chưa hoàn thành")) if o.is_task]
    assert (task.lead, task.deadline.due) == ("Bộ Tư pháp", date(2025, 10, 31))
    assert task.action.startswith("Phối hợp với Bộ Ngoại giao")
    # done, it is a past timetable; and the next row's status is not this one's
    assert [o for o in obligations_in(body.format("Đã hoàn thành")) if o.is_task] == []


def test_a_progress_tables_row_that_lost_its_progress_cell_is_tracked_until_its_result_says_done() -> None:
    # The header has a progress column; a long report of one row, over several lines, takes the text out of
    # the header's reach, and the rows after it lost their last cell: only a result that says it is done
    # (every locality, 100%) makes their passed deadline a past timetable.
    body = ("PHỤ LỤC II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ\n"
            "STT | Tên nhiệm vụ | Đơn vị chủ trì | Thời hạn | Kết quả thực hiện | Tiến độ\n"
            "14 | Cung cấp các tài liệu, giáo trình tập huấn đảm bảo an ninh an toàn thông tin | Bộ Công an | "
            "31/10/2025\n"
            "Hiện đã có 20 khoá học được triển khai đào tạo trên Bình dân học vụ số.\n"
            "1. Nâng cao nhận thức an toàn không gian số:\n"
            "38.832 lượt học tập.\n"
            "Đang thực hiện\n"
            "37 | Kịp thời xây dựng, hoàn thiện các văn bản quy định chi tiết và hướng dẫn thi hành các luật | "
            "Ủy ban nhân dân các tỉnh, thành phố | 31/10/2025 | Các Bộ chủ trì đã hoàn thiện dự thảo Luật\n"
            "40 | Lựa chọn một hệ thống thông tin giải quyết thủ tục hành chính dùng chung | Ủy ban nhân dân các "
            "tỉnh, thành phố | 15/10/2025 | Có 34/34 địa phương hoàn thành, đạt tỷ lệ 100%\n")
    tasks = [o for o in obligations_in(body) if o.is_task]
    assert [(t.action[:20], t.lead, t.deadline.due) for t in tasks] == [
        ("Cung cấp các tài liệ", "Bộ Công an", date(2025, 10, 31)),
        ("Kịp thời xây dựng, h", "Ủy ban nhân dân các tỉnh, thành phố", date(2025, 10, 31))]


def test_a_row_whose_result_cell_holds_several_sentences_is_read_whole() -> None:
    # split into sentences, the row's time lost its unit and the progress cell that keeps a passed date
    [task] = [o for o in obligations_in(
        "PHỤ LỤC II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ\n"
        "19 | Phối hợp với Bộ Công an xây dựng và hoàn thiện Kế hoạch của Ban Chỉ đạo 515 về thu nhận mẫu sinh phẩm "
        "ADN | Bộ Nội vụ | 31/10/2025 | Cục Người có công là đơn vị chủ trì thực hiện nhiệm vụ, đã dự thảo Kế hoạch. "
        "Đến nay đã hoàn thiện dự thảo Kế hoạch. | Chưa hoàn thành\n") if o.is_task]
    assert (task.lead, task.coordinate, task.deadline.due) == ("Bộ Nội vụ", ("Bộ Công an",), date(2025, 10, 31))
    assert task.action.startswith("Phối hợp với Bộ Công an xây dựng")


def test_a_row_written_over_several_lines_is_joined_back() -> None:
    body = ("PHỤ LỤC I. CÁC NHIỆM VỤ CHẬM MUỘN\n"
            "STT | Nhiệm vụ | Văn bản giao nhiệm vụ | Cơ quan chủ trì thực hiện | Thời hạn hoàn thành\n"
            "7. | Xây dựng Luật Thuế thu nhập cá nhân | Nghị quyết số 71/NQ-CP | Bộ Tài chính | 31/10/2025\n"
            "8.\n"
            "Ban hành cơ chế, chính sách hợp tác công tư để nghiên cứu và phát triển công nghệ chiến lược;\n"
            "cơ chế, chính sách hợp tác công tư để đào tạo nhân lực công nghệ số\n"
            "Nghị quyết số 71/NQ-CP | Bộ Công Thương | 30/09/2025\n"
            "9. | Xây dựng đề án ứng dụng IoT | Nghị quyết số 71/NQ-CP | Các bộ, ngành, địa phương | 30/09/2025\n")
    rows = [(o.lead, o.deadline.due, o.action[:30]) for o in obligations_in(body) if o.is_task]
    assert rows == [("Bộ Tài chính", date(2025, 10, 31), "Xây dựng Luật Thuế thu nhập cá"),
                    ("Bộ Công Thương", date(2025, 9, 30), "Ban hành cơ chế, chính sách hợ"),
                    ("Các bộ, ngành, địa phương", date(2025, 9, 30), "Xây dựng đề án ứng dụng IoT")]
    [joined] = [o for o in obligations_in(body) if o.lead == "Bộ Công Thương"]
    assert "đào tạo nhân lực công nghệ số | Nghị quyết số 71/NQ-CP | Bộ Công Thương" in joined.quote
    # past the table's header, a row's last cells on their own line still close the row its number opened
    [late] = [o for o in obligations_in(
        "PHỤ LỤC II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ\n"
        "4\nChỉ đạo các doanh nghiệp phát triển các sản phẩm công nghệ chiến lược;\n"
        "trình Thủ tướng Chính phủ xem xét, ban hành Đề án đầu tư năng lực cho tổ chức nghiên cứu\n"
        "Bộ Khoa học và Công nghệ | 31/12/2025\n") if o.is_task]
    assert (late.lead, late.deadline.due) == ("Bộ Khoa học và Công nghệ", date(2025, 12, 31))
    assert late.action.startswith("Chỉ đạo các doanh nghiệp")


def test_a_row_led_by_an_acronym_or_opening_with_a_unit() -> None:
    task = row_task("48 | Chủ trì xây dựng phương án cung cấp điện phù hợp đối với 117 thôn chưa có điện | EVN | "
                    "30/11/2025")
    assert (task.lead, task.deadline.due) == ("EVN", date(2025, 11, 30))
    task = row_task("35 | Các ngân hàng triển khai giải pháp để người dân tạo lập tài khoản an sinh xã hội, phấn "
                    "đấu 100% người dân có một tài khoản an sinh xã hội; thực hiện rà soát tài khoản ngân hàng "
                    "của người dân trên VNeID để làm sạch phục vụ chi trả an sinh xã hội | Ngân hàng Nhà nước "
                    "Việt Nam | 30/11/2025 | Ngành Ngân hàng định hướng thực hiện một số nội dung")
    assert (task.lead, task.deadline.due) == ("Ngân hàng Nhà nước Việt Nam", date(2025, 11, 30))


def test_a_row_without_a_coordinating_column_takes_them_from_its_text() -> None:
    task = row_task("23. | Chủ trì phối hợp với Bộ Công an, Văn phòng Chính phủ nghiên cứu, cắt giảm, đơn giản "
                    "hóa quy trình đối với các thủ tục hành chính | Thông báo số 27-TB/TGV ngày 08/06/2025 | "
                    "Các bộ, ngành, địa phương | 31/12/2025")
    assert (task.lead, task.coordinate) == ("Các bộ, ngành, địa phương", ("Bộ Công an", "Văn phòng Chính phủ"))


def test_units_a_cell_runs_together_are_split() -> None:
    assert split_units("Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã") == (
        "Sở Khoa học và Công nghệ", "Sở Công Thương", "UBND các phường, xã")
    assert split_units("Bộ trưởng Bộ Y tế") == ("Bộ trưởng Bộ Y tế",)


# -- who leads -------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "lead"), [
    ("(iii) Ủy ban nhân dân tỉnh Đồng Nai chỉ đạo đơn vị liên quan hoàn thành bàn giao mặt bằng trong tháng "
     "11 năm 2025.", "Ủy ban nhân dân tỉnh Đồng Nai"),
    ("Bước 1: Ủy ban nhân dân các xã, phường, đặc khu (sau đây viết tắt là Ủy ban nhân dân cấp xã) tổ chức rà "
     "soát, gửi hồ sơ về Ủy ban nhân dân tỉnh trong thời hạn 15 ngày làm việc kể từ ngày ban hành Kế hoạch "
     "này.", "Ủy ban nhân dân các xã, phường, đặc khu"),
    ("4. Về việc điều chỉnh Nghị định số 105/2020/NĐ-CP ngày 08 tháng 9 năm 2020 của Chính phủ: Giao Bộ Giáo "
     "dục và Đào tạo, Bộ Y tế nghiên cứu các kiến nghị của tỉnh để lồng ghép vào các đề án Bộ chủ trì, báo "
     "cáo Thủ tướng Chính phủ trước ngày 15 tháng 12 năm 2025.", "Bộ Giáo dục và Đào tạo, Bộ Y tế"),
    ("Ủy ban nhân dân Thành phố yêu cầu các Sở, ban, ngành Thành phố, UBND phường, xã nghiêm túc triển khai "
     "thực hiện; định kỳ trước ngày 30 tháng 11 hàng năm báo cáo kết quả thực hiện về UBND Thành phố.",
     "các Sở, ban, ngành Thành phố, UBND phường, xã"),
    ("Sở Tài chính tham mưu Ủy ban nhân dân tỉnh tổ chức việc lựa chọn, yêu cầu các doanh nghiệp lập phương án "
     "giá, hoàn thành trước ngày 31/12/2025.", "Sở Tài chính"),
    ("1. Thành viên Ban Chỉ đạo định kỳ 06 tháng (trước ngày 20 tháng 6 hằng năm) và 01 năm (trước ngày 15 "
     "tháng 11 hằng năm) báo cáo Ban Chỉ đạo về tiến độ thực hiện nhiệm vụ.", "Thành viên Ban Chỉ đạo"),
    ("(iv) Chủ đầu tư, trong phạm vi, trách nhiệm của mình, đẩy nhanh tiến độ, hoàn thành đưa dự án vào vận "
     "hành trong năm 2027.", "Chủ đầu tư"),
    ("2. Các đơn vị quản lý vận hành công trình điện lực tổ chức thực hiện Quy định này; báo cáo định kỳ về Sở "
     "Công Thương trước ngày 15 tháng 12 hằng năm.", "Các đơn vị quản lý vận hành công trình điện lực"),
    # procedure steps: the unit ends at its step's verb, a level («cấp tỉnh») stays in its name
    ("Bước 3: Ủy ban nhân dân cấp tỉnh cấp phép xuất khẩu trong thời hạn 07 ngày làm việc kể từ ngày nhận "
     "hồ sơ.", "Ủy ban nhân dân cấp tỉnh"),
    ("Bước 4: Sau khi nhận hồ sơ, Sở Y tế trả cơ sở Phiếu tiếp nhận hồ sơ trong thời hạn 02 ngày làm việc.",
     "Sở Y tế"),
    ("Trong thời hạn 01 ngày làm việc kể từ ngày nhận được hồ sơ, Sở Xây dựng, UBND cấp xã phân công cán bộ "
     "xử lý hồ sơ.", "Sở Xây dựng, UBND cấp xã"),
    ("2. Giao Chính phủ, căn cứ vào Nghị quyết này, tổ chức việc xác định diện tích tự nhiên của các đơn vị "
     "hành chính, hoàn thành trước ngày 31 tháng 12 năm 2025.", "Chính phủ"),
    ("Giao Thuế thành phố Hà Nội hướng dẫn việc nộp thuế sử dụng đất nông nghiệp trước ngày 15/12/2025.",
     "Thuế thành phố Hà Nội"),
    ("**Điều 2. **Giao Sở Tài chính căn cứ Quyết định này hướng dẫn thực hiện trước ngày 15/12/2025.", "Sở Tài chính"),
])
def test_who_leads_a_task(sentence: str, lead: str) -> None:
    [task, *_] = tasks_in(sentence)
    assert task.lead == lead


def test_a_unit_that_announces_its_duties_with_a_date_leads_them() -> None:
    [task] = tasks_in("2. Trước ngày 01 tháng 11 hằng năm Tập đoàn Điện lực Việt Nam có trách nhiệm:")
    assert (task.lead, task.recurrence) == ("Tập đoàn Điện lực Việt Nam", "yearly")


def test_a_condition_followed_by_a_named_unit_gives_that_unit_a_task() -> None:
    [task] = tasks_in("Trường hợp cần thiết điều chỉnh danh mục hàng hóa, dịch vụ do Nhà nước định giá, Sở Tài "
                      "chính có trách nhiệm tham mưu Ủy ban nhân dân tỉnh trước ngày 31/12/2025.")
    assert task.lead == "Sở Tài chính"
    # A condition on people stays a condition, whatever unit the heading names.
    assert tasks_in("Trường hợp người lao động có thời gian đóng bảo hiểm xã hội trước ngày 31/12/2025 thì "
                    "được tính hưởng theo quy định.", "IV. TỔ CHỨC THỰC HIỆN > 1. Sở Nội vụ") == []


def test_a_heading_listing_units_leads_the_lines_under_it() -> None:
    heading = "1. Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các xã, phường"
    [task] = tasks_in("b) Tiếp tục rà soát, đơn giản hóa thủ tục hành chính, hoàn thành trước ngày 31/12/2025.",
                      heading)
    assert task.lead == "Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các xã, phường"


def test_each_sentence_of_a_paragraph_is_read_on_its_own() -> None:
    [task] = tasks_in("2. Chấm dứt hoạt động hộp thư: Được áp dụng trong trường hợp cán bộ nghỉ hưu, thôi "
                      "việc. Trong thời hạn 15 ngày kể từ ngày có quyết định nghỉ hưu, Văn phòng Sở có trách "
                      "nhiệm gửi văn bản đề nghị đến Sở Khoa học và Công nghệ.")
    assert task.lead == "Văn phòng Sở"


def test_an_assessment_reports_what_was_done() -> None:
    assert tasks_in("Mô hình chính quyền địa phương 02 cấp vận hành từ ngày 01 tháng 7 năm 2025 đã ổn định.",
                    "I. ĐÁNH GIÁ CHUNG") == []


def test_a_daily_routine_is_a_task_without_a_date() -> None:
    [task] = tasks_in("- Các Trung tâm y tế giám sát tuyến xã và báo cáo hằng ngày.")
    assert (task.lead, task.deadline.due, task.recurrence) == ("Các Trung tâm y tế", None, None)
    assert rhythm(task.deadline) == "hằng ngày"  # listed as what it is, not «định kỳ»


@pytest.mark.parametrize("sentence", [
    ("+ Các thông số: pH, độ mặn, DO quan trắc với tần suất 2 lần/tháng; thời gian quan trắc từ tháng 3 đến "
     "tháng 10 năm 2026; số lượng mẫu quan trắc 64 mẫu/năm."),
    ("4. Các nội dung khác không quy định tại Thông tư này được thực hiện theo quy định tại Nghị định số "
     "120/2016/NĐ-CP ngày 23 tháng 8 năm 2016 của Chính phủ."),
    ("a) Thủ tục, hồ sơ đề nghị khen thưởng cấp Nhà nước Thực hiện theo quy định tại Công văn số 7886/HD-BNV "
     "ngày 14/9/2025 của Bộ Nội vụ."),
    ("Người được giao quản lý, sử dụng hộp thư điện tử công vụ phải chủ động hàng ngày kiểm tra hộp thư điện "
     "tử để tiếp nhận thông tin."),
    "1. Việc kiểm tra hộp thư điện tử tùy nhu cầu; khuyến khích kiểm tra hộp thư điện tử hằng ngày.",
    "1. 0,5 lần quỹ lương cơ bản để chi thu nhập tăng thêm hằng tháng cho toàn bộ cán bộ, công chức.",
])
def test_measurements_references_individuals_and_amounts_are_no_tasks(sentence: str) -> None:
    assert tasks_in(sentence) == []


def test_a_cited_document_on_its_own_line_is_no_task_under_any_heading() -> None:
    assert tasks_in("b) Quyết định số 27/2023/QĐ-UBND ngày 08 tháng 6 năm 2023 của Ủy ban nhân dân tỉnh ban hành "
                    "Quy chế quản lý hộp thư điện tử.", "Điều 2 > 2. Sở Khoa học và Công nghệ") == []


def test_a_condition_word_after_the_task_verb_is_part_of_the_task() -> None:
    assert tasks_in("- Khẩn trương thực hiện các chế độ, chính sách đối với người tham gia công tác xây dựng "
                    "pháp luật theo quy định của Nghị quyết số 197/2025/QH15 ngày 17 tháng 5 năm 2025.",
                    "II. NHIỆM VỤ > 1. Bộ Tư pháp")


def test_a_deadline_from_receipt_is_no_reply_letter() -> None:
    [task] = tasks_in("b) Chậm nhất là 15 ngày làm việc kể từ ngày nhận được đề nghị, Sở Nội vụ xem xét, trình "
                      "Ủy ban nhân dân tỉnh.")
    assert task.lead == "Sở Nội vụ"


def test_the_unit_after_thi_leads_a_conditional_duty() -> None:
    [task] = tasks_in("Trường hợp hồ sơ được chuyển đến Văn phòng Chính phủ thì Sở Tư pháp có trách nhiệm "
                      "trả lời trong thời hạn 07 ngày làm việc kể từ ngày nhận hồ sơ.")
    assert task.lead == "Sở Tư pháp"


def test_coordinating_units_after_chu_tri_cung_and_every_phoi_hop() -> None:
    [task] = tasks_in("3. Bộ Tài chính chủ trì cùng Bộ Xây dựng và các bộ, ngành liên quan rà soát, đề xuất "
                      "thưởng cho các công trình, hoàn thành trước ngày 31/12/2025.")
    assert (task.lead, task.coordinate) == ("Bộ Tài chính", ("Bộ Xây dựng", "các bộ, ngành liên quan"))
    [task] = tasks_in("Bộ Tư pháp khẩn trương phối hợp với Bộ Công an thống nhất giải pháp, nghiên cứu, phối hợp "
                      "với Văn phòng Chính phủ ban hành quy định, hoàn thành trước ngày 31/12/2025.")
    assert task.coordinate == ("Bộ Công an", "Văn phòng Chính phủ")


def test_a_cited_date_is_no_six_month_rhythm_and_anchors_no_clause() -> None:
    [task] = tasks_in("- Khẩn trương thực hiện các chế độ theo Nghị quyết số 197/2025/QH15 và Nghị định số "
                      "289/2025/NĐ-CP ngày 06 tháng 11 năm 2025 của Chính phủ.", "II > 1. Bộ Tư pháp")
    assert task.recurrence is None
    assert tasks_in("4. Các nội dung khác được thực hiện theo quy định tại các văn bản: Luật Phí và lệ phí; Nghị "
                    "định số 120/2016/NĐ-CP ngày 23 tháng 8 năm 2016 của Chính phủ quy định chi tiết.") == []


def test_an_aside_in_a_units_name_does_not_hide_it() -> None:
    [task] = tasks_in("Trường hợp hàng hóa do hai cấp định giá: Sở Công Thương (quy định tại Phụ lục I kèm theo "
                      "Quyết định này) có trách nhiệm trình Ủy ban nhân dân tỉnh trước ngày 31/12/2025.")
    assert task.lead == "Sở Công Thương"


def test_coordinating_units_end_at_the_verb_of_the_task() -> None:
    [task] = tasks_in("3. Giám đốc Sở Tư pháp chủ trì, phối hợp với Giám đốc Sở Khoa học và Công nghệ thiết lập "
                      "quy trình điện tử, hoàn thành trước ngày 31/12/2025.")
    assert task.lead == "Giám đốc Sở Tư pháp"
    assert task.coordinate == ("Giám đốc Sở Khoa học và Công nghệ",)


def test_a_campaigns_own_period_until_an_event_is_no_task() -> None:
    assert not tasks_in("2. Thời gian thực hiện: Từ tháng 10/2025 đến khi tổ chức thành công Đại hội đại biểu "
                        "toàn quốc lần thứ XIV của Đảng.")


@pytest.mark.parametrize("sentence", [
    ("Trong thời hạn 01 ngày, kể từ khi nhận được hồ sơ hợp lệ, cơ quan có thẩm quyền xem xét, cấp phép vào, ra "
     "Cảng theo Mẫu số 09 ban hành kèm theo Quyết định này."),
    ("Trong thời hạn 06 tháng kể từ ngày Sở Y tế có văn bản thông báo sửa đổi, bổ sung, cơ sở phải nộp hồ sơ sửa "
     "đổi, bổ sung theo yêu cầu."),
    ("b) Chậm nhất là 15 ngày làm việc kể từ ngày nhận được đề nghị, cấp có thẩm quyền bổ nhiệm phải xem xét, "
     "quyết định về chủ trương bổ nhiệm."),
])
def test_a_procedure_step_of_the_competent_authority_or_the_applicant_is_a_rule(sentence: str) -> None:
    assert tasks_in(sentence) == []


def test_a_heading_of_the_duties_a_unit_leads_gives_the_lead() -> None:
    section = "Chương II NỘI DUNG PHỐI HỢP > Điều 5. Nội dung Sở Dân tộc và Tôn giáo có trách nhiệm chủ trì"
    [task] = tasks_in("7. Tham mưu xây dựng, đánh giá việc thực hiện kế hoạch của Ủy ban nhân dân tỉnh về công tác "
                      "quản lý nhà nước về tín ngưỡng, tôn giáo trên địa bàn tỉnh hằng năm.", section)
    assert task.lead == "Sở Dân tộc và Tôn giáo"
    # the unit whose duty is to help is no lead
    assert unit_heading("Điều 6. Nội dung Công an tỉnh có trách nhiệm phối hợp") is None


@pytest.mark.parametrize(("sentence", "lead"), [
    ("Đơn vị trực tiếp quản lý gửi hồ sơ đề nghị xét tặng về Hội đồng cơ sở chậm nhất là ngày 30 tháng 9 của năm "
     "xét tặng.", "Đơn vị trực tiếp quản lý"),
    ("2. Các cơ quan theo thẩm quyền khẩn trương thực hiện các công tác chuẩn bị cần thiết, hoàn thành trước ngày "
     "31/12/2025.", "Các cơ quan theo thẩm quyền"),
    ("2. Sở Văn hoá, Thể thao và Du lịch; UBND các xã, phường niêm yết công khai nội dung thủ tục hành chính "
     "trước ngày 15/12/2025.", "Sở Văn hoá, Thể thao và Du lịch; UBND các xã, phường"),
])
def test_a_unit_named_by_its_relation_or_qualifier_or_listed_with_semicolons(sentence: str, lead: str) -> None:
    [task] = tasks_in(sentence)
    assert task.lead == lead


def test_a_coordinating_unit_keeps_its_aside_and_the_list_ends_at_its_grounds() -> None:
    [task] = tasks_in("Giao Sở Y tế chủ trì, phối hợp với Văn phòng UBND tỉnh (Trung tâm Công báo - Tin học) và các "
                      "cơ quan, đơn vị liên quan căn cứ Quyết định này, trong thời hạn 03 ngày làm việc công khai "
                      "các thủ tục hành chính.")
    assert task.coordinate == ("Văn phòng UBND tỉnh (Trung tâm Công báo - Tin học)", "các cơ quan, đơn vị liên quan")


def test_a_processing_time_that_names_only_its_result_is_a_rule() -> None:
    assert tasks_in("- Trong thời hạn 10 ngày làm việc, kể từ ngày nhận đủ hồ sơ hợp lệ có kết quả giải quyết.",
                    "PHỤ LỤC > 1. Trình tự thực hiện") == []


def test_half_a_working_day_is_a_deadline_within_the_day() -> None:
    [obligation] = sentence_obligations("Trong thời hạn 0,5 ngày làm việc kể từ ngày nhận hồ sơ, Sở Xây dựng trả kết "
                                        "quả cho chủ đầu tư.", ISSUED)
    assert (obligation.is_task, obligation.deadline.offset_days) == (True, 1)


@pytest.mark.parametrize(("sentence", "section", "lead"), [
    pytest.param("Trong thời hạn 15 ngày, kể từ ngày Sở Tư pháp trình hồ sơ, Chủ tịch Ủy ban nhân dân tỉnh xem "
                 "xét, quyết định cho phép thành lập Văn phòng giám định tư pháp.", "",
                 "Chủ tịch Ủy ban nhân dân tỉnh", id="not-the-unit-in-the-deadlines-anchor"),
    pytest.param("- Trong thời hạn 03 ngày làm việc kể từ ngày tiếp nhận đăng ký cai nghiện tự nguyện Công an cấp "
                 "xã có trách nhiệm giúp Chủ tịch Ủy ban nhân dân cấp xã thẩm định hồ sơ đăng ký.", "",
                 "Công an cấp xã", id="a-unit-with-a-duty-after-an-opening-time-phrase"),
    pytest.param("a) Trên cơ sở đề xuất kinh phí của các sở, ban, ngành, địa phương, chủ trì tổng hợp, trình cấp có "
                 "thẩm quyền và phối hợp với các sở, ban, ngành, Ủy ban nhân dân xã, phường bố trí kinh phí trong "
                 "dự toán ngân sách nhà nước hằng năm.", "IV. PHÂN CÔNG NHIỆM VỤ > 2. Sở Tài chính",
                 "Sở Tài chính", id="not-a-unit-of-a-coordinating-list-after-an-opening"),
    pytest.param("*Bước 4: Trả kết quả *(0,5 ngày làm việc) Trong thời hạn 0,5 ngày làm việc, Sở Xây dựng, UBND cấp "
                 "xã trả kết quả cho chủ đầu tư.", "PHỤ LỤC",
                 "Sở Xây dựng, UBND cấp xã", id="a-deadline-starting-a-sentence-after-a-steps-title"),
    # duties whose time is in looser words
    pytest.param("2. Thực hiện việc cung cấp thông tin, tài liệu, chứng cứ đầy đủ, đúng thời hạn theo yêu cầu của cơ quan đề "
                 "nghị cung cấp thông tin.", "Điều 17. Trách nhiệm của Văn phòng đăng ký đất đai", "Văn phòng đăng ký đất đai",
                 id="on-time-as-its-rules-set"),
    pytest.param("b) Tham mưu Hội đồng nhân dân cấp xã quyết định cơ chế lồng ghép các chương trình; dự toán kinh phí hàng "
                 "năm và đề xuất các nguồn vốn để thực hiện Kế hoạch.", "V. TỔ CHỨC THỰC HIỆN > 10. Ủy ban nhân dân các xã, "
                 "phường", "Ủy ban nhân dân các xã, phường", id="a-budget-clause-sharing-the-lines-verb"),
    pytest.param("d) Thời hạn rà soát đối tượng Trong vòng 20 (hai mươi) ngày làm việc kể từ ngày nhận hồ sơ hợp lệ của cá "
                 "nhân, hộ gia đình. Ủy ban nhân dân cấp xã thực hiện các công việc sau:", "Điều 4. Quy trình rà soát",
                 "Ủy ban nhân dân cấp xã", id="the-unit-opening-the-next-sentence"),
])
def test_the_unit_that_acts_leads(sentence: str, section: str, lead: str) -> None:
    [task] = tasks_in(sentence, section)
    assert task.lead == lead


@pytest.mark.parametrize(("sentence", "lead"), [
    pytest.param("Định kỳ 06 tháng các cơ quan có liên quan báo cáo kết quả thực hiện gửi về Sở Khoa học và Công "
                 "nghệ để tổng hợp.", "các cơ quan có liên quan", id="a-class-of-units-in-lower-case-after-the-time"),
    pytest.param("Sở Y tế tiếp tục bám sát tình hình, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2025.",
                 "Sở Y tế", id="an-adverb-starts-the-predicate-whatever-verb-follows"),
    pytest.param("**1.** Bộ trưởng, Thủ trưởng các cơ quan ngang Bộ, cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân "
                 "dân các tỉnh, thành phố trực thuộc Trung ương, Chủ tịch Hội đồng thành viên các Tập đoàn *tiếp tục "
                 "nâng cao tinh thần trách nhiệm*, gửi báo cáo về Bộ Xây dựng chậm nhất ngày 10 tháng 12 năm 2025.",
                 "Bộ trưởng, Thủ trưởng các cơ quan ngang Bộ, cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân dân các "
                 "tỉnh, thành phố trực thuộc Trung ương, Chủ tịch Hội đồng thành viên các Tập đoàn",
                 id="a-long-list-of-addressees-before-an-italic-predicate"),
])
def test_the_subject_of_the_sentence_leads(sentence: str, lead: str) -> None:
    [task] = tasks_in(sentence)
    assert task.lead == lead


def test_a_regulations_title_names_the_unit_whose_duties_it_lists() -> None:
    title = "QUY ĐỊNH CHỨC NĂNG, NHIỆM VỤ, QUYỀN HẠN VÀ CƠ CẤU TỔ CHỨC CỦA SỞ TƯ PHÁP"
    assert unit_heading(title) == "SỞ TƯ PHÁP"
    tasks = tasks_in("đ) Định kỳ hằng quý báo cáo Chủ tịch Ủy ban nhân dân tỉnh về tình hình xây dựng pháp luật.",
                     f"{title} > Điều 2. Nhiệm vụ và quyền hạn > 1. Về xây dựng pháp luật")
    assert [task.lead for task in tasks] == ["SỞ TƯ PHÁP"]


def test_a_number_spelt_out_after_its_digits_is_read() -> None:
    [task] = tasks_in("Trong vòng 20 (hai mươi) ngày làm việc kể từ ngày nhận hồ sơ hợp lệ, Ủy ban nhân dân cấp xã "
                      "rà soát, lập danh sách đối tượng.")
    assert (task.deadline.offset_days, task.deadline.anchor) == (20, "ngày nhận hồ sơ hợp lệ")
    assert task.lead == "Ủy ban nhân dân cấp xã"


def test_a_span_of_hours_is_a_time_to_act_within() -> None:
    [task] = tasks_in("- Xử lý các điểm nước tù đọng trong 24-48 giờ sau khi nước rút.",
                      "IV. TỔ CHỨC THỰC HIỆN > 3. Ủy ban nhân dân các xã, phường")
    assert (task.deadline.kind, task.deadline.offset_days) == (DeadlineKind.RELATIVE, 2)
    assert task.lead == "Ủy ban nhân dân các xã, phường"


def test_a_lead_time_before_an_event_is_a_deadline() -> None:
    [task] = tasks_in("1. Các cơ quan, đơn vị, địa phương gửi hồ sơ đề nghị khen thưởng đến Sở Nội vụ chậm nhất trước "
                      "05 ngày tổ chức hội nghị tổng kết.")
    assert (task.deadline.offset_days, task.deadline.anchor) == (-5, "tổ chức hội nghị tổng kết")
    assert task.lead == "Các cơ quan, đơn vị, địa phương"


@pytest.mark.parametrize("sentence", [
    pytest.param("- Thời hạn giải quyết: không quá 30 ngày, kể từ ngày nhận đủ hồ sơ hợp lệ.", id="processing-time"),
    pytest.param("05 | 2.000823.000.00.00.H48 | Đăng ký hoạt động văn phòng giám định tư pháp | Trong thời hạn 30 ngày, "
                 "kể từ ngày nhận đủ hồ sơ hợp lệ, Sở Tư pháp cấp giấy đăng ký hoạt động.", id="catalogue-row"),
])
def test_a_procedures_processing_time_is_a_rule(sentence: str) -> None:
    obligations = sentence_obligations(sentence, ISSUED)
    assert obligations and all(o.not_task is NotTask.RULE for o in obligations)


def test_a_processing_time_that_names_the_unit_after_it_is_its_task() -> None:
    [task] = tasks_in("Thời hạn giải quyết: Trong thời hạn 05 ngày làm việc kể từ khi nhận được văn bản đề nghị, "
                      "Trung tâm Chuyển đổi số có trách nhiệm khởi tạo tài khoản.")
    assert task.lead == "Trung tâm Chuyển đổi số"


@pytest.mark.parametrize(("sentence", "section"), [
    pytest.param("- Thông tư số 10/2025/TT- BKHCN ngày 27 tháng 6 năm 2025 của Bộ trưởng Bộ Khoa học và Công nghệ hướng "
                 "dẫn chức năng, nhiệm vụ, quyền hạn của cơ quan chuyên môn.", "", id="a-citation-with-a-broken-number"),
    pytest.param("Quyết định 1520/QĐ-UBND phê duyệt Danh mục thủ tục hành chính thực hiện không phụ thuộc địa giới hành "
                 "chính trên địa bàn tỉnh (đợt 3 năm 2025)", "", id="a-citation-by-its-subject"),
    pytest.param("- Luật Bảo vệ và kiểm dịch thực vật năm 2013;",
                 "Điều 4. Chủ tịch Ủy ban nhân dân tỉnh > 3. Căn cứ", id="a-law-by-its-name-and-year"),
    pytest.param("TRIỂN KHAI THỰC HIỆN ĐỀ ÁN NÂNG CAO NHẬN THỨC CỘNG ĐỒNG VÀ QUẢN LÝ RỦI RO THIÊN TAI ĐẾN NĂM 2030",
                 "", id="a-title-in-capitals"),
    pytest.param("Đến năm 2030, hệ thống dự báo, cảnh báo thiên tai được hiện đại hóa và được kết nối thông suốt.",
                 "", id="a-target-for-a-year"),
    pytest.param("Sử dụng hồ sơ thủ tục hành chính điện tử tại Lưu trữ cơ quan thực hiện theo quy định tại Điều 8 Thông "
                 "tư số 13/2023/TT-BNV ngày 31/8/2023.", "", id="a-rule-by-where-it-is-written"),
    pytest.param("b) Bảo đảm các điều kiện nhận trẻ từ 06 tháng đến 36 tháng tuổi tại cơ sở giáo dục mầm non.", "",
                 id="an-age-is-no-six-month-rhythm"),
])
def test_citations_titles_targets_and_references_are_no_tasks(sentence: str, section: str) -> None:
    assert tasks_in(sentence, section) == []


def test_a_task_verb_governs_a_reference_to_the_rule() -> None:
    [task] = tasks_in("2. Phối hợp Văn phòng đăng ký đất đai thực hiện kiểm tra thực địa theo quy định tại Điều 5 Nghị "
                      "định số 101/2024/NĐ-CP ngày 29/7/2024.", "Điều 13. Trách nhiệm của Ủy ban nhân dân cấp xã")
    assert task.lead == "Ủy ban nhân dân cấp xã"


@pytest.mark.parametrize(("heading", "unit"), [
    pytest.param("Điều 2. Trách nhiệm Sở Nội vụ; UBND các xã, phường", "Sở Nội vụ; UBND các xã, phường",
                 id="duties-without-cua"),
    pytest.param("Điều 4. Trách nhiệm củaTrung tâm Phục vụ hành chính công tỉnh", "Trung tâm Phục vụ hành chính công tỉnh",
                 id="duties-with-cua-glued"),
    pytest.param("Phụ lục 10. BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", id="an-appendix-per-unit"),
    pytest.param("b) Phòng chống bệnh đường ruột", None, id="phong-chong-is-a-verb"),
    pytest.param("1.3. Quỹ đạo vệ tinh", None, id="quy-dao-is-an-orbit"),
    pytest.param("Điều 2. Đơn vị tính giá dịch vụ đăng kiểm theo thời gian", None, id="don-vi-tinh-is-a-measure"),
    pytest.param("Điều 9. Trách nhiệm thi hành", None, id="duties-of-no-one"),
])
def test_which_headings_name_a_unit(heading: str, unit: str | None) -> None:
    assert unit_heading(heading) == unit


@pytest.mark.parametrize(("sentence", "lead"), [
    pytest.param("Sau tối đa 05 ngày kể từ khi văn bản về giá được ban hành, các cơ quan chuyên môn cấp tỉnh; Ủy ban "
                 "nhân dân xã, phường có trách nhiệm cập nhật dữ liệu vào Cơ sở dữ liệu về giá.",
                 "các cơ quan chuyên môn cấp tỉnh; Ủy ban nhân dân xã, phường", id="a-semicolon-list-up-to-uy-ban"),
    pytest.param("1. Các cơ quan, đơn vị, địa phương khi tổ chức hội nghị tổng kết gửi hồ sơ đến Sở Nội vụ trước "
                 "ngày 15/12/2025.", "Các cơ quan, đơn vị, địa phương", id="a-clause-of-time-ends-the-name"),
    pytest.param("a) Ủy ban nhân dân cấp xã được giao vốn thực hiện dự án có trách nhiệm thông báo rộng rãi trong "
                 "thời hạn 05 ngày kể từ ngày nhận vốn.", "Ủy ban nhân dân cấp xã được giao vốn thực hiện dự án",
                 id="a-unit-named-by-what-it-was-assigned"),
    pytest.param("Bước 2: Cơ quan chuyên môn được giao chủ trì thẩm định thuộc Ủy ban nhân dân cấp tỉnh trả lời tính đầy "
                 "đủ của hồ sơ trong thời hạn 01 ngày làm việc kể từ ngày nhận hồ sơ.",
                 "Cơ quan chuyên môn được giao chủ trì thẩm định thuộc Ủy ban nhân dân cấp tỉnh",
                 id="the-verb-it-was-assigned-is-part-of-its-name"),
    pytest.param("2. Lập phương án giá: Cơ quan được giao thẩm định phương án giá tham mưu Ủy ban nhân dân tỉnh lựa "
                 "chọn tổ chức lập phương án giá trước ngày 15/12/2025.", "Cơ quan được giao thẩm định phương án giá",
                 id="after-an-items-title"),
])
def test_the_unit_a_sentence_names_in_its_longer_forms(sentence: str, lead: str) -> None:
    [task] = tasks_in(sentence)
    assert task.lead == lead


@pytest.mark.parametrize(("row", "section", "lead", "days"), [
    pytest.param("Bước 2 | Lãnh đạo Phòng Kinh tế | Nhận hồ sơ, phân công công chức xử lý hồ sơ | 04 giờ", "QUY TRÌNH NỘI BỘ",
                 "Lãnh đạo Phòng Kinh tế", 1, id="a-step-in-hours"),
    pytest.param("Bước 3 | Chuyên viên Phòng Kinh tế | - Nhận hồ sơ; xử lý, thẩm định hồ sơ - Dự thảo kết quả | 112 giờ",
                 "QUY TRÌNH NỘI BỘ", "Chuyên viên Phòng Kinh tế", 14, id="hours-are-working-hours"),
    pytest.param("Công chức của Sở Tài chính tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công | 0,5 ngày",
                 "PHỤ LỤC > Bước 1", "Công chức của Sở Tài chính tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công", 1,
                 id="the-step-in-the-heading"),
    pytest.param("Bước 2 | Trưởng Bộ phận TN&TKQ | - Chuyển hồ sơ tới Lãnh đạo Sở. | 1/2 ngày | Mẫu Phiếu kiểm soát quá trình "
                 "giải quyết hồ sơ (Mẫu số 06)", "QUY TRÌNH NỘI BỘ", "Trưởng Bộ phận TN&TKQ", 1,
                 id="half-a-day-before-the-steps-result"),
    pytest.param("Bước 6 | Phòng Hành chính – Quản trị của Văn phòng | Tiếp nhận hồ sơ, chuyển đến Lãnh đạo Văn phòng | 07 ngày "
                 "| Văn bản trả lời chấp thuận hoặc không chấp thuận", "QUY TRÌNH NỘI BỘ",
                 "Phòng Hành chính – Quản trị của Văn phòng", 7, id="days-before-the-steps-result"),
    pytest.param("Sở Nội vụ tiếp nhận hồ sơ, thẩm định và trình UBND tỉnh ra quyết định phê duyệt. | 02 ngày",
                 "PHỤ LỤC II > 1.", "Sở Nội vụ", 2, id="the-unit-before-its-work-in-one-cell"),
    pytest.param("Bước 10 | Văn thư Sở lấy số văn bản, đóng dấu, lưu trữ hồ sơ | Văn thư Sở | 2 ngày làm việc | Văn bản báo cáo",
                 "PHỤ LỤC > 2.", "Văn thư Sở", 2, id="the-role-cell-over-the-work-its-doer-opens"),
    pytest.param("5 | Tiến hành họp Tổ thư kí rà soát, đánh giá hồ sơ. | - Tổ thư ký giúp việc Hội đồng cấp Bộ | 02 ngày",
                 "2. Nội dung của quy trình", "Tổ thư ký giúp việc Hội đồng cấp Bộ", 2, id="a-secretariat-in-a-dashed-cell"),
    pytest.param("Bước 5 | Tiếp nhận, xử lý hồ sơ | Viên chức Cơ sở trợ giúp xã hội | 3 ngày làm việc", "PHỤ LỤC 2 > 17.",
                 "Viên chức Cơ sở trợ giúp xã hội", 3, id="a-public-employee-of-a-named-body"),
    pytest.param("Lãnh đạo phòng xem xét, thẩm định, trình lãnh đạo Sở phê duyệt | Ý kiến thẩm định | 1/4 ngày",
                 "PHỤ LỤC II > 1.", "Lãnh đạo phòng", 1, id="a-staff-role-before-its-work-in-one-cell"),
    pytest.param("Bước 3 | Kiểm tra, xử lý hồ sơ | Công chức kiểm tra, thẩm định hồ sơ; dự thảo văn bản trình Lãnh đạo "
                 "phòng. | 16 ngày làm việc", "PHỤ LỤC II > 3.", "Công chức", 16,
                 id="a-bare-staff-role-before-its-work"),
    pytest.param("Bước 4 | Dự thảo Quyết định | Chuyên viên được phân công | 1/4 ngày", "PHỤ LỤC II > 1.",
                 "Chuyên viên được phân công", 1, id="a-staff-role-assigned"),
    pytest.param("7 | Văn phòng ĐKĐĐ - Cập nhật, chỉnh lý cơ sở dữ liệu đất đai, hồ sơ địa chính | 3 ngày",
                 "QUY CHẾ > 7.", "Văn phòng ĐKĐĐ", 3, id="the-doer-before-the-dashes-of-its-work"),
])
def test_a_procedures_step_is_its_roles_task(row: str, section: str, lead: str, days: int) -> None:
    [task] = tasks_in(row, section)
    assert (task.lead, task.deadline.kind, task.deadline.offset_days) == (lead, DeadlineKind.RELATIVE, days)


@pytest.mark.parametrize("row", [
    pytest.param("2 | Cá nhân đề nghị xét tặng giải thưởng gửi hồ sơ về đơn vị trực tiếp quản lý chậm nhất là ngày 15 tháng 8 "
                 "của năm xét tặng. | Cá nhân đề nghị xét tặng giải thưởng | 15 ngày", id="the-applicant"),
    pytest.param("Bước 6 | Hoàn thiện hồ sơ tuyển dụng | Cơ quan, đơn vị có thẩm quyền tuyển dụng viên chức; | 30 ngày",
                 id="the-competent-authority"),
    pytest.param("Bước 6 | Các cơ quan được xin ý kiến xem xét và gửi văn bản cho ý kiến về Sở Tài chính | Các Sở, ban, ngành "
                 "được xin ý kiến | 1 ngày làm việc | Văn bản tham gia ý kiến", id="the-bodies-consulted"),
    pytest.param("3 | Các sở, ban, ngành có liên quan và UBND cấp xã nơi có đất | Gửi ý kiến bằng văn bản đến Sở Nông "
                 "nghiệp và Môi trường | 10 ngày", id="bodies-whose-step-is-their-opinion"),
])
def test_a_step_of_the_applicant_a_role_or_a_consulted_body_is_a_rule(row: str) -> None:
    [step] = sentence_obligations(row, ISSUED, "QUY TRÌNH NỘI BỘ", loose=True)
    assert (step.is_task, step.not_task) == (False, NotTask.RULE)


def test_a_procedures_total_time_is_no_step() -> None:
    assert tasks_in("Tổng thời gian giải quyết TTHC | 168 giờ (tương đương 21 ngày) kể từ ngày nhận đủ hồ sơ theo quy định",
                    "QUY TRÌNH NỘI BỘ") == []


@pytest.mark.parametrize("sentence", [
    pytest.param("Báo cáo thẩm tra số 172/BC-BKTNS ngày 24 tháng 11 năm 2025 của Ban Kinh tế - Ngân sách Hội đồng nhân dân "
                 "Thành phố;", id="a-report-cited-whole"),
    pytest.param("Cục Thuế nhận được công văn số 3896/TPHCM-VP ngày 21/10/2025 của Thuế thành phố Hồ Chí Minh về việc hướng "
                 "dẫn tỷ lệ trích ủy nhiệm thu.", id="a-letter-received"),
    pytest.param("Ngày 23/9/2025, Thứ trưởng Nguyễn Tri Thức chủ trì cuộc họp giữa Bộ Y tế với Bộ Công an về việc đánh giá "
                 "hệ thống.", id="an-event-told-by-its-date"),
    pytest.param("- Trong thời hạn 05 ngày làm việc cơ quan có thẩm quyền công nhận trả lời tổ chức về tính hợp lệ của hồ sơ.",
                 id="the-competent-authority-right-after-the-time"),
    pytest.param("- Trong thời hạn 15 (mười lăm) ngày làm việc kể từ ngày ban hành quyết định cấp chứng chỉ nghiệp vụ chuyên "
                 "môn về đấu thầu", id="verbs-only-in-the-deadlines-anchor"),
    pytest.param("Kể từ ngày Quyết định được ban hành đến hết ngày 28/02/2027, trừ trường hợp quy định của pháp luật có sự "
                 "thay đổi.", id="a-period-from-an-event-to-a-date"),
    pytest.param("Sửa đổi, bổ sung một số điều của Quy định đơn giá bồi thường thiệt hại về cây trồng ban hành kèm theo Quyết "
                 "định số 12/2024/QĐ-UBND ngày 04/10/2024 của Ủy ban nhân dân tỉnh", id="an-amending-texts-title"),
    pytest.param("Ủy ban nhân dân thành phố Hà Nội ban hành Quyết định sửa đổi, bổ sung một số nội dung của Quyết định số "
                 "48/2024/QĐ-UBND ngày 22/7/2024 của UBND thành phố Hà Nội về ban hành định mức kinh tế - kỹ thuật.",
                 id="a-summary-of-what-the-text-itself-does"),
    pytest.param("+ Số liệu rà soát tổng số hộ, số hộ nghèo của từng dân tộc tại địa bàn được thống kê trên kết quả rà soát hộ "
                 "nghèo, hộ cận nghèo năm 2024.", id="what-a-figure-is-counted-from"),
    pytest.param("Các cơ quan, tổ chức có trách nhiệm trả lời bằng văn bản trong thời hạn 10 ngày kể từ ngày nhận được đề nghị "
                 "góp ý kiến.", id="a-consulted-bodys-answer"),
    pytest.param("Trong thời hạn 07 ngày làm việc kể từ ngày nhận được văn bản đề nghị của Bộ Văn hóa, Thể thao và Du lịch, "
                 "các cơ quan, tổ chức có liên quan có ý kiến bằng văn bản đối với hồ sơ khoa học.",
                 id="the-bodies-concerned-answering-a-request"),
    pytest.param("1. Tiếp nhận và trả lời bằng văn bản các nội dung liên quan thuộc chức năng, nhiệm vụ quản lý của đơn vị trong "
                 "thời hạn không quá 03 ngày làm việc kể từ ngày nhận được văn bản lấy ý kiến.", id="an-answer-before-a-comma"),
    pytest.param("Trong thời hạn 20 ngày kể từ ngày nhận được hồ sơ khoa học đề nghị thẩm định, Hội đồng thẩm định cấp "
                 "bộ của Bộ Văn hóa, Thể thao và Du lịch tiến hành thẩm định hồ sơ khoa học và gửi kết quả thẩm định.",
                 id="an-appraisal-councils-appraisal"),
])
def test_letters_events_rules_and_titles_are_no_tasks(sentence: str) -> None:
    assert tasks_in(sentence) == []


@pytest.mark.parametrize("sentence", [
    pytest.param("Báo cáo kết quả thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2025 về Ủy ban nhân dân tỉnh trước ngày "
                 "15/12/2025.", id="a-report-to-send"),
    pytest.param("Trong thời hạn 02 ngày làm việc kể từ ngày Hội đồng thẩm định nhận được đề nghị cho ý kiến, cơ quan quản lý "
                 "nhà nước về di sản văn hóa có trách nhiệm gửi hồ sơ khoa học.", id="receipt-in-the-anchor"),
    pytest.param("Thời gian hoàn thành: Tháng 12/2025.", id="an-items-completion-time"),
    pytest.param("Xem xét, chấp thuận việc sử dụng hạ tầng kỹ thuật viễn thông thụ động trong thời hạn 10 ngày làm việc kể từ "
                 "khi doanh nghiệp có văn bản đề nghị.", id="xem-xet-is-a-task-verb"),
    pytest.param("Trong thời hạn 10 ngày kể từ ngày nhận được kết quả thẩm định của Hội đồng thẩm định, Sở Văn hóa, "
                 "Thể thao và Du lịch hoàn thiện hồ sơ, trình Ủy ban nhân dân tỉnh.", id="acting-on-an-appraisal"),
    pytest.param("Hội đồng nhân dân tỉnh thẩm định hồ sơ và có ý kiến trước ngày 15/12/2025.", id="a-peoples-council"),
])
def test_tasks_that_look_like_those(sentence: str) -> None:
    assert tasks_in(sentence)


def test_a_duties_heading_names_its_unit_up_to_the_duties_it_announces() -> None:
    heading = ("Điều 2. Nhiệm vụ, quyền hạn Trung tâm Bảo tồn Di sản Văn hóa thế giới Hội An thực hiện nhiệm vụ, quyền hạn "
               "theo quy định của pháp luật, cụ thể như sau:")
    assert unit_heading(heading) == "Trung tâm Bảo tồn Di sản Văn hóa thế giới Hội An"
    assert unit_heading("Điều 9. Trách nhiệm của cơ quan có chức năng quản lý đất đai cấp xã") == \
        "cơ quan có chức năng quản lý đất đai cấp xã"


def test_nhap_khau_is_no_verb_before_a_reference_to_the_rule() -> None:
    assert tasks_in("Mã loại hình xuất khẩu, nhập khẩu thực hiện theo quy định tại Bảng mã ban hành kèm theo Quyết định "
                    "số 1357/QĐ-TCHQ ngày 18/5/2021 của Tổng cục Hải quan.") == []


@pytest.mark.parametrize("sentence", [
    "Tuy nhiên, qua quá trình triển khai thực hiện theo Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ "
    "vẫn còn một số tồn tại, hạn chế.",
    "a) Hiện nay tổng khối lượng hoàn thành của Dự án khoảng 61% trong khi thời gian còn lại của năm 2025 chỉ khoảng 2 tháng.",
])
def test_a_reports_narration_is_no_task(sentence: str) -> None:
    assert tasks_in(sentence) == []


@pytest.mark.parametrize(("sentence", "lead"), [
    pytest.param("8. Các Bộ, cơ quan: Tài chính, Xây dựng, Ngoại giao, Tập đoàn Điện lực Việt Nam theo chức năng, nhiệm vụ "
                 "được giao khẩn trương rà soát, báo cáo Thủ tướng Chính phủ trước ngày 05 tháng 12 năm 2025.",
                 "Các Bộ, cơ quan: Tài chính, Xây dựng, Ngoại giao, Tập đoàn Điện lực Việt Nam", id="a-class-and-its-members"),
    pytest.param("Sở Y tế: Hướng dẫn các cơ sở thực hiện, báo cáo trước ngày 15/12/2025.", "Sở Y tế",
                 id="a-unit-and-its-task"),
])
def test_a_class_named_with_its_members_leads_with_them(sentence: str, lead: str) -> None:
    [task] = tasks_in(sentence)
    assert task.lead == lead


def test_a_heading_that_addresses_many_names_them_all() -> None:
    heading = ("1. Giao người đứng đầu các cơ quan chuyên môn, cơ quan hành chính khác, các đơn vị sự nghiệp công lập trực "
               "thuộc Ủy ban nhân dân Thành phố; Chủ tịch Ủy ban nhân dân các xã, phường và đặc khu")
    assert unit_heading(heading) == heading.removeprefix("1. Giao ")


def test_a_class_with_its_time_after_the_colon_leads_alone() -> None:
    tasks = tasks_in("4. UBND các xã, phường: Định kỳ hằng quý báo cáo tiến độ về Sở Tài chính.")
    assert [task.lead for task in tasks] == ["UBND các xã, phường"]


def test_a_dash_item_under_a_bracketed_item_is_the_bracketed_units_task() -> None:
    """«(1) Bộ Y tế chỉ đạo …» opens no section, yet the dashes under it are Bộ Y tế's."""
    body = ("2. Để bảo đảm tiến độ hoàn thành 02 công trình dự án, một số nội dung trọng tâm như sau:\n"
            "(1) Bộ Y tế chỉ đạo Ban Quản lý dự án khẩn trương hoàn thiện hồ sơ thiết kế.\n"
            "- Chỉ đạo các bệnh viện chuẩn bị sẵn sàng các phương án về nhân lực, thiết bị.\n"
            "- Chủ trì, phối hợp với Bộ Tài chính hoàn thiện hồ sơ, báo cáo Chính phủ trước ngày "
            "15 tháng 12 năm 2025.\n"
            "(2) Bộ Công an hướng dẫn Bộ Y tế về phòng cháy, chữa cháy.\n")
    [task] = [o for o in obligations_in(body) if o.is_task]
    assert task.lead == "Bộ Y tế"
    assert task.coordinate == ("Bộ Tài chính",)


def test_a_texts_own_adoption_date_is_no_task_whatever_item_it_stands_under() -> None:
    sentence = ("Nghị quyết này được Ủy ban Thường vụ Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam "
                "khóa XV thông qua ngày 16 tháng 6 năm 2025.")
    assert not [o for o in sentence_obligations(sentence, ISSUED, "", "Sở Tư pháp", loose=True) if o.is_task]
    assert not [o for o in obligations_in("2. Sở Tư pháp:\n" + sentence + "\n") if o.is_task]


def test_after_a_long_opening_purpose_the_unit_asked_leads() -> None:
    sentence = ("2. Để đảm bảo chất lượng, tiến độ hoàn thành 02 công trình dự án, phấn đấu hoàn thành xây dựng "
                "trước ngày 30 tháng 11 năm 2025 theo đúng chỉ đạo của Chính phủ, Thủ tướng Chính phủ và phấn đấu "
                "tổ chức khánh thành 02 công trình cùng dịp với Lễ khánh thành, khởi công các dự án, công trình quy "
                "mô lớn, ý nghĩa nhân dịp kỷ niệm 79 năm ngày toàn quốc kháng chiến và chào mừng Đại hội đại biểu "
                "toàn quốc lần thứ XIV của Đảng, yêu cầu Bộ Y tế, Ban Quản lý dự án và các nhà thầu theo chức năng, "
                "nhiệm vụ tiếp tục quyết tâm, nỗ lực thực hiện đồng bộ các giải pháp đã đề ra.")
    assert only(sentence).lead == "Bộ Y tế, Ban Quản lý dự án và các nhà thầu"


CHARTER = ("QUYẾT ĐỊNH\n"
           "VỀ VIỆC BAN HÀNH QUY ĐỊNH CHỨC NĂNG, NHIỆM VỤ, QUYỀN HẠN VÀ CƠ CẤU TỔ CHỨC CỦA SỞ NỘI VỤ\n"
           "ỦY BAN NHÂN DÂN TỈNH\n"
           "Điều 1. Vị trí và chức năng\n"
           "Sở Nội vụ là cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh.\n"
           "Điều 2. Nhiệm vụ và quyền hạn\n"
           "1. Tổng hợp, báo cáo Ủy ban nhân dân tỉnh kết quả thực hiện trước ngày 15 tháng 12 năm 2025.\n")
WORKING_SESSION = ("THÔNG BÁO\n"
                   "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG CHÍNH PHỦ TẠI BUỔI LÀM VIỆC VỚI LÃNH ĐẠO TỈNH ĐẮK LẮK\n"
                   "Phó Thủ tướng Chính phủ đã chủ trì buổi làm việc với lãnh đạo tỉnh Đắk Lắk.\n"
                   "I. ĐÁNH GIÁ CHUNG\n"
                   "Tỉnh có quy mô diện tích trên 18.000 km2.\n"
                   "II. MỘT SỐ NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI\n"
                   "1. Hoàn thành giải ngân vốn đầu tư công trước ngày 31 tháng 12 năm 2025.\n")


@pytest.mark.parametrize("body, lead", [
    # The items of «Nhiệm vụ và quyền hạn» in the charter of Sở Nội vụ name no unit: they are its own.
    (CHARTER, "Sở Nội vụ"),
    # The tasks a Deputy Prime Minister's conclusions set after a working session with a province.
    (WORKING_SESSION, "tỉnh Đắk Lắk"),
])
def test_the_unit_a_document_is_about_leads_its_duties(body: str, lead: str) -> None:
    [task] = [o for o in obligations_in(body) if o.is_task]
    assert task.lead == lead


def test_outside_a_section_of_tasks_the_documents_unit_leads_nothing() -> None:
    body = ("KẾT LUẬN CỦA PHÓ THỦ TƯỚNG CHÍNH PHỦ TẠI BUỔI LÀM VIỆC VỚI LÃNH ĐẠO TỈNH ĐẮK LẮK\n"
            "Phó Thủ tướng Chính phủ đã chủ trì buổi làm việc với lãnh đạo tỉnh Đắk Lắk.\n"
            "III. KIẾN NGHỊ CỦA ĐỊA PHƯƠNG\n"
            "1. Hoàn thành giải ngân vốn đầu tư công trước ngày 31 tháng 12 năm 2025.\n")
    assert all(o.lead != "tỉnh Đắk Lắk" for o in obligations_in(body))


def test_a_finished_thing_in_what_a_time_limit_counts_from_does_not_make_the_step_past() -> None:
    # «đã hoàn thiện» describes the dossier the time counts from, not what the unit has done
    [task] = [o for o in sentence_obligations(
        "đ) Trong thời hạn 05 ngày làm việc kể từ ngày nhận được hồ sơ khoa học đã hoàn thiện, trên cơ sở ý kiến thẩm "
        "định của Hội đồng thẩm định cấp chuyên ngành và Hội đồng thẩm định cấp bộ của Bộ Văn hóa, Thể thao và Du lịch, ý "
        "kiến bằng văn bản của Hội đồng Di sản văn hóa quốc gia và của các cơ quan, tổ chức có liên quan, cơ quan tham mưu, "
        "quản lý nhà nước về di sản văn hóa ở trung ương tổng hợp, hoàn thiện hồ sơ khoa học.", ISSUED, "", loose=True)
        if o.is_task]
    assert task.lead == "cơ quan tham mưu, quản lý nhà nước về di sản văn hóa ở trung ương"


@pytest.mark.parametrize("sentence", [
    ("c) Trong thời hạn 15 ngày kể từ ngày nhận được thông báo bằng văn bản của cơ quan chuyên môn về văn hóa cấp tỉnh, "
     "tổ chức, cá nhân đề nghị cấp Giấy chứng nhận đủ điều kiện đầu tư kinh doanh di vật, cổ vật có trách nhiệm bổ sung "
     "hoặc chỉnh sửa thành phần hồ sơ liên quan."),
    ("- Trong vòng 15 ngày kể từ thời điểm nhận được thông báo, tổ chức đề xuất xem xét tiếp thu ý kiến đóng góp của hội "
     "đồng, bổ sung dự toán kinh phí chi tiết thực hiện nhiệm vụ và gửi về cơ quan quản lý nhiệm vụ;"),
])
def test_an_applicants_step_after_a_time_limit_is_a_rule_whoever_the_time_counts_from(sentence: str) -> None:
    assert not any(o.is_task for o in sentence_obligations(sentence, ISSUED, "", loose=True))


def test_a_rate_of_money_per_item_is_a_budget_line_not_a_task() -> None:
    [obligation] = sentence_obligations("Xây dựng báo cáo định kỳ năm của cấp ủy | Tối đa 5.000.000 đồng/báo cáo", ISSUED,
                                        "PHỤ LỤC 02", loose=True)
    assert obligation.not_task is NotTask.BUDGET


def test_an_applicant_that_opens_the_line_is_bound_by_a_rule() -> None:
    sentence = ("Tổ chức đề xuất có trách nhiệm hoàn thiện dự toán kinh phí và gửi về cơ quan quản lý nhiệm vụ trong vòng "
                "07 ngày làm việc kể từ thời điểm nhận thông báo;")
    assert not any(o.is_task for o in sentence_obligations(sentence, ISSUED, "", loose=True))


def test_a_duty_a_condition_brings_by_the_next_working_day_is_a_task() -> None:
    sentence = ("Trong trường hợp văn bản được gửi về sau 16 giờ thì việc cập nhật thông tin phải hoàn thành trước 10 giờ "
                "sáng ngày làm việc tiếp theo.")
    [obligation] = sentence_obligations(sentence, ISSUED, "Điều 10. Cập nhật thông tin vào Cơ sở dữ liệu", "Sở Tư pháp",
                                        loose=True)
    assert obligation.is_task and obligation.deadline.offset_days == 1


def test_a_result_that_is_notified_with_no_one_named_is_a_rule() -> None:
    sentence = ("Trong thời hạn 6 giờ làm việc kể từ khi Tổ chức cấp C/O nhận được hồ sơ đầy đủ và hợp lệ dưới dạng điện "
                "tử, kết quả xét duyệt hồ sơ đề nghị cấp C/O được thông báo trên Hệ thống eCoSys.")
    assert not any(o.is_task for o in sentence_obligations(sentence, ISSUED, "PHỤ LỤC", loose=True))


@pytest.mark.parametrize("sentence", [
    ("- Trong vòng 15 ngày kể từ ngày được văn bản đề xuất điều chỉnh, cơ quan quản lý nhiệm vụ ban hành văn bản sửa "
     "đổi, bổ sung hợp đồng giao nhiệm vụ."),
    ("- Trong thời hạn 30 ngày, kể từ ngày nhận được đầy đủ hồ sơ hợp lệ, chủ tài khoản tạm giữ có trách nhiệm cấp tiền "
     "cho doanh nghiệp được giao nhiệm vụ tổ chức xử lý."),
])
def test_a_step_of_a_role_any_body_may_hold_is_a_rule(sentence: str) -> None:
    assert not any(o.is_task for o in sentence_obligations(sentence, ISSUED, "DANH MỤC", loose=True))


def test_a_step_the_case_gives_to_relatives_is_a_rule() -> None:
    sentence = ("a) Trong thời hạn 90 ngày kể từ ngày người hưởng trợ cấp hằng tháng chết thì thân nhân nộp hồ sơ quy định tại "
                "khoản 3 Điều này cho cơ quan bảo hiểm xã hội;")
    [step] = sentence_obligations(sentence, ISSUED, "Điều 25. Chế độ đối với thân nhân > 4.", loose=True)
    assert (step.is_task, step.not_task) == (False, NotTask.RULE)


def test_annual_leave_is_no_duty_with_a_period() -> None:
    sentence = ("Cục trưởng quyết định cho nghỉ phép hàng năm đối với công chức là cấp Phó của đơn vị trở xuống; cho nghỉ "
                "công tác không hưởng lương.")
    assert not any(o.is_task for o in sentence_obligations(sentence, ISSUED, "Điều 6. Phân cấp", loose=True))


def test_a_power_a_text_decentralises_whose_only_date_is_a_cited_texts_is_no_task() -> None:
    section = ("QUY ĐỊNH PHÂN CẤP MỘT SỐ NỘI DUNG QUẢN LÝ NHÀ NƯỚC > Chương II. PHÂN CẤP MỘT SỐ NỘI DUNG THUỘC "
               "LĨNH VỰC XÂY DỰNG > Điều 4. > 2.")
    found = sentence_obligations("UBND cấp xã cấp giấy phép xây dựng đối với công trình cấp III trở xuống trên địa "
                                 "bàn quản lý theo quy định tại khoản 1 Điều 4 Nghị định số 140/2025/NĐ-CP ngày "
                                 "12/6/2025 của Chính phủ.", ISSUED, section, loose=True)
    assert not any(o.is_task for o in found)


def test_an_assignment_under_the_implementation_of_a_decentralising_text_stays_a_task() -> None:
    section = "QUY ĐỊNH PHÂN CẤP MỘT SỐ NỘI DUNG > Chương III. TỔ CHỨC THỰC HIỆN > Điều 12."
    found = sentence_obligations("Giao Sở Xây dựng hướng dẫn, kiểm tra việc thực hiện theo Nghị định số "
                                 "140/2025/NĐ-CP ngày 12/6/2025 của Chính phủ.", ISSUED, section, loose=True)
    assert [o.lead for o in found if o.is_task] == ["Sở Xây dựng"]


def test_an_organisation_named_by_what_it_issues_is_a_role_of_the_procedure() -> None:
    found = sentence_obligations("- Trực tiếp: Trong thời hạn 8 giờ làm việc kể từ khi Tổ chức cấp C/O nhận được hồ sơ "
                                 "đề nghị cấp C/O đầy đủ và hợp lệ, Tổ chức cấp C/O trả kết quả cấp C/O.",
                                 ISSUED, "PHỤ LỤC", loose=True)
    assert found and not any(o.is_task for o in found)


def test_a_line_that_amends_a_provision_of_a_cited_text_orders_nothing() -> None:
    section = "Phần II. NỘI DUNG PHƯƠNG ÁN ĐƠN GIẢN HÓA > I. LĨNH VỰC BẢO TRỢ XÃ HỘI > 2. > 2.2. Kiến nghị thực thi"
    found = sentence_obligations("Sửa đổi điểm b khoản 1 Điều 4 Nghị định 176/2025/NĐ-CP ngày 30/6/2025 của Chính phủ "
                                 "quy định chi tiết và hướng dẫn thi hành một số điều của Luật Bảo hiểm xã hội về trợ "
                                 "cấp hưu trí xã hội.", ISSUED, section, loose=True)
    assert not any(o.is_task for o in found)


def test_a_letter_that_points_its_addressee_to_the_rules_gives_no_task() -> None:
    found = sentence_obligations("Về thủ tục hải quan: đề nghị Công ty nghiên cứu quy định tại Điều 67 Thông tư số "
                                 "38/2015/TT-BTC ngày 25/3/2015 được sửa đổi, bổ sung tại khoản 44 Điều 1 Thông tư số "
                                 "39/2018/TT-BTC ngày 20/4/2018 của Bộ Tài chính.", ISSUED, "1.", loose=True)
    assert not any(o.is_task for o in found)
    # a study with a purpose of its own is still asked of the unit
    found = sentence_obligations("Giao Sở Tư pháp nghiên cứu quy định tại Nghị định số 78/2025/NĐ-CP ngày 01/4/2025 "
                                 "để đề xuất sửa đổi Quy chế.", ISSUED, "Điều 3. Tổ chức thực hiện", loose=True)
    assert [o.lead for o in found if o.is_task] == ["Sở Tư pháp"]


def test_a_catalogue_row_without_its_code_whose_time_counts_from_the_dossier_is_a_processing_time() -> None:
    row = ("Trong thời gian 12 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ | Trung tâm Phục vụ hành chính công cấp "
           "tỉnh và Trung tâm Phục vụ hành chính công cấp xã | Trực tiếp tại UBND cấp xã nơi thường trú | Không")
    found = sentence_obligations(row, ISSUED, "PHỤ LỤC I. DANH MỤC THỦ TỤC HÀNH CHÍNH", loose=True)
    assert found and not any(o.is_task for o in found)
    # a step of an internal procedure's table is still its unit's task
    step = "Bước 3 | Chuyên viên Phòng Kinh tế | Thẩm định hồ sơ, dự thảo kết quả giải quyết | 112 giờ"
    assert [o.lead for o in sentence_obligations(step, ISSUED, "QUY TRÌNH NỘI BỘ", loose=True) if o.is_task] \
        == ["Chuyên viên Phòng Kinh tế"]


def test_the_chairing_and_the_coordinating_body_of_a_coordination_rule_are_roles() -> None:
    section = "Chương I. NHỮNG QUY ĐỊNH CHUNG > Điều 2. > 2. > b)"
    for line in ("- Cơ quan chủ trì tổ chức cuộc họp hoặc kiểm tra thực địa có trách nhiệm chuẩn bị đầy đủ hồ sơ, tài liệu "
                 "có liên quan và gửi cho các cơ quan phối hợp trước thời gian tổ chức cuộc họp trong thời gian 03 ngày làm "
                 "việc.",
                 "Trường hợp có ý kiến khác với ý kiến của cán bộ tham gia phối hợp, cơ quan phối hợp phải có văn bản phản hồi "
                 "ngay về cơ quan chủ trì trong thời gian tối đa 01 ngày sau buổi làm việc."):
        found = sentence_obligations(line, ISSUED, section, loose=True)
        assert found and not any(o.is_task for o in found), line
    # a unit the line names stays the lead, whatever role it holds
    found = sentence_obligations("Sở Tài chính là cơ quan chủ trì, có trách nhiệm tổng hợp báo cáo trước ngày 15/12/2025.",
                                 ISSUED, section, loose=True)
    assert [o.lead for o in found if o.is_task] == ["Sở Tài chính"]


def test_a_six_monthly_report_keeps_its_period_when_a_bracket_gives_its_day() -> None:
    tasks = [o for o in sentence_obligations(
        "1. Thành viên Ban Chỉ đạo định kỳ 06 tháng (trước ngày 20 tháng 6 hằng năm) và 01 năm (trước ngày 15 tháng "
        "11 hằng năm) báo cáo Ban Chỉ đạo về tiến độ, kết quả thực hiện.", date(2025, 11, 20), "Điều 17. Báo cáo định kỳ")
        if o.is_task]
    assert [(t.recurrence, t.deadline.day, t.deadline.month) for t in tasks] == [("semiannual", 20, 6), ("yearly", 15, 11)]
    # the six-monthly report still falls on its day each year
    assert tasks[0].deadline.next_due(date(2026, 1, 1)) == date(2026, 6, 20)
    tasks = [o for o in sentence_obligations(
        "d) Định kỳ 6 tháng (gửi trước ngày 15/6) và hằng năm (gửi trước ngày 15/11), Sở Tài chính gửi báo cáo kết quả "
        "thực hiện.", date(2025, 11, 20), "") if o.is_task]
    assert [t.recurrence for t in tasks] == ["semiannual", "yearly"]
    # a yearly date with no shorter period before it stays yearly
    [task] = [o for o in sentence_obligations("Sở Tài chính báo cáo trước ngày 15 tháng 11 hằng năm.", date(2025, 11, 20))
              if o.is_task]
    assert task.recurrence == "yearly"


def test_a_unit_that_is_doing_it_now_reports_progress_not_a_task() -> None:
    assert [o for o in sentence_obligations(
        "Bộ Tài chính đang xây dựng Luật Quản lý thuế (sửa đổi) và Nghị định, Thông tư hướng dẫn các hộ kinh doanh chuyển "
        "sang tự kê khai để thực hiện từ ngày 01/01/2026.", date(2025, 11, 20), "", loose=True) if o.is_task] == []
    found = sentence_obligations("Sở Xây dựng đang hoàn thiện hồ sơ, dự kiến trình UBND tỉnh trước ngày 15/12/2025.",
                                 date(2025, 11, 20), "")
    assert [o.is_task for o in found] == [False]
    # a unit named by what it is doing, then bound to a duty, has a task
    [task] = [o for o in sentence_obligations(
        "Các cơ sở đào tạo, bồi dưỡng đang tổ chức thực hiện các chương trình bồi dưỡng có trách nhiệm hoàn thành khóa "
        "bồi dưỡng trước ngày 31 tháng 12 năm 2025.", date(2025, 11, 20), "Điều 41. Tổ chức thực hiện") if o.is_task]
    assert task.lead == "Các cơ sở đào tạo, bồi dưỡng"
    # whatever the unit's name holds («Ngoại giao», «Cần Thơ»), and work done «theo yêu cầu» or on a «bàn giao»
    for progress in ("Bộ Ngoại giao đang xây dựng Nghị định hướng dẫn để thực hiện từ ngày 01/01/2026.",
                     "UBND thành phố Cần Thơ đang rà soát, dự kiến hoàn thành trước ngày 15/12/2025.",
                     "Sở Y tế đang triển khai theo yêu cầu của Bộ Y tế, dự kiến xong trước ngày 15/12/2025.",
                     "Sở Tài chính đang xây dựng phương án bàn giao tài sản, dự kiến hoàn thành trước ngày 15/12/2025."):
        assert not [o for o in sentence_obligations(progress, date(2025, 11, 20), "", loose=True) if o.is_task], progress


def test_a_standing_duty_of_a_charter_with_only_a_cited_date_is_no_task() -> None:
    section = "Chương V. QUẢN LÝ CÔNG CHỨC > Điều 67. Nhiệm vụ, quyền hạn của Ủy ban, Chủ tịch Ủy ban… > 1. > a)"
    found = sentence_obligations(
        "a) Thực hiện nội dung quản lý công chức quy định tại khoản 1, khoản 3 Điều 64 Nghị định này, trừ các nội dung "
        "thuộc thẩm quyền của cơ quan sử dụng theo quy định của Luật Cán bộ, công chức năm 2025;", date(2025, 11, 20),
        section, loose=True)
    assert [o for o in found if o.is_task] == []
    # a duty with a time of its own is still a task there
    tasks = [o for o in sentence_obligations(
        "đ) Định kỳ hàng quý, năm hoặc theo yêu cầu của cơ quan có thẩm quyền, báo cáo Chủ tịch Ủy ban nhân dân tỉnh về "
        "tình hình thực hiện nhiệm vụ.", date(2025, 11, 20), "Điều 2. Nhiệm vụ và quyền hạn > 1. Sở Tư pháp", loose=True)
        if o.is_task]
    assert tasks and {t.lead for t in tasks} == {"Sở Tư pháp"}
    # and an assignment under the text's implementation keeps its undated task
    [task] = [o for o in sentence_obligations(
        "Giao Sở Nông nghiệp và Môi trường tổ chức thực hiện theo Nghị định số 08/2025/NĐ-CP ngày 09/01/2025.",
        date(2025, 11, 20), "Điều 3. Tổ chức thực hiện", loose=True) if o.is_task]
    assert task.lead == "Sở Nông nghiệp và Môi trường"


def test_a_transitional_case_dated_before_its_then_is_a_condition() -> None:
    found = sentence_obligations(
        "Đối với các hồ sơ đề nghị cấp, điều chỉnh Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke phát sinh trước ngày "
        "01/01/2026 thì việc thu, nộp, quản lý và sử dụng phí thực hiện theo quy định tại Nghị quyết số 15/2023/NQ-HĐND.",
        date(2025, 11, 20), "Điều 6. Hiệu lực thi hành")
    assert [(o.is_task, o.not_task) for o in found] == [(False, NotTask.LEGAL_CONDITION)]
    # a case whose «thì» brings a duty with the deadline after it is still one
    found = sentence_obligations(
        "Đối với các dự án chậm tiến độ thì Sở Xây dựng phải báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2025.",
        date(2025, 11, 20), "Điều 5")
    assert [o.is_task for o in found] == [True]
    # «Đối với UBND cấp xã, …» addresses a unit: no case, whatever «thì» follows
    found = sentence_obligations(
        "Đối với UBND cấp xã, trước ngày 30/6/2026 hoàn thành việc sắp xếp trụ sở thì báo cáo Sở Nội vụ.",
        date(2025, 11, 20), "Điều 5")
    assert [o.is_task for o in found] == [True]


def test_a_period_of_another_clause_is_not_the_reports_recurrence() -> None:
    # «Định kỳ hoặc đột xuất báo cáo …; đồng thời xây dựng kế hoạch … của năm tiếp theo»: the report has no period;
    # «năm tiếp theo» is what the plan of the other clause is for
    found = [o for o in sentence_obligations(
        "Định kỳ hoặc đột xuất báo cáo Ủy ban nhân dân Tỉnh, Bộ Khoa học và Công nghệ về tình hình công tác quản lý, "
        "sử dụng chữ ký số trên địa bàn tỉnh; đồng thời xây dựng kế hoạch, nhu cầu sử dụng của năm tiếp theo cho thuê "
        "bao thuộc quyền quản lý.", ISSUED, "Điều 14. Trách nhiệm của Sở Khoa học và Công nghệ", loose=True) if o.is_task]
    assert found and [o.recurrence for o in found] == [None]
    # a period in the clause of «định kỳ» still gives it
    assert only("Định kỳ hằng quý, các sở báo cáo tiến độ về Sở Tài chính; đồng thời gửi Sở Nội vụ.").recurrence \
        == "quarterly"


def test_a_letters_account_of_what_its_issuer_will_do_is_no_task() -> None:
    # «Theo đó, Cục Thuế sẽ cập nhật …» tells the reader what the issuer will do; the only date is a cited text's
    found = sentence_obligations(
        "Theo đó, Cục Thuế sẽ cập nhật loại “Thu nhập được miễn thuế theo Nghị quyết số 98/2023/QH15 ngày 24/6/2023 "
        "vào danh mục “Thu nhập miễn thuế ...", ISSUED, "1. Về khai thuế TNDN", loose=True)
    assert [o for o in found if o.is_task] == []
    # a step a body will take within its time limit is still its task
    [task] = sentence_obligations(
        "Trong thời hạn 02 ngày làm việc, kể từ ngày nhận được văn bản đề nghị, Sở Khoa học và Công nghệ sẽ thực hiện "
        "chấm dứt hoạt động các hộp thư điện tử theo đề nghị.", ISSUED, "Điều 7")
    assert task.is_task and task.lead == "Sở Khoa học và Công nghệ"


def test_answering_for_figures_sent_by_a_date_stays_a_task() -> None:
    [task] = tasks_in("Sở Tài chính chịu trách nhiệm về tính chính xác của số liệu và gửi báo cáo về Bộ Tài chính "
                      "trước ngày 15/12/2025.")
    assert task.lead == "Sở Tài chính"


@pytest.mark.parametrize("sentence", [
    "a) Khi xảy ra sự cố đối với cáp viễn thông, doanh nghiệp viễn thông có trách nhiệm khắc phục, bảo đảm khôi "
    "phục liên lạc trong thời hạn 12 (mười hai) giờ kể từ thời điểm phát hiện sự cố.",
    "Trường hợp khắc phục bằng phương án ngầm hóa, trong thời hạn 10 (mười) ngày kể từ ngày xảy ra sự cố, doanh "
    "nghiệp viễn thông phải lập phương án hạ ngầm gửi Sở Khoa học và Công nghệ.",
])
def test_a_duty_of_businesses_alone_is_a_rule_not_a_task(sentence: str) -> None:
    obligation = only(sentence)
    assert not obligation.is_task and obligation.not_task is NotTask.RULE


def test_businesses_listed_with_public_bodies_are_assigned_a_task() -> None:
    obligation = only("Các sở, ban, ngành, UBND các xã và các doanh nghiệp viễn thông báo cáo kết quả trước ngày "
                      "15/12/2025.")
    assert obligation.is_task


def test_businesses_a_plans_implementation_part_names_are_assigned_their_part() -> None:
    [task] = sentence_obligations("- Định kỳ hằng quý báo cáo kết quả triển khai về Sở Khoa học và Công nghệ.", ISSUED,
                                  "IV. TỔ CHỨC THỰC HIỆN > 4. Các doanh nghiệp viễn thông", loose=True)
    assert (task.is_task, task.lead, task.recurrence) == (True, "Các doanh nghiệp viễn thông", "quarterly")
    # a regulation's chapter on implementation sets them norms in its articles
    [rule] = sentence_obligations(
        "Doanh nghiệp viễn thông phản hồi đề nghị sử dụng chung bằng văn bản trong thời hạn 07 ngày làm việc.", ISSUED,
        "Chương IV. TỔ CHỨC THỰC HIỆN VÀ TRÁCH NHIỆM CỦA CƠ QUAN > Điều 28. Trách nhiệm của doanh nghiệp viễn thông")
    assert not rule.is_task and rule.not_task is NotTask.RULE


def test_a_result_reached_in_one_clause_does_not_make_the_others_background() -> None:
    sentence = ("a) Bộ Khoa học và Công nghệ: (1) trình Thủ tướng Chính phủ Chương trình quốc gia phát triển sản phẩm "
                "công nghệ chiến lược, hoàn thành trong tháng 11 năm 2025; (2) đôn đốc các doanh nghiệp phủ sóng 5G "
                "trên phạm vi toàn quốc, đến nay mới đạt 39,5%.")
    [task] = [o for o in sentence_obligations(sentence, ISSUED, "III. NHIỆM VỤ > 5. > a)") if o.is_task]
    assert task.lead == "Bộ Khoa học và Công nghệ" and task.deadline.text == "hoàn thành trong tháng 11 năm 2025"


def test_a_units_own_time_field_over_a_span_is_its_task() -> None:
    # «Thời gian thực hiện: Từ tháng 11/2025 đến khi kết thúc …» in the item of «Sở Tài chính»: when it works on it
    [task] = [o for o in sentence_obligations(
        "Thời gian thực hiện: Từ tháng 11/2025 đến khi kết thúc Tổng kiểm kê.", ISSUED,
        "KẾ HOẠCH > IV. NHIỆM VỤ CỤ THỂ > 1. > 1.2.", "Sở Tài chính", loose=True) if o.is_task]
    assert task.lead == "Sở Tài chính"
    # the same span with no unit around it is the period the plan applies
    assert tasks_in("Thời gian thực hiện: Từ tháng 10/2025 đến khi tổ chức thành công Đại hội.", "III. THỜI GIAN") == []


def test_a_line_of_grounds_citing_texts_is_no_task_even_under_a_unit() -> None:
    sentence = ("Căn cứ Quy chế quản lý hoạt động của Cảng quốc tế Cam Ranh ban hành kèm theo Quyết định số "
                "25/2016/QĐ-TTg ngày 27 tháng 6 năm 2016, được sửa đổi, bổ sung tại Quyết định số 29/2019/QĐ-TTg;")
    assert [o for o in sentence_obligations(sentence, ISSUED, "Mẫu số 02", "Công ty TNHH Tân Cảng", loose=True)
            if o.is_task] == []
    # grounds that are no text's still lead to the unit's task
    [task] = tasks_in("Căn cứ kết quả rà soát, Sở Tài chính tổng hợp, báo cáo trước ngày 15/12/2025.")
    assert task.lead == "Sở Tài chính"


def test_the_comrades_holding_a_role_are_that_role() -> None:
    [task] = tasks_in("Các đồng chí Bộ trưởng, Chủ tịch Ủy ban nhân dân các tỉnh phải hoàn thành trước ngày "
                      "15/12/2025.")
    assert task.lead == "Bộ trưởng, Chủ tịch Ủy ban nhân dân các tỉnh"


def test_the_government_inspector_general_leads_a_row() -> None:
    task = row_task("29 | Hoàn thiện phần mềm, bảo đảm triển khai phần thông tin kiểm soát tài sản, thu nhập | "
                    "Tổng Thanh tra Chính phủ | 25/11/2025 | Đang thực hiện | Đang thực hiện")
    assert (task.lead, task.deadline.due) == ("Tổng Thanh tra Chính phủ", date(2025, 11, 25))


def test_an_account_of_what_a_body_did_heads_no_items() -> None:
    # «- Bộ đã giao: Cục … hướng dẫn …» in a results column says what was done; the step below is no one's
    body = ("II. KẾT QUẢ\n"
            "- Bộ đã giao: Cục Quản lý đất đai hướng dẫn thực hiện chỉnh lý dữ liệu đất đai.\n"
            "- Hoàn thành việc đồng bộ dữ liệu trước ngày 31/12/2025.\n")
    assert [o.lead for o in obligations_in(body) if o.is_task] in ([], [None])
    # a unit's own heading still leads its items
    body = "II. NHIỆM VỤ\n- Sở Tài chính: chủ trì tổng hợp.\n- Hoàn thành việc đồng bộ dữ liệu trước ngày 31/12/2025.\n"
    assert "Sở Tài chính" in [o.lead for o in obligations_in(body) if o.is_task]


def test_a_short_line_ending_in_a_colon_titles_its_items_and_is_no_task() -> None:
    assert tasks_in("b) Báo cáo định kỳ hằng quý:", "Điều 8. Chế độ báo cáo > 2. Sở Tài chính") == []
    assert tasks_in("- Gửi Ủy ban nhân dân tỉnh trước ngày 20 của tháng cuối quý.",
                    "Điều 8. Chế độ báo cáo > 2. Sở Tài chính > b) Báo cáo định kỳ hằng quý")


def test_a_case_in_brackets_that_says_its_duty_is_the_steps_task() -> None:
    # The step's doer must answer within two days in that case: a task of the step's unit, not a condition.
    step = ("- Rà soát, kiểm tra hồ sơ; kiểm tra thực địa; hiện trạng (Trường hợp hồ sơ cần bổ sung, không đủ điều "
            "kiện giải quyết phải có văn bản thông báo cụ thể trong thời gian tối đa 02 ngày);")
    [task] = sentence_obligations(step, ISSUED, "b) Trình tự thực hiện", "Sở Nông nghiệp và Môi trường")
    assert task.is_task and task.lead == "Sở Nông nghiệp và Môi trường"
    # a case in brackets that brings no duty stays a condition
    [case] = sentence_obligations("- Rà soát hồ sơ; hiện trạng (trường hợp đóng bảo hiểm trước ngày 01/01/2026).",
                                  ISSUED, "b) Trình tự thực hiện", "Sở Nông nghiệp và Môi trường")
    assert (case.is_task, case.not_task) == (False, NotTask.LEGAL_CONDITION)


def test_a_programmes_action_item_that_names_no_unit_is_a_task_for_the_secretariat_to_assign() -> None:
    item = ("- Xây dựng chương trình, tổ chức bồi dưỡng kiến thức, kỹ năng số cho cán bộ, công chức, viên chức "
            "hàng năm để sẵn sàng chuyển đổi môi trường làm việc.")
    body = f"III. NHIỆM VỤ, GIẢI PHÁP\n6. Phát triển nhân lực số\n{item}\n"
    [task] = [o for o in obligations_in(body) if o.is_task]
    assert (task.lead, task.recurrence) == (None, "yearly")
    # the same line in a report on what was done is no task; nor a goal's year outside a section of tasks
    assert not [o for o in obligations_in(body.replace("NHIỆM VỤ, GIẢI PHÁP", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ"))
                if o.is_task]
    assert tasks_in("- Hoàn thành việc đồng bộ dữ liệu dân cư trong năm 2026.", "II. MỤC TIÊU") == []
    assert tasks_in("- Hoàn thành việc đồng bộ dữ liệu dân cư trong năm 2026.", "III. NHIỆM VỤ, GIẢI PHÁP")


def test_a_plans_activities_under_its_contents_section_are_tasks_for_the_secretariat_to_assign() -> None:
    # «IV. NỘI DUNG HOẠT ĐỘNG TRIỂN KHAI» lists a plan's activities as «III. NHIỆM VỤ» does
    item = "- Báo cáo tổng hợp hàng ngày gửi UBND tỉnh, Ban Chỉ huy Phòng chống thiên tai và tìm kiếm cứu nạn."
    body = f"IV. NỘI DUNG HOẠT ĐỘNG TRIỂN KHAI\n7. Công tác giám sát, kiểm tra, báo cáo\n{item}\n"
    [task] = [o for o in obligations_in(body) if o.is_task]
    assert (task.lead, task.deadline.text) == (None, "hàng ngày")
    # an article on what a regulation covers is no plan's contents
    assert not [o for o in obligations_in(body.replace("IV. NỘI DUNG HOẠT ĐỘNG TRIỂN KHAI",
                                                       "Điều 4. Nội dung quản lý")) if o.is_task]


def test_items_a_line_numbers_inline_each_take_the_unit_they_open_with() -> None:
    line = ("Khẩn trương xây dựng và ban hành chiến lược chuyển đổi số và chiến lược dữ liệu: (1) Thanh tra Chính phủ "
            "ban hành trước ngày 25 tháng 11 năm 2025; (2) Bộ Công an chủ trì, phối hợp các bộ, cơ quan liên quan ban "
            "hành hướng dẫn rà soát các cơ sở dữ liệu; hoàn thành việc ban hành hướng dẫn trước ngày 30 tháng 11 năm 2025;")
    first, second = tasks_in(line, "III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM")
    assert (first.lead, first.coordinate, first.deadline.due) == ("Thanh tra Chính phủ", (), date(2025, 11, 25))
    assert (second.lead, second.coordinate, second.deadline.due) == (
        "Bộ Công an", ("các bộ, cơ quan liên quan",), date(2025, 11, 30))
