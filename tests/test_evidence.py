"""Choosing the sentence that answers, and whose document it is: unit tests without a store."""
from __future__ import annotations

import pytest

from bot.retrieval.evidence import (SentenceScorer, asked_unit, cue_at, excerpt, intent_cue, is_preamble,
                                    passage_sentences)
from bot.retrieval.issuers import asked_ministries, document_places, places, without_places
from bot.retrieval.questions import Intent, understand
from bot.retrieval.search import Passage


def passage(text: str, section: str = "", title: str | None = None, score: float = 1.0) -> Passage:
    return Passage(text=text, score=score, source="kh.md", section=section, doc_number="12/KH-UBND",
                   title=title, chunk_id=str(hash(text)))


def best(question: str, *passages: Passage, title: str = "") -> str:
    scorer = SentenceScorer(understand(question), set(title.split()))
    top = passages[0].score or 1.0
    return scorer.best([(p, p.score / top, passage_sentences(p.text)) for p in passages]).quoted


# -- preambles ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
    "Thực hiện Quyết định số 06/QĐ-TTg ngày 02/01/2025 của Thủ tướng Chính phủ, Ủy ban nhân dân "
    "thành phố ban hành Kế hoạch triển khai như sau:",
    "Thực hiện Chỉ thị số 41-CT/TW của Ban Bí thư về thi đua yêu nước, UBND tỉnh ban hành Kế hoạch.",
    "Theo đề nghị của Giám đốc Sở Nội vụ.",
    "Xét Tờ trình số 471/TTr-UBND ngày 12 tháng 11 năm 2025 của Ủy ban nhân dân tỉnh về dự thảo Nghị quyết;",
    "Ủy ban nhân dân tỉnh Nghệ An ban hành Quyết định quy định trình tự, thủ tục hỗ trợ chi phí tư vấn pháp luật.",
    "KT. CHỦ TỊCH",
])
def test_preambles_are_recognised(sentence: str) -> None:
    assert is_preamble(sentence)


@pytest.mark.parametrize("sentence", [
    "Thực hiện báo cáo định kỳ 6 tháng gửi Sở Nội vụ trước ngày 15/6.",
    "Sở Nội vụ chủ trì, phối hợp với các sở, ngành tổng hợp kết quả.",
    "Xét tặng giải thưởng hằng năm; hồ sơ gửi Hội đồng trước ngày 30 tháng 9.",
])
def test_body_sentences_are_not_preambles(sentence: str) -> None:
    assert not is_preamble(sentence)


def test_a_preamble_never_leads_when_the_document_has_the_answer() -> None:
    preamble = passage("Thực hiện Quyết định số 06/QĐ-TTg ngày 02/01/2025 của Thủ tướng Chính phủ về đề án "
                       "dữ liệu dân cư, Ủy ban nhân dân thành phố ban hành Kế hoạch triển khai đề án.")
    body = passage("Các sở, ngành báo cáo kết quả triển khai đề án về Công an thành phố trước ngày 15/12/2025.",
                   section="IV. Tổ chức thực hiện", score=0.2)
    chosen = best("hạn báo cáo kết quả triển khai đề án 06 là khi nào", preamble, body,
                  title="ke hoach trien khai de an")
    assert "15/12/2025" in chosen


# -- the sentence that answers ----------------------------------------------------------------------

def test_the_unit_the_question_names_decides_between_two_deadlines() -> None:
    text = ("UBND các xã, phường báo cáo kết quả rà soát về Sở Y tế trước ngày 10/11/2025.\n"
            "Sở Y tế tổng hợp, báo cáo UBND tỉnh trước ngày 30/11/2025.")
    assert "10/11/2025" in best("ubnd cac xa bao cao ket qua ra soat truoc ngay nao", passage(text))
    assert "30/11/2025" in best("Sở Y tế báo cáo UBND tỉnh khi nào", passage(text))


def test_the_document_title_words_do_not_pick_the_sentence() -> None:
    """Every sentence of a plan on «chuyển đổi số» is about it: the asked fact decides."""
    text = ("Chuyển đổi số là nhiệm vụ trọng tâm, thường xuyên của cả hệ thống chính trị.\n"
            "Kinh phí thực hiện chuyển đổi số được bố trí từ ngân sách nhà nước 5 tỷ đồng mỗi năm.")
    chosen = best("kế hoạch chuyển đổi số kinh phí bao nhiêu", passage(text), title="chuyen doi so")
    assert "5 tỷ đồng" in chosen


