"""Who leads a task and who coordinates: the ways administrative texts name them."""
from __future__ import annotations

from datetime import date

import pytest

from bot.facts.extract import sentence_obligations
from bot.facts.units import split_units
from tests.reading import ISSUED, obligations_in, tasks_in


def test_a_qualifier_closes_a_class_of_units_and_the_next_unit_is_another() -> None:
    assert split_units("các sở, cơ quan liên quan, Uỷ ban nhân dân các xã, phường") == (
        "các sở, cơ quan liên quan", "Uỷ ban nhân dân các xã, phường")
    assert split_units("các đơn vị thuộc Bộ Quốc phòng, các sở, ban, ngành của tỉnh, Ủy ban nhân dân cấp xã") == (
        "các đơn vị thuộc Bộ Quốc phòng", "các sở, ban, ngành của tỉnh", "Ủy ban nhân dân cấp xã")
    [task] = tasks_in("7. Chủ trì, phối hợp với các sở, cơ quan liên quan, Uỷ ban nhân dân các xã, phường triển khai "
                      "thực hiện quy định này, báo cáo trước ngày 15/12/2025.", "Điều 5 > Liên hiệp các hội")
    assert task.coordinate == ("các sở, cơ quan liên quan", "Uỷ ban nhân dân các xã, phường")


def test_a_class_without_a_qualifier_keeps_its_commas() -> None:
    # an unqualified class may run on into other units («các sở, ban, ngành, UBND các xã, phường»)
    assert split_units("các sở, ban, ngành, Ủy ban nhân dân xã, phường") == (
        "các sở, ban, ngành, Ủy ban nhân dân xã, phường",)
    assert split_units("Các sở, ban, ngành, các tổ chức chính trị-xã hội") == (
        "Các sở, ban, ngành, các tổ chức chính trị-xã hội",)
    # a qualifier's object may itself list units
    assert split_units("các cơ quan liên quan thuộc Bộ Xây dựng, Bộ Quốc phòng") == (
        "các cơ quan liên quan thuộc Bộ Xây dựng, Bộ Quốc phòng",)


def test_a_table_row_of_an_ongoing_task_is_a_task_with_its_lead_but_no_date() -> None:
    row = ("11 | Phối hợp các bộ, ngành, địa phương triển khai giám sát an ninh mạng; xử lý nghiêm các trường hợp "
           "để xảy ra lộ, lọt dữ liệu | Bộ Công an | Nhiệm vụ thường xuyên | Đang thực hiện")
    [task] = tasks_in(row, "PHỤ LỤC II")
    assert (task.lead, task.coordinate, task.deadline.due) == ("Bộ Công an", ("các bộ, ngành, địa phương",), None)
    # it has no date to remind of: a document stores only dated rows (see the task table test)
    assert sentence_obligations(row, ISSUED, "PHỤ LỤC II") == []


def test_a_time_line_under_an_item_that_chairs_with_helpers_has_those_helpers() -> None:
    body = ("Điều 2. Giao các cơ quan, đơn vị\n"
            "1. Sở Tư pháp chủ trì, phối hợp với Văn phòng UBND tỉnh và UBND các xã, phường:\n"
            "Cập nhật, công khai thủ tục hành chính trên Cơ sở dữ liệu quốc gia.\n"
            "Thời hạn chậm nhất 05 ngày làm việc kể từ ngày ban hành Quyết định.\n"
            "2. Sở Y tế:\n"
            "Thời hạn chậm nhất 10 ngày làm việc kể từ ngày ban hành Quyết định.\n")
    first, second = [o for o in obligations_in(body) if o.is_task]
    assert (first.lead, first.coordinate) == ("Sở Tư pháp", ("Văn phòng UBND tỉnh", "UBND các xã, phường"))
    assert (second.lead, second.coordinate) == ("Sở Y tế", ())  # an item that names no helpers gives none


def test_a_coordinating_class_keeps_the_members_it_names_after_a_colon() -> None:
    [task] = tasks_in("- Phối hợp với Ủy ban nhân dân 04 xã: Gia Thuận, Tân Điền, Gò Công Đông, Tân Phú Đông thành lập "
                      "mới khu bảo vệ nguồn lợi thủy sản, phục hồi hệ sinh thái biển trước ngày 31/12/2026.",
                      "IV. NHIỆM VỤ CỤ THỂ > 1. Sở Nông nghiệp và Môi trường")
    assert task.coordinate == ("Ủy ban nhân dân 04 xã: Gia Thuận, Tân Điền, Gò Công Đông, Tân Phú Đông",)
    # a named unit's colon opens what it is to do, not its members
    [task] = tasks_in("Chủ trì, phối hợp với Sở Y tế: Hướng dẫn, Kiểm tra các cơ sở trước ngày 31/12/2026.",
                      "IV > 1. Sở Công Thương")
    assert task.coordinate == ("Sở Y tế",)


