"""clean(): the seed article, synthetic edge cases and real corpus documents."""
from __future__ import annotations

import json
import time
import unicodedata
from datetime import date
from functools import lru_cache

import pytest

from bot.ingestion.cleaning import clean, clean_keeping_text
from bot.ingestion.metadata import normalize_doc_number
from tests.conftest import SEED, shared_file

HEADER_MARKS = ("CỘNG HÒA XÃ HỘI", "Độc lập - Tự do", "Nơi nhận", "KT. CHỦ TỊCH", "TM. ỦY BAN")
PORTAL_MARKS = ("THƯ VIỆN PHÁP LUẬT", "ThuVienPhapLuat", "Đang tải văn bản", "Văn bản liên quan",
                "Đăng xuất", "FILE ĐƯỢC ĐÍNH KÈM", "Số hiệu:", "Tình trạng:", "Copyright")


@lru_cache(maxsize=1)
def corpus() -> dict[str, str]:
    with shared_file("corpus/official-docs.jsonl").open(encoding="utf-8") as handle:
        return {row["id"]: row["text"] for row in map(json.loads, handle)}


def doc(doc_id: str):  # type: ignore[no-untyped-def]
    return clean(corpus()[doc_id])


# --- seed -------------------------------------------------------------------------------------------

def test_seed_article() -> None:
    document = clean(SEED.read_text(encoding="utf-8"))
    lines = document.body.split("\n")
    assert lines[0] == "Phát động phong trào thi đua thực hiện hiệu quả công tác thông tin đối ngoại năm 2018"
    assert lines[1].startswith("Bộ Thông tin và Truyền thông vừa ban hành Chỉ thị số 17/CT-BTTTT")
    assert lines.count(lines[0]) == 1  # the duplicated title is gone
    assert lines[-1].startswith("Nâng cao chất lượng, hiệu quả công tác khen thưởng")
    for noise in ("uct", "Lượt xem", "Tin đã đưa", "Trang 1 / 3", "Xem theo ngày", "GMT +7", "Thúy Hằng"):
        assert noise not in lines and all(noise not in line for line in lines if noise != "uct")
    assert "" not in lines
    meta = document.meta
    assert meta.doc_number == "17/CT-BTTTT"
    assert meta.doc_type == "chỉ thị"
    assert meta.issuer == "Bộ Thông tin và Truyền thông"
    assert meta.issued_date == date(2018, 10, 11)  # the article's date: the text gives no signing date
    assert meta.title and meta.title.startswith("Phát động phong trào thi đua")


# --- synthetic ---------------------------------------------------------------------------------------

HEADER_DOC = """|
**ỦY BAN NHÂN
DÂN **
TỈNH NGHỆ AN
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số: 982/KH-UBND
|
*Nghệ An, ngày 19
tháng 11 năm 2025*
|


**KẾ HOẠCH**

Triển khai đợt thi đua năm 2025

**I. MỤC ĐÍCH, YÊU CẦU**

1. Các cơ quan, đơn vị báo cáo kết quả về Sở Nội vụ trước ngày 15 tháng 12
năm 2025 để tổng hợp,
trình khen thưởng.

a) Tiêu chí thi đua gồm các nội dung sau:
- Hoàn thành nhiệm vụ
được giao;
- Tổ chức chính trị
- xã hội tham gia đầy đủ.

| STT | Nội dung | Thời hạn |
|---|---|---|
| 1 | **Báo cáo** sơ kết | 31/3/2026 |
| 2 |  | hằng năm |

|
*Nơi nhận:*
- Sở Nội vụ;
- Lưu: VT.
|
**TM. ỦY BAN NHÂN
DÂN**
**KT. CHỦ TỊCH**
PHÓ CHỦ TỊCH
**Phùng Thành Vinh**
|
"""


def test_header_and_closing_become_metadata() -> None:
    document = clean(HEADER_DOC)
    meta = document.meta
    assert meta.doc_number == "982/KH-UBND"
    assert meta.doc_type == "kế hoạch"
    assert meta.issuer == "Ủy ban nhân dân tỉnh Nghệ An"
    assert meta.issued_date == date(2025, 11, 19)
    assert meta.title == "Triển khai đợt thi đua năm 2025"
    assert meta.signer == "Phùng Thành Vinh"
    assert meta.recipients == ("Sở Nội vụ", "Lưu: VT")
    for mark in (*HEADER_MARKS, "Số: 982", "Phùng Thành Vinh", "PHÓ CHỦ TỊCH", "Lưu: VT"):
        assert mark not in document.body


