"""Understanding questions: folding, BM25 on syllables, document numbers, intents, follow-ups."""
from __future__ import annotations

import unicodedata

import pytest

from bot.retrieval.doc_refs import find_refs, matching
from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.questions import Intent, named_title, understand
from bot.retrieval.vietnamese import fold, has_diacritics, sentences, spelled_out_chat, syllables

KNOWN = ["0125/KH-UBND", "0124/KH-UBND", "17/CT-BTTTT", "982/KH-UBND", "224/CĐ-TTg",
         "86/2025/QĐ-UBND", "11520/VPCP-CN", "45-CT/TW", "09/CT-UBND", "1234/UBND-VX"]


def test_fold_removes_marks_and_keeps_letters() -> None:
    assert fold("Hạn nộp BÁO CÁO về Sở Nội vụ, Đắk Lắk") == "han nop bao cao ve so noi vu, dak lak"
    assert fold(unicodedata.normalize("NFD", "Kế hoạch")) == fold("Kế hoạch") == "ke hoach"
    assert has_diacritics("hạn nộp") and not has_diacritics("han nop Dak Lak")


def test_syllables_are_folded_words_and_numbers() -> None:
    assert syllables("Kế hoạch 0125/KH-UBND, mục V.2") == ["ke", "hoach", "125", "kh", "ubnd", "muc", "v", "2"]
    assert syllables("Đợt 01, năm 2025, 0 đơn vị") == ["dot", "1", "nam", "2025", "0", "don", "vi"]


def test_sentences_keep_numbers_abbreviations_and_markers() -> None:
    text = ("Các sở gửi báo cáo về Sở Nội vụ trước ngày 31/3/2026. UBND TP. Huế tổng hợp "
            "theo Chỉ thị 17/CT-BTTTT. Hạn chót là 15/11.")
    assert sentences(text) == ["Các sở gửi báo cáo về Sở Nội vụ trước ngày 31/3/2026.",
                               "UBND TP. Huế tổng hợp theo Chỉ thị 17/CT-BTTTT.", "Hạn chót là 15/11."]


# -- BM25 ------------------------------------------------------------------------------------

@pytest.fixture
def index() -> LexicalIndex:
    return LexicalIndex([
        ("deadline", "Hồ sơ đề nghị khen thưởng gửi về Sở Nội vụ trước ngày 31/3/2026."),
        ("criteria", "Tiêu chí thi đua: hoàn thành xuất sắc nhiệm vụ; không vi phạm kỷ luật."),
        ("water", "Thống kê công trình khai thác nước dưới đất, hoàn thành trước ngày 31/12/2025."),
        ("noise", "Hội nghị tổng kết công tác năm, khen ngợi các đơn vị."),
    ])


def test_bm25_ranks_the_passage_that_shares_words(index: LexicalIndex) -> None:
    assert index.search("hạn gửi hồ sơ khen thưởng", 2)[0][0] == "deadline"
    assert index.search("tiêu chí thi đua gồm những gì", 1)[0][0] == "criteria"


def test_bm25_ignores_diacritics_and_unicode_form(index: LexicalIndex) -> None:
    accented = index.search("khai thác nước dưới đất", 4)
    assert index.search("khai thac nuoc duoi dat", 4) == accented
    assert index.search(unicodedata.normalize("NFD", "khai thác nước dưới đất"), 4) == accented
    assert accented[0][0] == "water"


def test_bm25_word_pairs_beat_scattered_syllables(index: LexicalIndex) -> None:
    # "khen thưởng" as a word is in "deadline"; "khen" alone is in "noise" too.
    ranked = [key for key, _ in index.search("khen thưởng", 4)]
    assert ranked[0] == "deadline" and "noise" in ranked


def test_bm25_restricted_to_some_passages_and_no_match(index: LexicalIndex) -> None:
    assert [k for k, _ in index.search("hoàn thành trước ngày", 4, only=["water"])] == ["water"]
    assert index.search("giá vàng hôm nay", 4) == []