def test_a_cell_that_says_who_chairs_a_row_gives_its_lead_and_the_others_take_part() -> None:
    row = ("2 | Phấn đấu mỗi năm phát triển từ 05 bộ dữ liệu mở chất lượng cao phục vụ phát triển kinh tế số; "
           "công bố trên Cổng Dữ liệu mở tỉnh. Đến năm 2030, tỉnh có ít nhất 20 tập dữ liệu mở được công bố. | "
           "Sở KH&CN chủ trì hướng dẫn, tổng hợp; Các sở, ngành, UBND cấp xã thực hiện công bố dữ liệu mở hằng năm "
           "theo lĩnh vực quản lý.")
    [task] = tasks_in(row, "PHỤ LỤC > I. Kinh tế số")
    assert (task.lead, task.coordinate) == ("Sở KH&CN", ("Các sở, ngành, UBND cấp xã",))


def test_a_lead_column_that_names_the_chair_and_its_partners() -> None:
    body = ("STT | Nhiệm vụ | Cơ quan thực hiện chủ trì | Thời gian hoàn thành\n"
            "1 | Xây dựng cơ sở dữ liệu ngành y tế | Sở Y tế chủ trì, phối hợp với các sở, ngành liên quan | "
            "Tháng 12/2025")
    [task] = obligations_in(body)
    assert (task.lead, task.coordinate) == ("Sở Y tế", ("các sở, ngành liên quan",))


def test_the_unit_assigned_leads_not_the_one_who_assigns() -> None:
    [task] = tasks_in("Chủ tịch Ủy ban nhân dân tỉnh giao Sở Xây dựng chủ trì rà soát, báo cáo trước ngày 15/12/2025.")
    assert task.lead == "Sở Xây dựng"


def test_a_project_board_named_by_its_work_keeps_its_whole_name() -> None:
    [task] = tasks_in("Giao Ban Quản lý dự án đầu tư xây dựng tỉnh phối hợp với UBND xã Tân Phú hoàn thành giải phóng "
                      "mặt bằng trước ngày 30/12/2025.")
    assert (task.lead, task.coordinate) == ("Ban Quản lý dự án đầu tư xây dựng tỉnh", ("UBND xã Tân Phú",))


def test_the_fields_of_a_tasks_description_name_its_lead() -> None:
    body = ("II. NỘI DUNG\n"
            "7. Xây dựng Quyết định ban hành Chương trình quốc gia về bảo vệ dữ liệu cá nhân\n"
            "- Cơ quan chủ trì: Bộ Công an.\n"
            "- Cơ quan phối hợp: Văn phòng Chính phủ và các cơ quan có liên quan.\n"
            "- Thời hạn ban hành: trước ngày 31 tháng 12 năm 2026.")
    [task] = obligations_in(body)
    assert task.lead == "Bộ Công an"
    # the coordinate field is the next line's as well: the task has both
    assert task.coordinate == ("Văn phòng Chính phủ", "các cơ quan có liên quan")


def test_a_coordinate_field_keeps_the_units_after_an_aside_and_stops_at_the_next_item() -> None:
    body = ("II. NỘI DUNG\n"
            "2. Tổ chức tập huấn\n"
            "- Cơ quan chủ trì: Sở Nội vụ.\n"
            "- Cơ quan phối hợp: Trung tâm Dịch vụ việc làm Thành phố (Sở Nội vụ), Ủy ban nhân dân xã, phường và các cơ "
            "quan, đơn vị có liên quan.\n"
            "- Thời gian thực hiện: trước ngày 30 tháng 6 năm 2026.\n"
            "3. Rà soát văn bản\n"
            "- Cơ quan thực hiện: Sở Tư pháp.\n"
            "- Thời gian thực hiện: trước ngày 31 tháng 12 năm 2026.")
    first, second = obligations_in(body)
    assert first.coordinate == ("Trung tâm Dịch vụ việc làm Thành phố (Sở Nội vụ)", "Ủy ban nhân dân xã, phường",
                                "các cơ quan, đơn vị có liên quan")
    assert (second.lead, second.coordinate) == ("Sở Tư pháp", ())


@pytest.mark.parametrize(("helpers_clause", "coordinate"), [
    pytest.param("Sở Tư pháp và các sở, ban, ngành Thành phố phối hợp thực hiện.",
                 ("Sở Tư pháp", "các sở, ban, ngành Thành phố"), id="helpers-named-by-their-role"),
    pytest.param("Sở Tư pháp và Ủy ban nhân dân xã, phường, đặc khu chủ động tổ chức triển khai Luật Việc làm.",
                 ("Sở Tư pháp", "Ủy ban nhân dân xã, phường, đặc khu"), id="helpers-named-by-their-own-work"),
])
def test_a_field_of_those_who_carry_it_out_leads_with_the_unit_that_chairs_the_others_help(
        helpers_clause: str, coordinate: tuple[str, ...]) -> None:
    body = ("II. NỘI DUNG\n"
            "1. Phổ biến, giáo dục Luật Việc làm\n"
            "- Cơ quan thực hiện: Sở Nội vụ chủ trì tham mưu Ủy ban nhân dân Thành phố ban hành Kế hoạch; "
            f"{helpers_clause}\n"
            "- Thời gian thực hiện: trước ngày 31 tháng 12 năm 2026.")
    [task] = obligations_in(body)
    assert (task.lead, task.coordinate) == ("Sở Nội vụ", coordinate)