def test_a_deadline_question_prefers_a_dated_clause() -> None:
    text = ("Tổ chức sơ kết việc thực hiện Kế hoạch để rút kinh nghiệm.\n"
            "Tổ chức sơ kết, báo cáo kết quả về Sở Nội vụ trước ngày 20/6/2026.")
    assert "20/6/2026" in best("sơ kết kế hoạch khi nào", passage(text))


# -- table rows ---------------------------------------------------------------------------------------

TABLE = ("STT | Nội dung công việc | Đơn vị chủ trì | Thời gian\n"
         "1 | Tổ chức hội nghị tổng kết phong trào | Sở Nội vụ | Hàng năm\n"
         "2 | Kiểm tra việc thực hiện | Thanh tra tỉnh | Quý IV/2025")


def test_table_rows_are_read_with_their_headers() -> None:
    rows = [s.text for s in passage_sentences(TABLE)]
    assert rows[0] == ("Nội dung công việc: Tổ chức hội nghị tổng kết phong trào; Đơn vị chủ trì: Sở Nội vụ; "
                       "Thời gian: Hàng năm")
    assert intent_cue(Intent.DEADLINE, rows[0], passage(TABLE)) > 0


def test_a_table_row_answers_when_and_who() -> None:
    assert "Hàng năm" in best("hội nghị tổng kết phong trào tổ chức khi nào", passage(TABLE))
    assert "Thanh tra tỉnh" in best("ai chủ trì kiểm tra việc thực hiện", passage(TABLE))


def test_a_table_continued_from_an_earlier_passage_uses_the_header_given() -> None:
    rows = [s.text for s in passage_sentences("3 | Báo cáo kết quả | Sở Nội vụ | Trước 15/12",
                                              header=TABLE.split("\n")[0].split(" | "))]
    assert rows == ["Nội dung công việc: Báo cáo kết quả; Đơn vị chủ trì: Sở Nội vụ; Thời gian: Trước 15/12"]


# -- places and issuers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Kế hoạch của tỉnh Nghệ An về chuyển đổi số", {"nghe an"}),
    ("ke hoach cua tinh nghe an", {"nghe an"}),
    ("kế hoạch của TP.HCM triển khai Quyết định 06", {"ho chi minh"}),
    ("Ủy ban nhân dân Thành phố Hồ Chí Minh", {"ho chi minh"}),
    ("tỉnh Thừa Thiên Huế", {"hue"}),
    ("giữ vững hòa bình, ổn định", set()),      # «hòa bình» alone is peace, not the province
    ("tỉnh Hòa Bình", {"hoa binh"}),
    ("quản trị hệ thống", set()),
])
def test_places_in_a_question(text: str, expected: set[str]) -> None:
    assert places(text) == expected


def test_without_places_keeps_the_topic() -> None:
    assert without_places("Kế hoạch của tỉnh Quảng Ninh về khen thưởng").split() == \
        ["ke", "hoach", "cua", "ve", "khen", "thuong"]


def test_a_ministry_is_an_issuer_only_when_the_question_says_so() -> None:
    assert asked_ministries("công văn của Bộ Y tế về sốt xuất huyết") == {"y te"}
    assert asked_ministries("Sở Y tế phối hợp với Bộ Y tế làm gì") == set()


def test_a_document_belongs_to_the_place_of_its_issuer_else_the_one_its_text_names_most() -> None:
    assert document_places("Ủy ban nhân dân tỉnh Đắk Lắk", None, ["… tỉnh Gia Lai …"]) == {"dak lak"}
    assert document_places("Sở Nội vụ", None, ["trên địa bàn tỉnh Lâm Đồng", "tỉnh Lâm Đồng và tỉnh Đắk Lắk"]) \
        == {"lam dong"}
    assert document_places("Bộ Y tế", "Về phòng chống dịch", ["các tỉnh, thành phố"]) == set()


