"""Whose document: central bodies, whose documents answer for no province they do not name."""
from __future__ import annotations

import pytest

from bot.retrieval.issuers import (asked_district, asked_ministries, is_national, mentioned_places, ministries,
                                   ministry_name, named_units, owning_ministries, places, without_places)


@pytest.mark.parametrize(("issuer", "number"), [
    ("Ban chỉ đạo nhà nước về du lịch", "170/QĐ-BCĐNNDL"),
    (None, "3621/QĐ-BYT"),
    (None, "224/CĐ-TTg"),
    ("Bộ Y tế", None),
])
def test_central_bodies_by_name_or_by_the_code_of_their_number(issuer: str | None, number: str | None) -> None:
    assert is_national(issuer, number)


@pytest.mark.parametrize(("issuer", "number"), [
    ("Ủy ban nhân dân tỉnh Nghệ An", "3621/QĐ-BYT"),  # the issuer's name decides when it is known
    ("Ban Chỉ đạo phát triển du lịch tỉnh Quảng Ninh", None),
    (None, "12/KH-UBND"),
    (None, None),
])
def test_provincial_or_unknown_issuers_are_not_central(issuer: str | None, number: str | None) -> None:
    assert not is_national(issuer, number)


@pytest.mark.parametrize(("question", "place"), [
    ("kế hoạch của Nha Trang về du lịch", "khanh hoa"), ("da lat han nop bao cao", "lam dong"),
    ("Hạ Long tổ chức kiểm tra khi nào", "quang ninh"), ("Buôn Ma Thuột", "dak lak"),
    ("tỉnh Bắc Cạn", "bac kan"), ("TP Thủ Đức", "ho chi minh"),
])
def test_a_city_or_a_variant_spelling_names_its_province(question: str, place: str) -> None:
    assert places(question) == {place}


@pytest.mark.parametrize("question, units", [
    ("Nghệ An bãi bỏ quyết định quy định chức năng, nhiệm vụ của Sở Ngoại vụ chưa?", {"ngoai vu": "Sở Ngoại vụ"}),
    ("so nong nghiep va moi truong tong hop bao cao truoc ngay nao",
     {"nong nghiep va moi truong": "so nong nghiep va moi truong"}),
    ("Bộ Tài chính hướng dẫn gì về phí karaoke?", {"tai chinh": "Bộ Tài chính"}),
    ("hạn nộp báo cáo quý 4 là khi nào?", {}),
])
def test_the_units_a_question_is_about_are_named_as_typed(question: str, units: dict[str, str]) -> None:
    assert named_units(question) == units


@pytest.mark.parametrize(("question", "place"), [
    ("Thái Bình quy định giờ làm việc mùa hè thế nào?", "thai binh"),
    ("phí tham quan Đại Nội Huế bao nhiêu", "hue"), ("phi tham quan dai noi hue bao nhieu", "hue"),
    ("Long An hỗ trợ bao nhiêu tiền", "long an"), ("hn hỗ trợ giáo viên mầm non bao nhiêu", "ha noi"),
    ("Vũng Tàu thu phí tham quan bao nhiêu", "ba ria vung tau"), ("quy nhon ho tro bao nhieu", "binh dinh"),
    ("Sở GD&ĐT TT-Huế báo cáo khi nào", "hue"),
    # typed with marks, «cơ quan» is no «quận» and «cho» no «chợ»
    ("các cơ quan Thái Bình nộp báo cáo khi nào", "thai binh"), ("hỗ trợ cho Thái Bình bao nhiêu", "thai binh"),
    # written joined, as in web addresses and English
    ("Hanoi quy định giờ làm việc thế nào", "ha noi"),
])
def test_a_name_typed_as_a_name_a_city_of_a_merged_province_or_a_short_form_names_a_place(
        question: str, place: str) -> None:
    assert places(question) == {place}
    assert place.split()[-1] not in without_places(question).split()


@pytest.mark.parametrize("question", ["Hòa bình và phát triển bền vững là mục tiêu gì?",
                                      "xã Hòa Bình tổ chức lễ hội khi nào", "hoa binh the gioi",
                                      "ngày hội an toàn giao thông", "lao động hội nhập quốc tế",
                                      "phía đông Hà Nội", "trẻ vị thành niên"])
def test_ordinary_words_and_communes_are_no_province(question: str) -> None:
    assert places(question) <= {"ha noi"}