def test_the_steps_of_a_procedures_level_are_the_unit_its_brackets_name() -> None:
    body = ("a) Trình tự thực hiện\n"
            "- Cấp xã (Ủy ban nhân dân cấp xã):\n"
            "Bước 1: Căn cứ các tiêu chí để xác định thôn, xã vùng đồng bào dân tộc thiểu số;\n"
            "Bước 3: Lập báo cáo kết quả gửi Ủy ban nhân dân tỉnh trong thời hạn 25 ngày làm việc kể từ ngày nhận văn bản.\n"
            "- Cấp tỉnh (Ủy ban nhân dân tỉnh): Bước 1: Chỉ đạo tổ chức rà soát, thẩm định kết quả;\n"
            "Bước 4: Lập báo cáo kết quả gửi Bộ Dân tộc và Tôn giáo trong thời hạn 45 ngày làm việc kể từ ngày nhận báo cáo.")
    tasks = [o for o in obligations_in(body) if o.is_task]
    assert [task.lead for task in tasks] == ["Ủy ban nhân dân cấp xã", "Ủy ban nhân dân tỉnh"]


def test_a_heading_names_its_units_without_the_work_they_are_responsible_in() -> None:
    body = ("Điều 15. Trách nhiệm của các cơ quan, đơn vị trong quản lý, sử dụng Hệ thống thư điện tử công vụ\n"
            "3. Thực hiện báo cáo năm (trước ngày 20/12 hàng năm) về Sở Khoa học và Công nghệ để tổng hợp.")
    [task] = [o for o in obligations_in(body) if o.is_task]
    assert task.lead == "các cơ quan, đơn vị"


def test_a_unit_named_short_is_the_unit_its_heading_names_in_full() -> None:
    body = ("Điều 8. Hội đồng Thi đua - Khen thưởng tỉnh\n"
            "4. Hoạt động của Hội đồng Thi đua - Khen thưởng tỉnh:\n"
            "b) Hội đồng họp định kỳ 06 tháng một lần để đánh giá công tác của Hội đồng.")
    [task] = [o for o in obligations_in(body) if o.is_task]
    assert task.lead == "Hội đồng Thi đua - Khen thưởng tỉnh"


def test_a_field_of_those_who_carry_it_out_names_the_unit_up_to_its_verb() -> None:
    body = ("II. NỘI DUNG\n"
            "4. Rà soát văn bản quy phạm pháp luật\n"
            "- Cơ quan thực hiện: Bộ Công an tiến hành rà soát các văn bản quy phạm pháp luật có liên quan.\n"
            "- Thời gian thực hiện: trước ngày 31 tháng 12 năm 2026.")
    [task] = obligations_in(body)
    assert task.lead == "Bộ Công an"


def test_a_unit_whose_verb_comes_before_the_colon_is_named_up_to_its_verb() -> None:
    body = ("3. Trình tự lập kế hoạch\n"
            "+ Cơ quan quản lý nhà ở cấp tỉnh lập tờ trình gửi Ủy ban nhân dân cấp tỉnh xem xét phê duyệt bao gồm "
            "các nội dung: đề cương chi tiết, dự toán kinh phí.\n"
            "+ Đối với kế hoạch 05 năm thì trong thời hạn tối đa 15 ngày, kể từ ngày Ủy ban nhân dân cấp tỉnh phê "
            "duyệt chương trình, cơ quan quản lý nhà ở cấp tỉnh phải lập báo cáo gửi Ủy ban nhân dân cấp tỉnh.")
    [task] = [o for o in obligations_in(body) if o.is_task]
    # the line names its unit itself, after its case («Đối với kế hoạch 05 năm thì …, cơ quan … phải lập …»)
    assert task.lead == "cơ quan quản lý nhà ở cấp tỉnh"


def test_consulting_and_publishing_end_the_units_name() -> None:
    [task] = tasks_in("d) Trong thời hạn 03 ngày kể từ ngày có Biên bản thẩm định, Cục Bảo tồn thiên nhiên và Đa dạng "
                      "sinh học lấy ý kiến các cơ quan chuyên môn của Bộ Nông nghiệp và Môi trường bằng văn bản.")
    assert task.lead == "Cục Bảo tồn thiên nhiên và Đa dạng sinh học"
    [task] = tasks_in("Cơ quan chuyên môn về văn hóa cấp tỉnh đăng tải thông tin Chứng chỉ được cấp trên cổng thông tin "
                      "điện tử trong thời hạn 05 ngày làm việc kể từ ngày cấp.")
    assert task.lead == "Cơ quan chuyên môn về văn hóa cấp tỉnh"
    # the consulted bodies' answer is a rule of the consultation (bench/data/task_labels.md), not their task
    assert tasks_in("Trong thời hạn tối đa 10 ngày, kể từ ngày nhận được văn bản lấy ý kiến của Sở Xây dựng, các "
                    "cơ quan, tổ chức được lấy ý kiến phải gửi văn bản góp ý.") == []


def test_a_line_that_addresses_a_minister_as_comrade_names_the_minister() -> None:
    [task] = tasks_in("(2) Đồng chí Bộ trưởng Bộ Y tế, Thứ trưởng Bộ Y tế phụ trách lĩnh vực tiếp tục bám sát tình hình "
                      "thực tế, chỉ đạo hoàn thành các công trình trước ngày 31/12/2025.")
    assert task.lead == "Bộ trưởng Bộ Y tế, Thứ trưởng Bộ Y tế phụ trách lĩnh vực"