def test_plain_header_without_national_motto() -> None:
    raw = ("ỦY BAN NHÂN DÂN TỈNH AN GIANG\nSố: 982/KH-UBND\nAn Giang, ngày 05 tháng 3 năm 2025\n\n"
           "KẾ HOẠCH\nTổ chức phong trào thi đua năm 2025\n\nI. MỤC ĐÍCH\n1. Phát động thi đua.\n")
    doc = clean(raw)
    assert doc.meta.doc_number == "982/KH-UBND"
    assert doc.meta.issued_date == date(2025, 3, 5)
    assert doc.meta.issuer == "Ủy ban nhân dân tỉnh An Giang"
    assert doc.body.startswith("KẾ HOẠCH\n") and "Số:" not in doc.body


def test_wrapped_lines_lists_and_tables() -> None:
    lines = clean(HEADER_DOC).body.split("\n")
    assert lines == [
        "KẾ HOẠCH",
        "Triển khai đợt thi đua năm 2025",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Các cơ quan, đơn vị báo cáo kết quả về Sở Nội vụ trước ngày 15 tháng 12 năm 2025 để tổng hợp,"
        " trình khen thưởng.",
        "a) Tiêu chí thi đua gồm các nội dung sau:",
        "- Hoàn thành nhiệm vụ được giao;",
        "- Tổ chức chính trị - xã hội tham gia đầy đủ.",
        "STT | Nội dung | Thời hạn",
        "1 | Báo cáo sơ kết | 31/3/2026",
        "2 | hằng năm",
    ]


def test_nfd_input_gives_nfc_body_and_meta() -> None:
    document = clean(unicodedata.normalize("NFD", HEADER_DOC))
    assert unicodedata.is_normalized("NFC", document.body)
    assert document.meta.doc_number == "982/KH-UBND"
    assert document.meta.doc_type == "kế hoạch"


def test_portal_noise_lines_are_dropped() -> None:
    text = "\n".join([
        "Trang chủ > Tin tức > Chỉ đạo điều hành",
        "Kế hoạch tổ chức hội nghị",
        "Thứ 2, ngày 03/11/2025 | 10:15 AM (GMT +7)",
        "Các đơn vị gửi báo cáo chậm nhất ngày 10/12/2025.",
        "Lượt xem: 1.234",
        "In bài viết",
        "Chia sẻ",
        "Tin liên quan",
        "Trang 1/3",
        "© Bản quyền thuộc Cổng thông tin điện tử tỉnh",
    ])
    assert clean(text).body.split("\n") == ["Kế hoạch tổ chức hội nghị",
                                             "Các đơn vị gửi báo cáo chậm nhất ngày 10/12/2025."]


def test_markdown_headings_and_emphasis() -> None:
    body = clean("# Hướng dẫn\n\n## 1. Hồ sơ đề nghị __khen thưởng__\n\nGồm *tờ trình* và **báo cáo**.").body
    assert body.split("\n") == ["Hướng dẫn", "1. Hồ sơ đề nghị khen thưởng", "Gồm tờ trình và báo cáo."]


# --- real corpus documents ------------------------------------------------------------------------

CASES = [
    # id, số hiệu, type, date, issuer, signer — read off each document's own header and signature.
    ("99c7d8fff9e4572e", "982/KH-UBND", "kế hoạch", date(2025, 11, 19), "Ủy ban nhân dân tỉnh Nghệ An",
     "Phùng Thành Vinh"),
    ("2847e16133f7b987", "09/CT-UBND", "chỉ thị", date(2025, 11, 18), "Ủy ban nhân dân Thành phố Cần Thơ",
     "Trần Chí Hùng"),
    ("005d8820eb95c1cb", "5348/CT-CS", "công văn", date(2025, 11, 20), "Cục Thuế", "Phạm Thị Minh Hiền"),
    ("001c610b2efdcf0c", "2820/QĐ-UBND", "quyết định", date(2025, 11, 19),
     "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Nguyễn Lộc Hà"),
    ("00e8b0e4daffc2ef", "471/QĐ-UBND", "quyết định", date(2025, 11, 28), "Ủy ban nhân dân tỉnh Bắc Ninh",
     "Phạm Văn Thịnh"),
    ("06c6f91f5c3b4c21", "73/2025/NQ-HĐND", "nghị quyết", date(2025, 11, 27),
     "Hội đồng nhân dân Thành phố Hà Nội", "Phùng Thị Hồng Hà"),
    ("1095764e502a89b8", "224/CĐ-TTg", "công điện", date(2025, 11, 20), "Thủ tướng Chính phủ", "Phạm Minh Chính"),
    ("05729ab54fc07c39", "631/TB-VPCP", "thông báo", date(2025, 11, 19), "Văn phòng Chính phủ", None),
]