@pytest.mark.parametrize(("question", "ministry"), [
    ("Quy chế của Bộ GD&ĐT về thi tốt nghiệp: điểm liệt là bao nhiêu?", "giao duc va dao tao"),
    ("cong van cua bo gddt ve hoc phi", "giao duc va dao tao"),
    ("kế hoạch của Bộ Giáo dục về năm học mới", "giao duc va dao tao"),
    ("hướng dẫn của BYT về tiêm chủng", "y te"),
    ("thông tư của Bộ Văn hóa, Thể thao và Du lịch về lễ hội", "van hoa the thao va du lich"),
    ("chỉ thị của Bộ LĐTBXH về an toàn lao động", "lao dong thuong binh va xa hoi"),
    ("bo quoc phong quy dinh du lieu anh vien tham phai sao luu may bo", "quoc phong"),
    ("học phí năm nay thì Bộ GD&ĐT hướng dẫn thế nào", "giao duc va dao tao"),
])
def test_a_ministry_asked_as_issuer_in_its_short_forms(question: str, ministry: str) -> None:
    assert asked_ministries(question) == {ministry}


@pytest.mark.parametrize(("question", "agency", "name"), [
    ("Theo văn bản của Ngân hàng Nhà nước, lãi suất cho vay được giảm bao nhiêu?", "ngan hang nha nuoc",
     "Ngân hàng Nhà nước Việt Nam"),
    ("NHNN hướng dẫn thế nào về khoanh nợ", "ngan hang nha nuoc", "Ngân hàng Nhà nước Việt Nam"),
    ("công văn của BHXH Việt Nam về thu bảo hiểm xã hội", "bao hiem xa hoi viet nam", "Bảo hiểm xã hội Việt Nam"),
])
def test_a_central_agency_is_asked_as_issuer_as_a_ministry_is(question: str, agency: str, name: str) -> None:
    assert asked_ministries(question) == {agency}
    assert ministry_name(agency) == name
    assert ministries(name) == {agency}


def test_the_code_that_ends_a_number_is_no_agency_asked() -> None:
    assert asked_ministries("Thông tư 15/2025/TT-NHNN quy định lãi suất cho vay thế nào?") == set()


def test_a_ministry_named_as_recipient_is_not_the_issuer_asked() -> None:
    assert asked_ministries("tỉnh gửi báo cáo cho Bộ KH&CN trước ngày nào") == set()
    assert ministries("Bộ Giáo dục và Đào tạo") == {"giao duc va dao tao"}
    assert ministry_name("y te") == "Bộ Y tế"


@pytest.mark.parametrize(("question", "district"), [
    ("ubnd quan 1 ban hanh noi quy mau cho cac cho the nao", "ubnd quan 1"),
    ("Ủy ban nhân dân huyện Bình Chánh quy định gì về chợ", "Ủy ban nhân dân huyện Bình Chánh"),
    ("UBND huyện ban hành kế hoạch gì", None),  # no district named
    ("quận 1 có bao nhiêu chợ", None),  # a place, not the issuer asked
])
def test_a_district_level_body_asked_as_issuer(question: str, district: str | None) -> None:
    assert asked_district(question) == district



@pytest.mark.parametrize(("question", "owner"), [
    ("Theo văn bản của Ngân hàng Nhà nước, lãi suất được giảm bao nhiêu?", {"ngan hang nha nuoc"}),
    ("cong van so 123 cua bo y te ve tiem chung", {"y te"}),
    ("Thông tư của Bộ GD&ĐT về tuyển sinh năm 2026", {"giao duc va dao tao"}),
    ("kế hoạch của tỉnh theo hướng dẫn của Bộ Nội vụ", set()),  # what the province's plan follows
    ("Bộ Tài chính phải đề xuất thưởng trước ngày nào?", set()),  # the one that acts
    ("dùng bảng giá của Bộ Tài chính đến ngày nào?", set()),  # a table, not a text, of the ministry
])
def test_the_ministry_whose_text_is_asked_about(question: str, owner: set[str]) -> None:
    assert owning_ministries(question) == owner


def test_a_letters_reader_address_is_no_place_it_answers_for() -> None:
    # a central office answering a reader who lives in Hồ Chí Minh does not answer for Hồ Chí Minh
    opening = "Kính gửi: Bà Đặng Phương Hà My\n(Địa chỉ: Hồ Chí Minh; Số ĐT: 0947858709)\nCục Thuế nhận được câu hỏi …"
    assert mentioned_places([opening]) == set()
    assert mentioned_places(["Kính gửi: Thuế Thành phố Hồ Chí Minh"]) == {"ho chi minh"}