def test_a_heading_of_the_duties_given_to_a_unit_names_it() -> None:
    [task] = tasks_in("a) Rà soát, hoàn thiện cơ sở dữ liệu ngành, hoàn thành trước ngày 31/12/2025.",
                      "III. NHIỆM VỤ CỤ THỂ > 3. Nhiệm vụ giao Sở Y tế")
    assert task.lead == "Sở Y tế"
    [task] = tasks_in("a) Xây dựng phương án cung cấp điện, hoàn thành trước ngày 31/12/2025.",
                      "PHỤ LỤC II > Nhiệm vụ giao Tổng Giám đốc Tập đoàn Điện lực Việt Nam (EVN) chỉ đạo")
    assert task.lead == "Tổng Giám đốc Tập đoàn Điện lực Việt Nam"


def test_a_time_between_two_units_leaves_the_lead_to_the_second() -> None:
    [task] = tasks_in("- Trên cơ sở kết quả thẩm định của Ủy ban nhân dân các xã, trong 10 ngày làm việc, Sở Công "
                      "Thương chủ trì, phối hợp với Sở Tài chính trình phê duyệt kinh phí.")
    assert (task.lead, task.coordinate) == ("Sở Công Thương", ("Sở Tài chính",))
    # units a comma lists still lead together
    [task] = tasks_in("Sở Y tế, Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan hoàn thành trước ngày "
                      "30/12/2025.")
    assert task.lead == "Sở Y tế, Sở Tài chính"


def test_whom_a_periodic_report_goes_to_does_not_lead_it() -> None:
    [task] = tasks_in("Định kỳ hằng năm báo cáo Ủy ban nhân dân tỉnh, Bộ Công Thương về kết quả kiểm tra an toàn "
                      "điện trên địa bàn.", "Chương III > Điều 9. Trách nhiệm của Sở Công Thương")
    assert task.lead == "Sở Công Thương"


def test_a_line_that_goes_on_after_a_semicolon_keeps_the_unit_of_the_line_above() -> None:
    body = ("Điều 22. Điều khoản thi hành\n"
            "1. Sở Tài chính làm đầu mối, tham mưu Ủy ban nhân dân tỉnh tổ chức thực hiện Quy định này;\n"
            "hằng năm tổng hợp kết quả thực hiện, báo cáo Ủy ban nhân dân tỉnh trước ngày 31 tháng 01 của năm tiếp theo.\n"
            "2. Các sở, ban, ngành trong phạm vi chức năng, nhiệm vụ được giao tổ chức thực hiện Quy định này.")
    tasks = [o for o in obligations_in(body) if o.is_task]
    assert [(t.lead, t.recurrence) for t in tasks] == [("Sở Tài chính", "yearly")]


def test_taking_in_comments_ends_the_units_name() -> None:
    [task] = tasks_in("+ Cơ quan quản lý nhà ở tiếp thu, giải trình, hoàn thiện Đề án trong thời hạn 15 ngày để trình "
                      "cơ quan đại diện chủ sở hữu xem xét.")
    assert task.lead == "Cơ quan quản lý nhà ở"


def test_working_together_with_names_the_coordinating_units() -> None:
    [task] = tasks_in("Sở Xây dựng phối hợp cùng với Sở Tài chính, Công an tỉnh rà soát hồ sơ trước ngày 15/12/2025.")
    assert (task.lead, task.coordinate) == ("Sở Xây dựng", ("Sở Tài chính", "Công an tỉnh"))
    [task] = tasks_in("+ Trong thời hạn tối đa 30 ngày, kể từ ngày ký, cơ quan quản lý nhà ở cấp tỉnh phối hợp cùng "
                      "đơn vị tư vấn (nếu có) hoàn thiện dự thảo kế hoạch.")
    assert task.coordinate == ("đơn vị tư vấn (nếu có)",)


def test_a_heading_that_gives_a_unit_its_duties_names_that_unit() -> None:
    [task] = tasks_in("Báo cáo định kỳ hằng quý về công tác giám sát trước Hội đồng quản lý.",
                      "Chương III > Điều 9. Hội đồng quản lý Quỹ Phát triển đất > 3. Ban Kiểm soát có các nhiệm vụ và "
                      "quyền hạn sau:")
    assert task.lead == "Ban Kiểm soát"


def test_a_footnote_mark_an_aside_after_a_comma_and_more_verbs_do_not_hide_or_lengthen_the_lead() -> None:
    [task] = tasks_in("a) [3] Trung tâm Hành động bom mìn quốc gia Việt Nam (VNMAC) chịu trách nhiệm lập kế hoạch, trình "
                      "Bộ Quốc phòng trước ngày 15/12/2025.")
    assert task.lead == "Trung tâm Hành động bom mìn quốc gia Việt Nam"
    [task] = tasks_in("Bước 1: Ủy ban nhân dân các xã, phường, (sau đây gọi chung là Ủy ban nhân dân cấp xã) tổ chức rà "
                      "soát số liệu trong thời hạn 10 ngày làm việc kể từ ngày nhận được văn bản.")
    assert task.lead == "Ủy ban nhân dân các xã, phường"
    [task] = tasks_in("Trong vòng 07 ngày làm việc kể từ ngày nhận được ý kiến thẩm định, Cục Tài chính hoàn chỉnh hồ sơ.")
    assert task.lead == "Cục Tài chính"
    [task] = tasks_in("- Trong thời hạn 10 ngày kể từ ngày nhận được hồ sơ, Giám đốc Sở Tư pháp giúp Chủ tịch Ủy ban nhân "
                      "dân tỉnh cấp thẻ.")
    assert task.lead == "Giám đốc Sở Tư pháp"