def test_an_item_is_read_under_its_heading() -> None:
    text = ("1. Sở Y tế:\n- Chủ trì triển khai kế hoạch; giám sát dịch bệnh.\n"
            "2. Sở Nông nghiệp và Môi trường\n- Hướng dẫn xử lý xác động vật; hỗ trợ tiêu độc chuồng trại.")
    assert best("ai chủ trì triển khai kế hoạch", passage(text)).startswith("1. Sở Y tế:")
    assert best("ai hướng dẫn xử lý xác động vật", passage(text)).startswith("2. Sở Nông nghiệp và Môi trường")


def test_a_time_line_dates_the_task_above_it() -> None:
    text = ("- Báo cáo kết quả kiểm kê bằng văn bản gửi về Sở Tài chính.\n- Thời gian hoàn thành: Trước ngày 15/4/2026.\n"
            "- Tổng hợp, báo cáo Bộ Tài chính.\n- Thời gian hoàn thành: Trước ngày 31/5/2026.")
    assert "15/4/2026" in best("hạn gửi báo cáo kết quả kiểm kê về Sở Tài chính", passage(text))
    assert "31/5/2026" in best("hạn báo cáo Bộ Tài chính", passage(text))


def test_how_many_prefers_the_figure_of_the_unit_asked() -> None:
    text = ("100% khu công nghiệp có tối thiểu 1 trạm phát sóng 5G.\n"
            "Hiện có khoảng 180 trạm, trong đó có 22 trạm 5G tại các khu công nghệ cao.")
    assert "22 trạm 5G" in best("hiện có bao nhiêu trạm 5G trong các khu công nghệ cao", passage(text))


def test_a_past_event_date_is_not_a_deadline() -> None:
    text = ("Ngày 20 tháng 11 năm 2025, Phó Thủ tướng đã làm việc tại Dự án Nhà máy điện Hiệp Phước.\n"
            "Chủ đầu tư hoàn thành đưa Nhà máy điện Hiệp Phước vào vận hành trong năm 2027.")
    assert "2027" in best("Nhà máy điện Hiệp Phước phải vận hành khi nào", passage(text))


def test_a_long_sentence_is_quoted_around_the_fact() -> None:
    sentence = "Bộ Công Thương chủ trì " + "rà soát các nội dung còn vướng mắc, " * 40 + "báo cáo trong tháng 11 năm 2025."
    quote = excerpt(sentence, 300, cue_at(Intent.DEADLINE, sentence))
    assert len(quote) <= 310 and quote.startswith("… ") and "tháng 11 năm 2025" in quote


# -- a number the store only knows as cited ------------------------------------------------------

@pytest.mark.parametrize("question, through_plans", [
    ("Kế hoạch TP.HCM triển khai Quyết định 1850/QĐ-TTg: báo cáo gửi cơ quan nào?", True),
    ("Quảng Ngãi triển khai Quyết định 213/QĐ-TTg: hạn báo cáo kiểm kê là khi nào?", True),
    ("Thông tư hướng dẫn Nghị định 18/2019/NĐ-CP: hạn hoàn chỉnh hồ sơ?", True),
    ("Nghị quyết của Vĩnh Long quy định mức hỗ trợ theo Nghị định 145/2020/NĐ-CP là bao nhiêu?", True),
    ("Theo Nghị định 85/2016/NĐ-CP, hồ sơ đề xuất cấp độ do cơ quan nào thẩm định?", False),
    ("nghi dinh 23/2025/nd-cp ve chu ky dien tu: chung thu co thoi han bao nhieu nam", False),
    ("Nghị định 278/2025/NĐ-CP có hiệu lực thi hành từ ngày nào?", False),
    ("Hướng dẫn 7886/HD-BNV: tập thể phải đạt tiêu chuẩn gì?", False),
    # which of its articles governs a case is what the letters citing it say
    ("Thủ tục hải quan đối với hàng hóa đưa vào kho ngoại quan quy định tại điều nào của Nghị định 08/2015/NĐ-CP?",
     True),
    ("hang hoa thue gia cong o nuoc ngoai: thu tuc hai quan theo dieu may thong tu 38/2015/tt-btc", True),
    # a province's own decision, its place naming its issuer: asked for its own content
    ("Quyết định 3470/QĐ-UBND của Chủ tịch UBND thành phố Huế công bố bao nhiêu thủ tục hành chính?", False),
    ("Kế hoạch Huế triển khai Quyết định 3470/QĐ-UBND: hạn báo cáo là khi nào?", True),
])
def test_a_cited_number_is_read_through_its_plans_only_when_they_are_asked_for(
        question: str, through_plans: bool) -> None:
    from bot.retrieval.scope import asks_for_implementing

    assert asks_for_implementing(understand(question)) is through_plans