@pytest.mark.parametrize(("doc_id", "number", "doc_type", "issued", "issuer", "signer"), CASES,
                         ids=[c[1] for c in CASES])
def test_corpus_metadata(doc_id: str, number: str, doc_type: str, issued: date, issuer: str,
                         signer: str | None) -> None:
    meta = doc(doc_id).meta
    assert meta.doc_number == number
    assert meta.doc_type == doc_type
    assert meta.issued_date == issued
    assert meta.issuer == issuer
    if signer:
        assert meta.signer == signer


@pytest.mark.parametrize("doc_id", ["99c7d8fff9e4572e", "2847e16133f7b987", "005d8820eb95c1cb",
                                    "001c610b2efdcf0c", "00e8b0e4daffc2ef", "1095764e502a89b8"])
def test_corpus_body_has_no_header_closing_or_portal(doc_id: str) -> None:
    document = doc(doc_id)
    for mark in (*HEADER_MARKS, *PORTAL_MARKS):
        assert mark not in document.body, mark
    assert document.meta.signer and document.meta.signer not in document.body
    assert document.meta.recipients


def test_corpus_plan_body_starts_with_content_and_rejoins_wraps() -> None:
    lines = doc("99c7d8fff9e4572e").body.split("\n")
    assert lines[0] == "KẾ HOẠCH"
    assert lines[1].startswith("TRIỂN KHAI ĐỢT THI ĐUA LẬP THÀNH TÍCH CHÀO MỪNG ĐẠI HỘI LẦN THỨ XIV")
    # "Thực hiện Nghị quyết ... của Đảng;" is wrapped over several source lines in the corpus.
    assert lines[2].startswith("Thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng; Chỉ thị số 45-CT/TW")
    assert "" not in lines


def test_corpus_cong_van_title_and_body() -> None:
    document = doc("005d8820eb95c1cb")
    assert document.meta.title == "hướng dẫn góp vốn điều lệ"
    lines = document.body.split("\n")
    assert lines[0] == "Kính gửi: Thuế tỉnh Quảng Trị."
    assert lines[-1] == "Cục Thuế có ý kiến để Thuế tỉnh Quảng Trị biết được biết./."
    assert "Căn cứ tại Điều 34 Luật Doanh nghiệp số 59/2020/QH14 quy định về tài sản góp vốn;" in lines


def test_corpus_appendix_table_after_signature_is_kept_readable() -> None:
    lines = doc("00e8b0e4daffc2ef").body.split("\n")
    assert "PHỤ LỤC" in lines
    assert "STT | Địa điểm | Địa chỉ" in lines
    assert "- | Khu vực nhà thi đấu thể thao tỉnh Bắc Ninh | Phường Bắc Giang, tỉnh Bắc Ninh" not in lines
    assert "Khu vực nhà thi đấu thể thao tỉnh Bắc Ninh | Phường Bắc Giang, tỉnh Bắc Ninh" in lines
    assert "1 | Phường Bắc Giang" in lines


def test_corpus_task_table_rows() -> None:
    lines = doc("001c610b2efdcf0c").body.split("\n")
    row = next(line for line in lines if line.startswith("4 | Đề xuất UBND Thành phố điều chỉnh"))
    assert row.split(" | ")[1:] == ["Đề xuất UBND Thành phố điều chỉnh, bổ sung nhiệm vụ thực hiện Đề án.",
                                    "Sở Tài chính", "Các sở, ngành, UBND xã, phường, đặc khu",
                                    "Khi có phát sinh."]


def test_a_line_cut_after_a_preposition_goes_on_though_it_opens_like_a_heading() -> None:
    # «… được quy định tại» / «Mục 2 Phần XI của …»: the reference goes on the item, it heads no section; a dash
    # after such a word still opens an item of its own
    text = "\n".join(["Điều 8. Trách nhiệm của Chi nhánh Văn phòng đăng ký đất đai",
                      "đ) Đăng ký đối với trường hợp chưa làm thủ tục chuyển quyền được quy định tại",
                      "Mục 2 Phần XI của Phụ lục I kèm theo Nghị định số 151/2025/NĐ-CP.",
                      "12. Thực hiện thủ tục Đăng ký biến động trong thời hạn không quá 15 ngày làm việc.",
                      "Thiết bị gồm các bộ phận bên trong",
                      "+ Nắp pin: Bảo vệ pin."])
    lines = clean(text).body.split("\n")
    assert "đ) Đăng ký đối với trường hợp chưa làm thủ tục chuyển quyền được quy định tại Mục 2 Phần XI của Phụ " \
           "lục I kèm theo Nghị định số 151/2025/NĐ-CP." in lines
    assert "+ Nắp pin: Bảo vệ pin." in lines