def test_a_body_named_by_its_work_keeps_that_work_in_its_name() -> None:
    # (its appraisal itself is a consulted body's step, a rule: the council's other steps are its tasks)
    [task] = tasks_in("Trong thời hạn 05 ngày làm việc kể từ ngày họp, Hội đồng thẩm định cấp tỉnh gửi biên bản họp "
                      "về Sở Văn hóa, Thể thao và Du lịch.")
    assert task.lead == "Hội đồng thẩm định cấp tỉnh"
    [task] = tasks_in("Trong thời hạn 03 ngày làm việc kể từ ngày nhận được ý kiến của Hội đồng, cơ quan tham mưu, quản lý "
                      "nhà nước về di sản văn hóa ở trung ương tổng hợp ý kiến, báo cáo Bộ trưởng.")
    assert task.lead == "cơ quan tham mưu, quản lý nhà nước về di sản văn hóa ở trung ương"


def test_the_provinces_tax_offices_asked_as_a_class_lead() -> None:
    [task] = tasks_in("Để bảo đảm việc thu lệ phí trước bạ từ ngày 01/01/2026, đề nghị các Thuế tỉnh, thành phố khẩn "
                      "trương báo cáo, tham mưu UBND tỉnh chủ động phân công các đơn vị trực thuộc xây dựng và trình UBND "
                      "tỉnh ban hành Bảng giá tính lệ phí trước bạ ô tô, xe máy mới áp dụng cho địa phương từ ngày "
                      "01/01/2026, làm căn cứ điều chỉnh, bổ sung định kỳ theo đúng quy định pháp luật.")
    assert task.lead == "các Thuế tỉnh, thành phố"


def test_a_verb_written_with_a_capital_after_the_unit_is_not_part_of_its_name() -> None:
    [task] = tasks_in("- Trong thời hạn 03 ngày làm việc, kể từ ngày hồ sơ được xét duyệt và không có khiếu nại, Chủ tịch Ủy "
                      "ban nhân dân xã/phường Quyết định hỗ trợ trợ cấp xã hội hằng tháng cho đối tượng;")
    assert task.lead == "Chủ tịch Ủy ban nhân dân xã/phường"


def test_a_step_table_written_line_by_line_gives_the_step_the_unit_on_the_line_after_its_work() -> None:
    body = ("PHỤ LỤC II. QUY TRÌNH NỘI BỘ\n"
            "1. Quy trình nội bộ giải quyết thủ tục cấp giấy chứng nhận\n"
            "Thứ tự công việc | Nội dung công việc | Trách nhiệm thực hiện | Thời gian thực hiện\n"
            "Bước 1\n"
            "Kiểm tra, xem xét tính chính xác, đầy đủ của hồ sơ, lập phiếu tiếp nhận và hẹn trả kết quả;\n"
            "chuyển hồ sơ giấy đến cơ quan có thẩm quyền để giải quyết trong không quá 01 ngày làm việc kể từ "
            "khi tiếp nhận hồ sơ.\n"
            "Bộ phận tiếp nhận và trả kết quả Sở Y tế tại TTPVHCC tỉnh; TTPVHCC các xã, phường. | 0,5 ngày làm việc\n"
            "Bước 2 | Phân công thụ lý hồ sơ | Lãnh đạo Phòng Bảo trợ xã hội | 0,5 ngày làm việc\n")
    tasks = [o for o in obligations_in(body)
             if o.is_task and "chuyển hồ sơ giấy" in o.quote]
    assert [task.lead for task in tasks] == ["Bộ phận tiếp nhận và trả kết quả Sở Y tế tại TTPVHCC tỉnh"]


def test_a_line_after_a_step_marker_without_a_table_header_is_not_given_the_next_lines_unit() -> None:
    body = ("Điều 5. Trình tự thực hiện\n"
            "Bước 1\n"
            "chuyển hồ sơ đến cơ quan có thẩm quyền trong không quá 01 ngày làm việc kể từ khi tiếp nhận hồ sơ.\n"
            "Sở Y tế tổng hợp kết quả.\n")
    tasks = [o for o in obligations_in(body)
             if "chuyển hồ sơ" in o.quote]
    assert all(o.lead != "Sở Y tế tổng hợp kết quả" for o in tasks)


def test_a_line_of_work_that_starts_with_a_unit_is_not_the_steps_unit() -> None:
    body = ("PHỤ LỤC. QUY TRÌNH NỘI BỘ\n"
            "Bước | Nội dung công việc | Trách nhiệm thực hiện | Thời gian\n"
            "Bước 4\n"
            "Xem xét, ký duyệt Báo cáo thẩm định trong không quá 02 ngày làm việc kể từ khi nhận được dự thảo;\n"
            "Sở Tài chính trình UBND tỉnh xem xét, quyết định phê duyệt dự án.\n"
            "Lãnh đạo Sở được phân công\n")
    tasks = [o for o in obligations_in(body)
             if o.is_task and "ký duyệt" in o.quote]
    assert [task.lead for task in tasks] == ["Lãnh đạo Sở được phân công"]