# -- document numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("question, expected", [
    ("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", ["0125/KH-UBND"]),
    ("0125/KH-UBND", ["0125/KH-UBND"]),
    ("kh 0125", ["0125/KH-UBND"]),
    ("KH 982 tiêu chí", ["982/KH-UBND"]),
    ("ct 17 yeu cau gi", ["17/CT-BTTTT"]),
    ("chỉ thị 17/CT-BTTTT", ["17/CT-BTTTT"]),
    ("chi thi so 09", ["09/CT-UBND"]),
    ("224/CD-TTg nói gì", ["224/CĐ-TTg"]),
    ("công điện 224", ["224/CĐ-TTg"]),
    ("qd 86/2025", ["86/2025/QĐ-UBND"]),
    ("cong van 11520", ["11520/VPCP-CN"]),
    ("cv 11520 tra loi ve thue the nao", ["11520/VPCP-CN"]),  # as officials shorten «công văn»
    ("chỉ thị 45-CT/TW", ["45-CT/TW"]),
    ("982 kh ubnd", ["982/KH-UBND"]),
])
def test_document_numbers_in_the_forms_people_type(question: str, expected: list[str]) -> None:
    assert matching(find_refs(question), KNOWN) == expected


@pytest.mark.parametrize("question", [
    "hạn nộp trước ngày 31/3/2026 phải không", "điều 5 khoản 2 quy định gì", "trong 10 ngày làm việc",
    "báo cáo 6 tháng đầu năm", "tỷ lệ 70% người hưởng"])
def test_dates_and_plain_numbers_are_not_documents(question: str) -> None:
    assert find_refs(question) == []


def test_type_code_must_agree() -> None:
    assert matching(find_refs("ct 0125"), KNOWN) == []      # 0125 is a kế hoạch
    assert matching(find_refs("kế hoạch 17"), KNOWN) == []  # 17 is a chỉ thị
    assert matching(find_refs("qd 86/2024"), KNOWN) == []   # wrong year


def test_a_number_that_writes_no_type_is_the_type_asked() -> None:
    # the National Assembly's resolutions write no «NQ»: «98/2023/QH15»
    assert matching(find_refs("nghị quyết 98 miễn thuế bao lâu"), ["98/2023/QH15", "98/2025/TT-BTC"]) == ["98/2023/QH15"]


def test_two_documents_in_one_question() -> None:
    assert matching(find_refs("so sánh kh 0124 và kh 0125"), KNOWN) == ["0125/KH-UBND", "0124/KH-UBND"]


# -- intents and follow-ups --------------------------------------------------------------------