def test_whole_corpus_cleans(capsys: pytest.CaptureFixture[str]) -> None:
    texts = corpus()
    started = time.perf_counter()
    documents = {doc_id: clean(text) for doc_id, text in texts.items()}
    seconds = time.perf_counter() - started
    assert len(documents) == 431
    assert all(d.body.strip() for d in documents.values())
    assert all(unicodedata.is_normalized("NFC", d.body) for d in documents.values())
    assert not any("THƯ VIỆN PHÁP LUẬT" in d.body or "Đang tải văn bản" in d.body for d in documents.values())
    share = {
        "number": sum(bool(d.meta.doc_number) for d in documents.values()) / len(documents),
        "type": sum(bool(d.meta.doc_type) for d in documents.values()) / len(documents),
        "date": sum(bool(d.meta.issued_date) for d in documents.values()) / len(documents),
    }
    with capsys.disabled():
        print(f"\ncorpus: {len(documents) / seconds:.0f} docs/s, " +
              ", ".join(f"{k} {v:.1%}" for k, v in share.items()))
    # Measured: number 99.1%, type 99.1%, date 96.8% (the rest are Q&A articles or headers without a date).
    assert share["number"] >= 0.97
    assert share["type"] >= 0.97
    assert share["date"] >= 0.94
    for d in documents.values():
        if d.meta.doc_number:
            assert normalize_doc_number(d.meta.doc_number) == normalize_doc_number(d.meta.doc_number.strip())


def test_a_sentence_naming_the_republic_is_not_a_header() -> None:
    raw = ("Luật Thanh niên - Điều 11\n\nÁp dụng điều ước quốc tế về quyền trẻ em\n\n"
           "Nhà nước áp dụng điều ước quốc tế về quyền trẻ em mà nước Cộng hòa xã hội chủ nghĩa "
           "Việt Nam là thành viên đối với thanh niên từ đủ 16 tuổi đến dưới 18 tuổi.\n")
    document = clean(raw)
    assert "nước Cộng hòa xã hội chủ nghĩa Việt Nam là thành viên" in document.body
    assert document.body.startswith("Luật Thanh niên - Điều 11")


# --- body text that names the Republic stays (issue #18) ----------------------------------------

ARTICLE_13 = (
    "Hiến pháp - Điều 13\n\n"
    "1. Quốc kỳ nước Cộng hòa xã hội chủ nghĩa Việt Nam hình chữ nhật, chiều rộng bằng hai phần ba "
    "chiều dài, nền đỏ, ở giữa có ngôi sao vàng năm cánh.\n\n"
    "2. Quốc huy nước Cộng hòa xã hội chủ nghĩa Việt Nam hình tròn, nền đỏ, ở giữa có ngôi sao vàng "
    "năm cánh, xung quanh có bông lúa, ở dưới có nửa bánh xe răng và dòng chữ Cộng hòa xã hội chủ "
    "nghĩa Việt Nam.\n\n"
    "3. Quốc ca nước Cộng hòa xã hội chủ nghĩa Việt Nam là nhạc và lời của bài Tiến quân ca.\n\n"
    "4. Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam là ngày Tuyên ngôn độc lập 2 tháng 9 năm 1945.\n\n"
    "5. Thủ đô nước Cộng hòa xã hội chủ nghĩa Việt Nam là Hà Nội.\n")


def test_constitution_article_13_keeps_every_clause() -> None:
    lines = clean(ARTICLE_13).body.split("\n")
    assert lines == [line for line in ARTICLE_13.split("\n") if line]
    assert clean(ARTICLE_13).meta.doc_number is None


def test_a_clause_naming_the_republic_is_not_a_motto() -> None:
    clause = "đ) Đưa nạn nhân ra khỏi biên giới của nước Cộng hòa xã hội chủ nghĩa Việt Nam;"
    raw = ("Bộ luật Hình sự - Điều 151\n\nTội mua bán người dưới 16 tuổi\n\n"
           "2. Phạm tội thuộc một trong các trường hợp sau đây, thì bị phạt tù từ 12 năm đến 20 năm:\n\n"
           "a) Lợi dụng chức vụ, quyền hạn;\n\n" + clause + "\n\ne) Đối với từ 02 người trở lên.\n")
    lines = clean(raw).body.split("\n")
    assert lines[0] == "Bộ luật Hình sự - Điều 151"
    assert clause in lines and lines[-1] == "e) Đối với từ 02 người trở lên."