def test_a_land_registration_office_keeps_the_verb_its_name_holds() -> None:
    [task] = tasks_in("Văn phòng đăng ký đất đai gửi thông tin địa chính đến cơ quan thuế trong thời hạn 02 ngày làm việc "
                      "kể từ ngày nhận đủ hồ sơ.")
    assert task.lead == "Văn phòng đăng ký đất đai"
    [task] = tasks_in("Văn phòng Đăng ký đất đai Hà Nội cập nhật biến động vào cơ sở dữ liệu trước ngày 15/12/2025.")
    assert task.lead == "Văn phòng Đăng ký đất đai Hà Nội"
    # a unit that registers something still ends its name before the verb
    [task] = tasks_in("Sở Tài chính đăng ký kế hoạch vốn với Bộ Tài chính trước ngày 15/12/2025.")
    assert task.lead == "Sở Tài chính"


def _leads(body: str, words: str) -> list[str | None]:
    return [o.lead for o in obligations_in(body)
            if o.is_task and words in o.quote]


def test_an_article_whose_title_stands_on_the_next_line_gives_its_unit() -> None:
    body = ("Chương V. TỔ CHỨC THỰC HIỆN\n"
            "Điều 19.\n"
            "Trách nhiệm của Ủy ban nhân dân cấp xã\n"
            "1. Định kỳ trước ngày 31 tháng 12 hằng năm gửi Ủy ban nhân dân tỉnh báo cáo kết quả triển khai thực hiện.\n")
    assert _leads(body, "Định kỳ") == ["Ủy ban nhân dân cấp xã"]


@pytest.mark.parametrize(("sentence", "lead"), [
    ("Ban Chỉ đạo định kỳ hoặc đột xuất tổ chức kiểm tra tình hình thực hiện nhiệm vụ, báo cáo trước ngày 15/12/2025.",
     "Ban Chỉ đạo"),
    ("Sở Y tế thường xuyên kiểm tra, báo cáo Ủy ban nhân dân tỉnh trước ngày 20/12/2025.", "Sở Y tế"),
])
def test_an_adverb_of_how_often_ends_the_units_name(sentence: str, lead: str) -> None:
    assert _leads("IV. TỔ CHỨC THỰC HIỆN\n1. " + sentence + "\n", "trước ngày") == [lead]


def test_a_line_about_a_unit_is_that_units_unless_it_names_another() -> None:
    body = ("Điều 6. Thời gian nộp hồ sơ\n"
            "3. Đối với ngành Giáo dục và Đào tạo: Căn cứ thời gian kết thúc năm học, gửi hồ sơ đề nghị khen thưởng "
            "đến Sở Nội vụ trước ngày 10/7/2026.\n"
            "4. Đối với khen thưởng đột xuất: Sở Y tế gửi hồ sơ trước ngày 20/7/2026.\n")
    assert _leads(body, "Căn cứ") == ["ngành Giáo dục và Đào tạo"]
    assert _leads(body, "đột xuất") == ["Sở Y tế"]


def test_an_articles_lead_in_gives_its_unit_to_the_items_it_introduces() -> None:
    body = ("Điều 2.\n"
            "Nhiệm vụ, quyền hạn\n"
            "Trung tâm Bảo tồn Di sản Văn hóa thế giới Hội An thực hiện nhiệm vụ, quyền hạn theo quy định của pháp "
            "luật, cụ thể như sau:\n"
            "1. Tham mưu và tổ chức giám sát định kỳ tình trạng bảo tồn yếu tố gốc của di sản.\n"
            "2. Thực hiện chế độ báo cáo định kỳ và đột xuất về tình hình thực hiện nhiệm vụ được giao.\n")
    assert _leads(body, "định kỳ") == ["Trung tâm Bảo tồn Di sản Văn hóa thế giới Hội An"] * 2
    # a lead-in that names no body gives none: «Các nội dung sau:»
    assert _leads(body.replace("Trung tâm Bảo tồn Di sản Văn hóa thế giới Hội An thực hiện", "Thực hiện"),
                  "định kỳ") == []


def test_a_heading_the_section_path_cuts_short_gives_its_whole_unit() -> None:
    body = ("Điều 14. Trách nhiệm các phòng, ban, đơn vị thuộc Ủy ban nhân dân cấp xã trong giải quyết kiến nghị cử tri\n"
            "7. Thực hiện nghiêm túc việc gửi, công khai kết quả giải quyết kiến nghị cử tri, cụ thể như sau:\n"
            "a) Trong thời hạn 02 ngày làm việc, kể từ ngày có kết quả giải quyết phải gửi kết quả đến Văn phòng HĐND - UBND cấp xã.\n")
    assert _leads(body, "Trong thời hạn") == [
        "các phòng, ban, đơn vị thuộc Ủy ban nhân dân cấp xã trong giải quyết kiến nghị cử tri"]