# -- how long -------------------------------------------------------------------------------------

def test_how_long_is_answered_by_a_span_of_time_even_one_spelled_out() -> None:
    text = ("UBND xã rà soát đối tượng hỗ trợ đất ở theo danh sách do thôn lập.\n"
            "UBND xã rà soát đối tượng hỗ trợ đất ở trong vòng 20 (hai mươi) ngày làm việc.")
    assert "20 (hai mươi) ngày làm việc" in best("UBND xã rà soát đối tượng hỗ trợ đất ở trong bao lâu?",
                                                passage(text))


@pytest.mark.parametrize("question, unit_words", [
    ("rác được tập kết tại trạm trung chuyển tối đa bao lâu", "48 giờ"),
    ("Sở Tư pháp giải quyết hồ sơ trong bao lâu", "05 ngày làm việc"),
    ("trong bao nhiêu ngày phải trả lời", "15 ngày"),
])
def test_a_how_long_question_counts_units_of_time(question: str, unit_words: str) -> None:
    assert understand(question).intent is Intent.AMOUNT
    sentence = f"Thời gian không quá {unit_words} một lần theo quy định."
    assert intent_cue(Intent.AMOUNT, sentence, passage(sentence), asked_unit(question)) == 1.0


# -- where something is sent ----------------------------------------------------------------------

@pytest.mark.parametrize("sentence, agency", [
    ("Báo cáo kết quả gửi về Sở Nội vụ (qua Phòng Xây dựng chính quyền) trước ngày 15/12.",
     "Sở Nội vụ (qua Phòng Xây dựng chính quyền)"),
    ("Danh sách tổng hợp báo cáo Cục Chính trị Quân khu (qua Phòng Chính sách).",
     "Cục Chính trị Quân khu (qua Phòng Chính sách)"),
    ("Các cơ quan gửi UBND tỉnh (qua Sở Khoa học và Công nghệ) trước ngày 20/12 hằng năm.",
     "UBND tỉnh (qua Sở Khoa học và Công nghệ)"),
    ("Hộ gia đình nộp 01 hồ sơ tại Trung tâm phục vụ hành chính công cấp xã.",
     "Trung tâm phục vụ hành chính công cấp xã"),
    # The agencies that also act on tasks (Kho bạc, Đài, Báo) receive too; a «Báo cáo» is no newspaper.
    ("Chủ đầu tư gửi hồ sơ thanh toán về Kho bạc Nhà nước khu vực VI trước ngày 25 hằng tháng.",
     "Kho bạc Nhà nước khu vực VI"),
    ("Các xã nộp Báo cáo đánh giá về Báo và Phát thanh, Truyền hình tỉnh trước ngày 10/12.",
     "Báo và Phát thanh"),
    ("Gửi về Sở Nội vụ trong thời hạn 05 ngày làm việc.", "Sở Nội vụ"),
    ("Định kỳ tổng hợp báo cáo UBND tỉnh về tình hình hoạt động của Cổng TTĐT tỉnh.", "UBND tỉnh"),
    ("Phòng Kinh tế tổng hợp báo cáo Ủy ban nhân dân xã/phường phê duyệt danh sách hộ gia đình.",
     "Ủy ban nhân dân xã/phường"),
    # a field that names who receives
    ("c) Cơ quan nhận báo cáo: UBND tỉnh (qua Sở Khoa học và Công nghệ).", "UBND tỉnh (qua Sở Khoa học và Công nghệ)"),
    ("- Nơi nộp hồ sơ: Trung tâm Phục vụ hành chính công tỉnh.", "Trung tâm Phục vụ hành chính công tỉnh"),
])
def test_the_receiving_agency_is_the_one_named_first(sentence: str, agency: str) -> None:
    from bot.retrieval.evidence import recipient

    found = recipient(sentence)
    assert found is not None and found["agency"].strip() == agency