def test_a_header_row_beside_the_agency_is_still_removed() -> None:
    raw = ("CHÍNH PHỦ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAMĐộc lập - Tự do - Hạnh phúc--------------- |\n"
           "Số: 170/2025/NĐ-CP | Hà Nội, ngày 30 tháng 6 năm 2025 |\n\n"
           "NGHỊ ĐỊNH\n\nQuy định về tuyển dụng công chức\n\nĐiều 1. Phạm vi điều chỉnh\n")
    document = clean(raw)
    assert document.body.split("\n") == ["NGHỊ ĐỊNH", "Quy định về tuyển dụng công chức",
                                         "Điều 1. Phạm vi điều chỉnh"]
    assert document.meta.doc_number == "170/2025/NĐ-CP"
    assert document.meta.issued_date == date(2025, 6, 30)


def test_recipients_and_signature_are_still_removed() -> None:
    raw = ("Điều 3. Các sở, ngành chịu trách nhiệm thi hành Quyết định này./.\n\n"
           "Nơi nhận:\n- Như Điều 3;\n- Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính);\n- Lưu: VT.\n\n"
           "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An\n")
    document = clean(raw)
    assert document.body == "Điều 3. Các sở, ngành chịu trách nhiệm thi hành Quyết định này./."
    assert document.meta.signer == "Nguyễn Văn An"


def test_a_sentence_starting_like_a_banner_is_text() -> None:
    raw = ("Luật Sở hữu trí tuệ - Điều 4\n\n"
           "Bản quyền tác giả là quyền của tổ chức, cá nhân đối với tác phẩm do mình sáng tạo ra.\n"
           "Bản quyền thuộc Cổng thông tin điện tử tỉnh\n")
    assert clean(raw).body.split("\n") == [
        "Luật Sở hữu trí tuệ - Điều 4",
        "Bản quyền tác giả là quyền của tổ chức, cá nhân đối với tác phẩm do mình sáng tạo ra."]


def test_text_that_cleaning_would_empty_is_kept_unless_it_is_noise() -> None:
    header_only = "ỦY BAN NHÂN DÂN TỈNH AN GIANG\nSố: 982/KH-UBND\nAn Giang, ngày 05 tháng 3 năm 2025\n"
    assert clean(header_only).body == ""
    document, kept = clean_keeping_text(header_only)
    assert kept and document.body.split("\n") == header_only.strip().split("\n")
    assert document.meta.doc_number == "982/KH-UBND"
    noise = "Lượt xem: 1.234\n**In bài viết**\nTrang 1/3\n---\n© Bản quyền thuộc Cổng thông tin điện tử tỉnh\n"
    assert clean_keeping_text(noise) == (clean(noise), False) and clean(noise).body == ""
    assert clean_keeping_text(ARTICLE_13) == (clean(ARTICLE_13), False)


def test_a_header_without_place_and_date_ends_before_the_preamble() -> None:
    raw = ("| BỘ GIÁO DỤC VÀ ĐÀO TẠO ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAMĐộc lập - Tự do - Hạnh phúc |\n"
           "Số: 21/2025/TT-BGDĐT |\n|\n\n"
           "**Quy định chế độ trả tiền lương dạy thêm giờ đối với nhà giáo trong các cơ sở giáo dục công lập**\n\n"
           "*Căn cứ Luật Giáo dục số 43/2019/QH14;*\n\n"
           "*Căn cứ Nghị định số 37/2025/NĐ-CP ngày 26 tháng 02 năm 2025 của Chính phủ quy định chức năng, "
           "nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Giáo dục và Đào tạo;*\n")
    document = clean(raw)
    assert document.body.split("\n")[:2] == [
        "Quy định chế độ trả tiền lương dạy thêm giờ đối với nhà giáo trong các cơ sở giáo dục công lập",
        "Căn cứ Luật Giáo dục số 43/2019/QH14;"]
    assert document.body.split("\n")[2].startswith("Căn cứ Nghị định số 37/2025/NĐ-CP ngày 26 tháng 02 năm 2025")
    assert document.meta.doc_number == "21/2025/TT-BGDĐT"