def test_a_bare_item_number_takes_its_unit_from_the_next_line() -> None:
    body = ("IV. NHIỆM VỤ CỤ THỂ\n"
            "1.\n"
            "Sở Nông nghiệp và Môi trường\n"
            "- Chủ trì, theo dõi, kiểm tra, đôn đốc việc thực hiện các nhiệm vụ đã đề ra của Kế hoạch này. Định kỳ hàng "
            "năm, tổng hợp, báo cáo kết quả thực hiện Kế hoạch này về Bộ Nông nghiệp và Môi trường.\n")
    assert _leads(body, "Định kỳ") == ["Sở Nông nghiệp và Môi trường"]


def test_an_article_that_lost_its_word_to_the_line_before_gives_its_unit() -> None:
    body = ("Điều 9. Trách nhiệm của Ủy ban nhân dân cấp xã\n"
            "1. Tuyên truyền, phổ biến các quy định về an toàn điện.\n"
            "Điều\n"
            "10. Trách nhiệm của các đơn vị điện lực\n"
            "1. Thực hiện chế độ báo cáo về an toàn điện trước ngày 15 tháng 12 hằng năm.\n")
    assert _leads(body, "chế độ báo cáo") == ["các đơn vị điện lực"]


def test_a_line_under_an_item_that_opens_with_its_unit_is_that_units() -> None:
    body = ("IV. TỔ CHỨC THỰC HIỆN\n"
            "1. Các cơ quan, đơn vị, địa phương xây dựng Kế hoạch triển khai thực hiện xong trong tháng 12/2025.\n"
            "Định kỳ báo cáo UBND tỉnh (qua Sở Tư pháp) kết quả thực hiện Kế hoạch hằng năm (trước ngày 15 tháng 11).\n"
            "2. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.\n")
    assert _leads(body, "Định kỳ") == ["Các cơ quan, đơn vị, địa phương"]


def test_a_heading_that_names_a_party_of_a_contract_gives_no_unit() -> None:
    body = ("Chương V. TỔ CHỨC THỰC HIỆN\n"
            "Điều 16.\n"
            "Trách nhiệm của Bên bán điện\n"
            "4. Phối hợp với bên mua điện tính toán phương án thanh toán hằng năm theo quy định tại Thông tư này.\n")
    assert _leads(body, "Phối hợp") == []


def test_units_a_semicolon_lists_keep_a_class_in_lower_case() -> None:
    [task] = tasks_in("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội; các sở, ban, ngành; Ủy ban nhân dân các xã, "
                      "phường gửi hồ sơ về Ủy ban nhân dân thành phố Hà Nội qua Sở Nội vụ trước ngày 31 tháng 3 hằng năm.")
    assert task.lead == ("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội; các sở, ban, ngành; "
                         "Ủy ban nhân dân các xã, phường")


def test_cases_are_no_unit() -> None:
    body = ("Điều 7. Tạm khóa hộp thư điện tử công vụ\n"
            "3. Các trường hợp hộp thư điện tử công vụ bị tạm khóa:\n"
            "d) Không thay đổi mật khẩu mặc định lần đầu trong vòng 05 ngày kể từ thời điểm thông báo cấp phát.\n")
    assert _leads(body, "mật khẩu") == []


def test_a_social_protection_facility_is_a_body_not_an_applicant() -> None:
    # «Cơ sở trợ giúp xã hội» in a step table is the public facility that takes the step, not an applicant
    # establishment named by its role
    section = "PHỤ LỤC 2 > II. QUY TRÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CẤP TỈNH, XÃ > 15."
    found = [o for o in sentence_obligations(
        "Bước 3 | Bảo đảm an toàn và chữa trị những tổn thương về thân thể hoặc tinh thần cho đối tượng kịp thời; đối "
        "với trẻ em bị bỏ rơi, thông báo trên các phương tiện thông tin đại chúng trong thời hạn 25 ngày làm việc. | "
        "Cơ sở trợ giúp xã hội.", date(2025, 11, 20), section) if o.is_task]
    assert [o.lead for o in found] == ["Cơ sở trợ giúp xã hội"]


@pytest.mark.parametrize(("sentence", "lead"), [
    pytest.param("Sở Công Thương có nhiệm vụ phối hợp với các đơn vị điện lực kiểm tra an toàn điện, báo cáo trước ngày "
                 "30/01/2026.", "Sở Công Thương", id="has-the-duty"),
    pytest.param("Ủy ban nhân dân cấp xã tùy thuộc vào tình hình thực tiễn tại địa phương lựa chọn cơ sở xử lý chất thải "
                 "trước ngày 31/12/2025.", "Ủy ban nhân dân cấp xã", id="depending-on"),
])
def test_a_units_name_ends_before_what_it_is_said_to_have_or_depend_on(sentence: str, lead: str) -> None:
    [task] = tasks_in(sentence)
    assert task.lead == lead