@pytest.mark.parametrize("question, intent", [
    ("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", Intent.DEADLINE),
    ("han nop bao cao khi nao", Intent.DEADLINE),
    ("thời hạn rà soát công trình", Intent.DEADLINE),
    ("tieu chi thi dua cua dot nay gom nhung gi", Intent.CRITERIA),
    ("hình thức khen thưởng gồm những gì", Intent.CRITERIA),
    ("tiêu chuẩn khen thưởng cá nhân trong công tác bầu cử", Intent.CRITERIA),
    # «tiêu chuẩn, định mức sử dụng máy móc» names what a decision is about, not criteria asked for
    ("quang ngai phan cap tieu chuan dinh muc may moc thiet bi khong ap dung voi truong hop nao", Intent.GENERAL),
    # «(cơ sở) đủ điều kiện …» describes what is meant; «điều kiện … là gì» asks the conditions
    ("Quảng Ngãi ủy quyền cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đến khi nào?", Intent.DEADLINE),
    ("dong thap ho so dat dai chua du dieu kien giai quyet thi tra lai bo phan mot cua trong bao lau", Intent.AMOUNT),
    ("điều kiện để được cấp chứng chỉ là gì", Intent.CRITERIA),
    ("phí thẩm định điều kiện kinh doanh thiết bị y tế là bao nhiêu", Intent.AMOUNT),  # a fee, not conditions
    ("chi tieu mo tai khoan thanh toan la bao nhieu phan tram", Intent.AMOUNT),
    ("báo cáo gửi về đâu?", Intent.RECIPIENT),
    ("nop ho so cho ai", Intent.RECIPIENT),
    ("có vướng mắc thì cung cấp hồ sơ cho cơ quan nào", Intent.RECIPIENT),
    ("hạn chế khai thác nước dưới đất thế nào", Intent.GENERAL),
    ("mục đích của kế hoạch là gì", Intent.GENERAL),
    ("thời gian thực hiện đợt thi đua", Intent.DEADLINE),
    ("tỷ lệ chi trả không dùng tiền mặt phải đạt bao nhiêu", Intent.AMOUNT),
    ("Nghị quyết 55/2025 có hiệu lực từ khi nào?", Intent.EFFECTIVE),
    ("bang gia tinh thue tai nguyen ap dung tu ngay nao", Intent.EFFECTIVE),
    ("giấy phép có hiệu lực bao lâu", Intent.AMOUNT),  # how long, not from when
    ("Huawei Watch 5 bản 42mm áp mã số hàng hóa nào?", Intent.CODE),
    ("thanh den led cua suhil electronics vina xac dinh truoc ma so nao", Intent.CODE),
    ("bộ thẻ Magic The Gathering là mã gì", Intent.CODE),
    ("huawei watch 5 duoc xac dinh truoc ma so hs la bao nhieu", Intent.CODE),
    ("kê khai thuế TNDN theo mẫu nào?", Intent.FORM),
    ("thủ tục cấp giấy chứng nhận CFS giải quyết trong mấy ngày?", Intent.AMOUNT),
    ("nhà máy thủy điện năm 2025 được tính giá theo phương pháp gì", Intent.GENERAL),  # «máy» is no «mấy»
    ("bao cao dinh ky lap theo mau so may", Intent.FORM),
    ("dự thảo quyết định lập theo phụ lục số mấy?", Intent.FORM),
    ("mã số thuế của công ty là gì", Intent.GENERAL),  # a tax number, not a goods code
    ("UBND cấp xã gửi báo cáo trong thời hạn bao nhiêu ngày?", Intent.AMOUNT),  # a span, not a date
    ("thoi han xu ly ho so toi da may ngay", Intent.AMOUNT),
    # «trình tự», «đầu tư» are no «trình» and no «đâu»: nothing is sent anywhere
    ("ha tinh bai bo qd ve trinh tu lua chon nha dau tu du an co su dung dat tu ngay nao", Intent.EFFECTIVE),
    ("trình tự lựa chọn nhà đầu tư gồm những bước nào", Intent.GENERAL),
    # «lần đầu», «đầu quý» are no «đâu»: a first or a quarterly report is asked for by a date
    ("nop bao cao lan dau khi nao", Intent.DEADLINE),
    ("báo cáo đầu quý gửi trước ngày nào", Intent.DEADLINE),
    ("gui bao cao dau thang truoc ngay nao", Intent.DEADLINE),
    ("nộp hồ sơ đâu", Intent.RECIPIENT),
    ("nộp báo cáo ban đầu trước ngày nào", Intent.DEADLINE),
    ("báo cáo kết quả đợt đầu gửi trước ngày nào", Intent.DEADLINE),
    ("hồ sơ trình thẩm định gửi đâu", Intent.RECIPIENT),
    # «chuyên môn về đấu thầu» folds like «chuyển … về đâu»: neither a sending nor a place is asked
    ("Sở Tài chính thực hiện bãi bỏ chứng chỉ nghiệp vụ chuyên môn về đấu thầu trong thời hạn bao lâu?", Intent.AMOUNT),
    ("dong thap cap chung chi chuyen mon ve dau thau giai quyet trong bao nhieu ngay", Intent.AMOUNT),
    ("chuyển hồ sơ về đâu", Intent.RECIPIENT),
    # «người đứng đầu», «hàng đầu» fold like «đứng đâu»: the head of a body is no place
    ("khi xác nhận quá trình thực hành, nếu không tiếp nhận thì người đứng đầu trả lời theo hình thức nào?",
     Intent.GENERAL),
    ("cung cap dich vu hang dau trong tinh gom nhung gi", Intent.GENERAL),
    # «gia hạn» an extension, «hạn mức» a ceiling, «hạn ngạch» a quota: no deadline is asked; nor by a
    # document's number («20595/HAN-QLDN5»)
    ("hỗ trợ chi phí cấp mới, gia hạn chứng thư số tối đa bao nhiêu một năm?", Intent.AMOUNT),
    ("Hạn mức miễn thuế nhập khẩu đối với hành lý là bao nhiêu?", Intent.AMOUNT),
    ("Giày dép xuất khẩu theo CPTPP có được hưởng hạn ngạch thuế quan không?", Intent.GENERAL),
    ("hồ sơ kèm công văn 20595/HAN-QLDN5 thiếu những bản án nào?", Intent.GENERAL),
    ("doanh nghiep duoc gia han nop thue den thang may", Intent.DEADLINE),
    ("hạn nộp hồ sơ là ngày nào", Intent.DEADLINE),
    ("chuyen giao ho so cho co quan nao", Intent.RECIPIENT),
    ("quy chế mới thay thế quy chế cũ từ khi nào", Intent.EFFECTIVE),
    ("Các xã phải thay thế biển hiệu từ ngày nào?", Intent.DEADLINE),  # a replacement, no text repealed
])
def test_intent(question: str, intent: Intent) -> None:
    assert understand(question).intent is intent