def test_a_documents_list_of_recipients_names_no_receiving_agency() -> None:
    from bot.retrieval.evidence import recipient

    assert recipient("Nơi nhận: - Như Điều 3; - Bộ Tư pháp; - Sở Nội vụ;") is None


# -- when a document takes effect ----------------------------------------------------------------

@pytest.mark.parametrize("sentence, when", [
    ("4. Nghị quyết có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026.", "từ ngày 01 tháng 01 năm 2026"),
    ("Quyết định này có hiệu lực thi hành kể từ ngày ký.", "kể từ ngày ký"),
    ("… ban hành Bảng giá mới áp dụng cho địa phương từ ngày 01/01/2026, làm căn cứ điều chỉnh.",
     "từ ngày 01/01/2026"),
    # «… chịu trách nhiệm thi hành Quyết định này kể từ ngày …» says when it applies too.
    ("Chủ tịch Ủy ban nhân dân các xã chịu trách nhiệm thi hành Quyết định này kể từ ngày 01 tháng 5 năm 2026./.",
     "kể từ ngày 01 tháng 5 năm 2026"),
])
def test_from_when_a_text_applies(sentence: str, when: str) -> None:
    from bot.retrieval.evidence import takes_effect

    assert takes_effect(sentence) == when


def test_the_sentence_saying_when_a_text_applies_leads_over_one_that_voids_another() -> None:
    question = understand("Nghị quyết về mức chi đặc thù có hiệu lực từ khi nào?")
    voided = ("Nghị quyết số 20/2022/NQ-HĐND ngày 12 tháng 9 năm 2022 quy định một số nội dung chi và mức "
              "chi đặc thù hết hiệu lực kể từ ngày Nghị quyết này có hiệu lực thi hành.")
    applies = "Nghị quyết này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026."
    scorer = SentenceScorer(question)
    assert scorer.score(applies, passage(applies), 0.0) > scorer.score(voided, passage(voided), 0.0)


@pytest.mark.parametrize("question, better, worse", [
    # the place a question names picks the document, not the sentence
    ("qd 97/2025 nghe an: quyet dinh ho tro chi phi tu van cho doanh nghiep trong bao nhieu ngay",
     "Trường hợp đủ điều kiện thì quyết định hỗ trợ chi phí cho doanh nghiệp trong 07 ngày làm việc.",
     "Quyết định này quy định trình tự hỗ trợ chi phí tư vấn cho doanh nghiệp trên địa bàn tỉnh Nghệ An."),
    # «UBND» in a question is the «Ủy ban nhân dân» of the sentence
    ("UBND cấp xã thẩm định hồ sơ trong bao nhiêu ngày?",
     "Ủy ban nhân dân cấp xã thẩm định hồ sơ trong 10 ngày làm việc.",
     "Hội đồng cấp xã thẩm định hồ sơ trong 20 ngày làm việc."),
])
def test_the_sentence_that_answers_scores_higher(question: str, better: str, worse: str) -> None:
    scorer = SentenceScorer(understand(question))
    assert scorer.score(better, passage(better), 0.0) > scorer.score(worse, passage(worse), 0.0)


def test_the_date_of_a_cited_document_is_no_deadline() -> None:
    cited = "Thủ tục, hồ sơ thực hiện theo quy định tại Công văn số 7886/HD-BNV ngày 14/9/2025 của Bộ Nội vụ."
    due = "Hồ sơ gửi về Sở Nội vụ, chậm nhất ngày 14/9/2026."
    assert intent_cue(Intent.DEADLINE, cited, passage(cited)) == 0.0
    assert intent_cue(Intent.DEADLINE, due, passage(due)) > 0.5


@pytest.mark.parametrize("question, unit", [
    ("Trạm 5G phải lắp thêm bao nhiêu trạm?", "tram"),
    ("Thuê chuyên gia mức 1 tối đa bao nhiêu tiền một tháng?", "dong"),
    ("Hỗ trợ chứng thư số tối đa bao nhiêu một năm?", None),  # a rate: «một năm» is no unit counted
    ("Giá thuê tối đa bao nhiêu mỗi m2?", None),
    ("Cục loại 1 được bố trí bình quân bao nhiêu cấp phó?", "(?:cap|nguoi)"),  # «04 người» counts them
])
def test_the_unit_a_how_many_question_counts(question: str, unit: str | None) -> None:
    assert asked_unit(question) == unit
