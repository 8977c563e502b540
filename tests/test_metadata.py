"""Metadata helpers: số hiệu, type, dates, issuer casing, closing blocks."""
from __future__ import annotations

from datetime import date

import pytest

from bot.ingestion import metadata as md


@pytest.mark.parametrize("text", ["17/CT-BTTTT", "982/KH-UBND", "86/2025/QĐ-UBND", "11520/VPCP-CN",
                                  "45-CT/TW", "06/QĐ-TTg", "324/QTR-KTr2"])
def test_doc_number_pattern_matches_whole_numbers(text: str) -> None:
    found = md.DOC_NUMBER.search(f"theo văn bản số {text} ngày 1/1/2025")
    assert found and found.group() == text


def test_normalize_doc_number() -> None:
    assert md.normalize_doc_number(" 86 / 2025/qđ-ubnd ") == "86/2025/QĐ-UBND"
    assert md.normalize_doc_number("06/QĐ-TTg") == "06/QĐ-TTG"


@pytest.mark.parametrize(("header", "number"), [
    ("Số: 5348/CT-CS", "5348/CT-CS"),
    ("Số:\n2820/QĐ-UBND", "2820/QĐ-UBND"),
    ("Số 2696/QĐ-UBND", "2696/QĐ-UBND"),
    ("Số: 123 /QĐ-UBND", "123/QĐ-UBND"),
    ("Luật số: 60/2024/QH15", "60/2024/QH15"),
    ("Số: /BC-...", None),
])
def test_number_from_header(header: str, number: str | None) -> None:
    assert md.number_from_header(header) == number


def test_number_from_text_needs_its_type_word() -> None:
    text = "Bộ Thông tin và Truyền thông vừa ban hành Chỉ thị số 17/CT-BTTTT về phát động phong trào"
    assert md.number_from_text(text) == "17/CT-BTTTT"
    assert md.number_from_text("Luật Căn cước 2023 quy định") is None


@pytest.mark.parametrize(("number", "doc_type"), [
    ("17/CT-BTTTT", "chỉ thị"), ("982/KH-UBND", "kế hoạch"), ("86/2025/QĐ-UBND", "quyết định"),
    ("73/2025/NQ-HĐND", "nghị quyết"), ("631/TB-VPCP", "thông báo"), ("224/CĐ-TTg", "công điện"),
    ("45-CT/TW", "chỉ thị"), ("1234/UBND-VX", "công văn"), ("11520/VPCP-CN", "công văn"), (None, None),
])
def test_type_from_number(number: str | None, doc_type: str | None) -> None:
    assert md.type_from_number(number) == doc_type


def test_type_from_heading() -> None:
    assert md.type_from_heading(["KẾ HOẠCH", "Triển khai"]) == "kế hoạch"
    assert md.type_from_heading(["QUYẾT ĐỊNH:"]) == "quyết định"
    assert md.type_from_heading(["Quyết định số 12 về việc"]) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Thành phố Hồ Chí Minh, ngày 19 tháng 11 năm 2025", date(2025, 11, 19)),
    ("Đà Nẵng, ngày 18 tháng 11năm 2025", date(2025, 11, 18)),
    ("Thứ 5, ngày 11/10/2018 | 09:32 AM", date(2018, 10, 11)),
    ("ngày 31/02/2025 rồi ngày 01/03/2025", date(2025, 3, 1)),
    ("ngày    tháng    năm 2025", None),
])
def test_parse_date(text: str, expected: date | None) -> None:
    assert md.parse_date(text) == expected


@pytest.mark.parametrize(("lines", "issuer"), [
    (["ỦY BAN NHÂN", "DÂN", "THÀNH PHỐ HỒ CHÍ MINH"], "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
    (["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"], "Ủy ban nhân dân tỉnh Lai Châu"),
    (["BỘ TÀI CHÍNH", "CỤC THUẾ"], "Cục Thuế"),
    (["BỘ KHOA HỌC VÀ", "CÔNG NGHỆ"], "Bộ Khoa học và Công nghệ"),
    (["VĂN", "PHÒNG CHÍNH PHỦ"], "Văn phòng Chính phủ"),
    (["BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH"], "Bộ Văn hóa, Thể thao và Du lịch"),
    (["BỘ Y TẾ"], "Bộ Y tế"),  # capitals with diacritics only
    # a department keeps its province: a bare «Sở Giáo dục và Đào tạo» is every province's
    (["UBND THÀNH PHỐ HÀ", "NỘI", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "Sở Giáo dục và Đào tạo Thành phố Hà Nội"),
    (["CỤC THUẾ", "THUẾ TỈNH TÂY NINH"], "Thuế tỉnh Tây Ninh"),
    (["CHÍNH PHỦ Số: 170/2025/NĐ-CP"], "Chính phủ"),  # the number on the agency's line
    (["Số: 1661/NQ-UBTVQH15"], None),
    ([], None),
])
def test_issuer_from_header(lines: list[str], issuer: str | None) -> None:
    assert md.issuer_from_header(lines) == issuer


def test_issuer_from_text() -> None:
    assert md.issuer_from_text("Bộ Thông tin và Truyền thông vừa ban hành Chỉ thị") == "Bộ Thông tin và Truyền thông"


def test_closing_block() -> None:
    closing = ["Nơi nhận:", "- Như Điều 3;", "- Văn phòng UBND tỉnh:", "+ LĐVP, TH;", "- Lưu: VT.", "|",
               "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", "Phạm Văn Thịnh"]
    assert md.recipients_from_closing(closing) == ("Như Điều 3", "Văn phòng UBND tỉnh:", "LĐVP, TH", "Lưu: VT")
    assert md.signer_from_closing(closing) == "Phạm Văn Thịnh"
    assert md.recipients_from_closing(["Nơi nhận: - Chính phủ; - Bộ Tài chính; |"]) == ("Chính phủ", "Bộ Tài chính")


def test_vv_subject_over_wrapped_lines() -> None:
    lines = ["Số: 5330/CT-CS", "V/v", "Chính sách thuế TNCN", "|", "Hà Nội, ngày 19 tháng 11"]
    assert md.vv_from_lines(lines) == "Chính sách thuế TNCN"


@pytest.mark.parametrize(("lines", "title"), [
    # broken after «VỀ»: the topic is on the next line, and the authority after it is no title
    (["QUYẾT ĐỊNH", "VỀ", "VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CAO BẰNG",
      "Căn cứ Luật Tổ chức chính quyền địa phương;"], "VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH"),
    # broken inside a name written in capitals
    (["QUYẾT ĐỊNH", "BAN HÀNH DANH MỤC THỦ TỤC HÀNH CHÍNH TRÊN ĐỊA BÀN TỈNH NGHỆ", "AN",
      "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"], "BAN HÀNH DANH MỤC THỦ TỤC HÀNH CHÍNH TRÊN ĐỊA BÀN TỈNH NGHỆ AN"),
    (["NGHỊ ĐỊNH", "Quy định về tuyển dụng công chức", "Căn cứ Luật Tổ chức Chính phủ;"],
     "Quy định về tuyển dụng công chức"),
    (["KẾ HOẠCH", "Căn cứ Luật …"], None),
])
def test_a_title_broken_over_lines_is_read_whole(lines: list[str], title: str | None) -> None:
    assert md.title_after_heading(lines) == title