@pytest.mark.parametrize(("sentence", "lead", "anchor"), [
    pytest.param("- Trong thời hạn 03 ngày làm việc, kể từ ngày nhận được hồ sơ Sở Khoa học và Công nghệ kiểm tra tính đầy "
                 "đủ và hợp lệ của hồ sơ.", "Sở Khoa học và Công nghệ", "ngày nhận được hồ sơ", id="after-the-dossier"),
    pytest.param("Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ Ủy ban nhân dân cấp xã thẩm định và trình "
                 "Ủy ban nhân dân tỉnh.", "Ủy ban nhân dân cấp xã", "ngày nhận đủ hồ sơ hợp lệ", id="after-a-valid-dossier"),
    pytest.param("Trong thời hạn 07 ngày làm việc kể từ ngày nhận được văn bản đề nghị của Bộ Văn hóa, Thể thao và Du lịch, "
                 "Cục Di sản văn hóa tổ chức thẩm định hồ sơ.", "Cục Di sản văn hóa",
                 "ngày nhận được văn bản đề nghị của Bộ Văn hóa", id="a-unit-the-anchor-names-stays-in-it"),
])
def test_a_step_whose_unit_follows_the_time_limit_without_a_comma_is_that_units(sentence: str, lead: str,
                                                                                 anchor: str) -> None:
    [task] = tasks_in(sentence, "1. Trình tự thực hiện")
    assert (task.lead, task.deadline.anchor) == (lead, anchor)


def test_the_dashes_under_an_item_its_unit_chairs_are_that_units_with_its_helpers() -> None:
    body = ("II. CÁC NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM\n"
            "6. Các bộ, cơ quan, địa phương theo chức năng, thẩm quyền được giao tiếp tục triển khai các giải pháp.\n"
            "a) Bộ Tài chính chủ trì, phối hợp với các bộ, cơ quan, địa phương:\n"
            "- Tổng hợp tình hình thiệt hại, báo cáo Thủ tướng Chính phủ;\n"
            "- Đánh giá ảnh hưởng của thiên tai đến tăng trưởng, báo cáo Thủ tướng Chính phủ trước ngày 15/12/2025.")
    [task] = obligations_in(body)
    assert (task.lead, task.coordinate) == ("Bộ Tài chính", ("các bộ, cơ quan, địa phương",))


def test_work_that_starts_in_a_year_and_goes_on_is_due_by_that_years_end_with_no_period() -> None:
    body = ("II. NỘI DUNG\n"
            "1. Phổ biến, giáo dục Luật Việc làm\n"
            "- Cơ quan chủ trì: Sở Nội vụ.\n"
            "- Thời gian thực hiện: Năm 2026 và các năm tiếp theo.")
    [task] = obligations_in(body)
    assert (task.lead, task.deadline.due, task.recurrence) == ("Sở Nội vụ", date(2026, 12, 31), None)


def test_a_step_that_opens_with_its_number_and_unit_gives_its_work_that_unit() -> None:
    body = ("Điều 46. Giao đất, cho thuê đất\n"
            "- Trình tự thực hiện\n"
            "TT | Cơ quan, bộ phận, người thực hiện | Nội dung công việc | Thời gian\n"
            "1 | Trung tâm Phục vụ hành chính công | Tiếp nhận hồ sơ, chuyển hồ sơ. | 0,5 ngày\n"
            "2 | Văn phòng ĐKĐĐ hoặc Chi nhánh Văn phòng ĐKĐĐ\n"
            "- Gửi hồ sơ đến UBND cấp xã nơi có đất.\n"
            "1,5 ngày\n"
            "3 | UBND cấp xã\n"
            "- Kiểm tra hồ sơ.\n"
            "- Niêm yết công khai kết quả kiểm tra tại trụ sở trong thời gian 15 ngày.\n"
            "15 ngày\n")
    tasks = [o for o in obligations_in(body) if o.is_task and "Niêm yết" in o.quote]
    assert [task.lead for task in tasks] == ["UBND cấp xã"]


def test_a_numbered_line_without_a_header_of_units_opens_no_step() -> None:
    body = ("Điều 5. Nội dung\n"
            "2 | Sở Y tế\n"
            "- Niêm yết công khai kết quả kiểm tra tại trụ sở trong thời gian 15 ngày.\n")
    assert all(o.lead != "Sở Y tế" for o in obligations_in(body))


def test_the_unit_after_a_case_opened_with_doi_voi_leads() -> None:
    [task] = tasks_in("4. Đối với trường hợp yêu cầu cấp lại mật khẩu, Sở Khoa học và Công nghệ thực hiện kiểm tra "
                      "thông tin trong vòng không quá 02 giờ kể từ khi tiếp nhận thông tin.")
    assert task.lead == "Sở Khoa học và Công nghệ"


def test_a_units_name_ends_before_its_footnote_mark_and_the_words_its_sentence_goes_on_with() -> None:
    [task] = tasks_in("Bộ Nội vụ[6] chịu trách nhiệm chỉ đạo tiếp nhận, quản lý và chi trả chế độ trợ cấp, báo cáo "
                      "Thủ tướng Chính phủ trước ngày 15/12/2025.")
    assert task.lead == "Bộ Nội vụ"
    [task] = tasks_in("Thủ trưởng các sở, ban, ngành tỉnh, Chủ tịch Ủy ban nhân dân các xã, phường và các đơn vị liên "
                      "quan định kỳ trước ngày 15/12 hằng năm báo cáo kết quả thực hiện Quy chế.", "Điều 10 > 2.")
    assert not task.lead or not task.lead.endswith((" và các", " và"))
    # a condition in brackets keeps its words: «(nếu có)»
    [task] = tasks_in("Cơ quan quản lý nhà ở cấp tỉnh chủ trì, phối hợp với đơn vị tư vấn (nếu có) hoàn thiện hồ sơ, "
                      "báo cáo trước ngày 15/12/2025.")
    assert all("(nếu)" not in unit for unit in task.coordinate)