@pytest.mark.parametrize("question, follow_up", [
    ("còn tiêu chí thì sao?", True),
    ("văn bản đó gửi về đâu", True),
    ("hạn nộp?", True),
    ("tieu chi thi dua cua dot nay gom nhung gi", True),
    ("còn kh 0124 thì sao", False),  # names its own document
    ("Sở Y tế có nhiệm vụ gì trong việc chi trả trợ giúp xã hội không dùng tiền mặt", False),
])
def test_follow_up(question: str, follow_up: bool) -> None:
    assert understand(question).follow_up is follow_up


@pytest.mark.parametrize(("question", "title"), [
    ("Quy tắc ứng xử của công chức hải quan với người khai hải quan: khi nghe điện thoại phải xưng gì?",
     "ung xu cua cong chuc hai quan voi nguoi khai hai quan"),
    ("ke hoach phong chong mua ban nguoi cua tinh dak lak giao so nao chu tri",
     "phong chong mua ban nguoi cua tinh dak lak"),
    ("Kế hoạch phát triển giáo dục của tỉnh Gia Lai giao Sở nào chủ trì?", "phat trien giao duc cua tinh gia lai"),
    # a place before the document's kind
    ("Hà Nội, kế hoạch phát triển hạ tầng 5G, IoT trong khu công nghiệp: báo cáo kết quả trước ngày nào?",
     "phat trien ha tang 5g, iot trong khu cong nghiep"),
    ("dong nai phuong an don gian hoa tthc cap xa nong nghiep: lo trinh thuc hien nam nao",
     "don gian hoa tthc cap xa nong nghiep"),
    # «giáo dục» is no verb «giao»: the question names no document
    ("Chương trình giáo dục cần phải thể hiện mục tiêu giáo dục nào?", None),
    ("Kế hoạch 0125/KH-UBND: hạn nộp hồ sơ là khi nào?", None),
    ("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", None),
])
def test_a_question_that_opens_with_a_document_names_its_title(question: str, title: str | None) -> None:
    assert named_title(understand(question)) == title


def test_a_number_with_a_decimal_part_is_one_number() -> None:
    [ref] = find_refs("Nghị quyết 66.7/2025/NQ-CP cắt giảm giấy tờ nào?")
    assert ref.matches("66.7/2025/NQ-CP")
    assert not ref.matches("66/2025/NQ-HĐND") and not ref.matches("7/2025/NQ-CP")
    assert [r.matches("0125/KH-UBND") for r in find_refs("kh 0125")] == [True]


def test_chat_shorthand_is_read_as_the_words_the_texts_write() -> None:
    assert spelled_out_chat("cty che xuat co dc mien thue ko, DN nop bn ngay") \
        == "công ty che xuat co được mien thue không, doanh nghiệp nop bao nhiêu ngay"
    # only whole words: «ko» inside «kon tum», «dc» inside «dcv» stay as typed
    assert spelled_out_chat("kon tum dcv") == "kon tum dcv"
