"""Which sentence an answer quotes: words weighed by how rare they are among the candidates,
a time label on the line of its task, dates that count no months, figures in table cells, and
two near-equal sentences quoted together. Unit tests without a store."""
from __future__ import annotations

import re

from bot.retrieval.evidence import (Pick, SentenceScorer, asked_unit, cue_at, excerpt, goods_code, intent_cue, is_preamble,
                                    passage_sentences, table_caption, topic_terms)
from bot.facts.model import Deadline, DeadlineKind, Obligation
from bot.retrieval.answers import Answerer, deadline_line
from bot.retrieval.questions import Intent, described, understand
from bot.retrieval.scope import lacks_figure
from bot.retrieval.search import Passage
from bot.retrieval.vietnamese import fold


def passage(text: str, score: float = 1.0, chunk: str | None = None) -> Passage:
    return Passage(text=text, score=score, source="qd.md", doc_number="3621/QĐ-BYT", chunk_id=chunk or text[:40])


def pick(question: str, *passages: Passage) -> Pick:
    scorer = SentenceScorer(understand(question))
    top = passages[0].score or 1.0
    return scorer.best([(p, p.score / top, passage_sentences(p.text)) for p in passages])


def test_words_every_step_shares_do_not_decide_between_the_steps() -> None:
    # Every step names the prize; only «gửi hồ sơ về Hội đồng cơ sở» tells the step asked for.
    steps = passage(
        "Trước ngày 31 tháng 7 của năm xét tặng, Cục Quản lý Y, Dược cổ truyền thông báo về việc xét tặng "
        "giải thưởng Hải Thượng Lãn Ông trên Cổng thông tin điện tử.\n"
        "Cá nhân lập hồ sơ đề nghị xét tặng giải thưởng Hải Thượng Lãn Ông theo mẫu.\n"
        "Đơn vị quản lý gửi hồ sơ về Hội đồng cơ sở chậm nhất là ngày 30 tháng 9 của năm xét tặng.\n"
        "Hội đồng cơ sở xét tặng giải thưởng Hải Thượng Lãn Ông họp trước ngày 15 tháng 10.\n"
        "Giải thưởng Hải Thượng Lãn Ông được trao vào dịp 27 tháng 2 hằng năm.")
    chosen = pick("giải thưởng Hải Thượng Lãn Ông: đơn vị quản lý gửi hồ sơ về hội đồng cơ sở chậm nhất ngày nào",
                  steps)
    assert "30 tháng 9" in chosen.quoted


def test_a_time_label_on_the_line_of_its_task_dates_that_task() -> None:
    cut = passage_sentences("- Tổng hợp kết quả kiểm kê, báo cáo kết quả kiểm kê gửi Bộ Tài chính. "
                            "Thời gian hoàn thành: Trước ngày 31/5/2026.")
    assert [s.text for s in cut] == ["- Tổng hợp kết quả kiểm kê, báo cáo kết quả kiểm kê gửi Bộ Tài chính. "
                                     "Thời gian hoàn thành: Trước ngày 31/5/2026."]


def test_a_date_counts_no_months_for_a_how_many_months_question() -> None:
    question = understand("trẻ được hỗ trợ tối đa bao nhiêu tháng mỗi năm học?")
    closing = "Nghị quyết này đã được Hội đồng nhân dân tỉnh thông qua ngày 18 tháng 11 năm 2025."
    answer = "Thời gian hỗ trợ tính theo số tháng học thực tế nhưng không quá 09 tháng/năm học."
    scorer = SentenceScorer(question)
    assert intent_cue(question.intent, closing, passage(closing), scorer.unit) == 0.0
    assert intent_cue(question.intent, answer, passage(answer), scorer.unit) == 1.0


def test_a_number_in_a_table_cell_of_its_own_is_a_figure() -> None:
    assert intent_cue(Intent.AMOUNT, "- Trưởng ban | 692 | người/ngày", passage("x")) > 0
    assert intent_cue(Intent.AMOUNT, "1 | Đền Bạch Mã, số 76 Hàng Buồm | đồng/lượt/khách | 20.000", passage("x")) > 0
    assert intent_cue(Intent.AMOUNT, "I | Tốt nghiệp trung học phổ thông | 1. Ban Chỉ đạo thi", passage("x")) == 0


def test_two_sentences_that_answer_nearly_as_well_are_both_quoted() -> None:
    text = ("Thực hiện báo cáo định kỳ 06 tháng (trước ngày 20/6), năm (trước ngày 20/12) về Sở Khoa học và "
            "Công nghệ.\nBáo cáo Ủy ban nhân dân tỉnh định kỳ 06 tháng (trước ngày 30/6), năm (trước ngày 25/12) "
            "về Sở Khoa học và Công nghệ.")
    chosen = pick("báo cáo năm về Sở Khoa học và Công nghệ trước ngày nào", passage(text))
    assert "20/12" in chosen.quoted and "25/12" in chosen.quoted
    # One that answers clearly better is quoted alone.
    alone = pick("báo cáo Ủy ban nhân dân tỉnh định kỳ 06 tháng trước ngày nào", passage(text))
    assert alone.quoted.count("trước ngày 30/6") == 1 and "20/6" not in alone.quoted



class FixedScores(SentenceScorer):
    """Scores set by hand: words matched, and the cue of the asked kind of fact."""

    SCORES = {"A": (5.0, 0.6), "B": (4.3, 1.0), "C": (4.8, 0.0)}

    def _matching(self, sentence: str, passage: Passage, rank_share: float) -> float:
        return self.SCORES[sentence[0]][0]

    def _cue(self, sentence: str, passage: Passage) -> float:
        return self.SCORES[sentence[0]][1]


def test_a_close_runner_up_is_found_even_when_it_matches_fewer_words() -> None:
    # B matches fewer words than C, but its date brings it within reach of A: A and B are quoted.
    # (asked «khi nào»: a question asking which date keeps only the sentences stating one)
    text = "A báo cáo kết quả định kỳ.\nB báo cáo trước ngày 31/01 năm sau.\nC tổng hợp kết quả báo cáo."
    scorer = FixedScores(understand("báo cáo kết quả khi nào"))
    chosen = scorer.best([(passage(text), 1.0, passage_sentences(text))])
    assert chosen.sentence.startswith("A") and "31/01" in chosen.quoted and "C tổng" not in chosen.quoted


def test_a_field_whose_label_names_what_is_asked_answers_before_a_longer_sentence() -> None:
    # The step shares more of the question's words; the field's label says it holds the time asked.
    text = ("- Bước 1: Cơ quan, tổ chức đề nghị chuyển giao đơn vị sự nghiệp công lập gửi hồ sơ đề nghị thẩm định "
            "chuyển giao đến Bộ Nội vụ để giải quyết theo quy định.\n"
            "- Thời hạn giải quyết thủ tục: Trong 15 (mười lăm) ngày, kể từ ngày nhận đủ hồ sơ hợp lệ.")
    chosen = pick("thủ tục thẩm định chuyển giao đơn vị sự nghiệp công lập giải quyết trong bao lâu", passage(text))
    assert "15 (mười lăm) ngày" in chosen.quoted
    # A short label («Nội dung:») and a row of several fields are no such field.
    content = "- Nội dung: tuyên truyền quy định về thời hạn giải quyết thủ tục chuyển giao."
    assert SentenceScorer(understand("giải quyết thủ tục trong bao lâu")).label(passage_sentences(content)[0]) == 0


def test_a_manner_asked_is_answered_by_the_line_that_states_it() -> None:
    # «theo những hình thức nào» in a document about that support (its title's words tell no line apart):
    # the step that shares more words says where, the titled line says how
    text = ("b) Trong thời hạn thông báo, hộ gia đình và cá nhân nộp 01 (một) hồ sơ đăng ký hỗ trợ đến Trung tâm phục "
            "vụ hành chính công cấp xã.\n"
            "c) Hình thức nộp hồ sơ - Trực tiếp; - Qua dịch vụ công ích; - Dịch vụ công trực tuyến.")
    title = topic_terms(fold("Quy trình rà soát đối tượng hỗ trợ đất sản xuất, nước sinh hoạt"))

    def chosen(question: str) -> str:
        found = passage(text)
        return SentenceScorer(understand(question), title).best([(found, 1.0, passage_sentences(text))]).quoted

    assert "Qua dịch vụ công ích" in chosen("hồ sơ đăng ký hỗ trợ đất sản xuất, nước sinh hoạt được nộp theo những "
                                            "hình thức nào?")
    # a question that asks no manner keeps the step
    assert "Trung tâm phục vụ" in chosen("hồ sơ đăng ký hỗ trợ đất sản xuất, nước sinh hoạt nộp ở đâu")


def test_how_to_hand_something_in_is_not_answered_by_a_line_on_another_manner() -> None:
    plan = passage("2. Hình thức khen thưởng - Bằng khen của Thủ tướng Chính phủ; - Bằng khen của Chủ tịch UBND tỉnh.\n"
                   "b) Hồ sơ đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh nộp 01 bộ (bản pdf) qua hệ thống phần mềm "
                   "quản lý văn bản điện tử Idesk của Sở Nội vụ.")
    assert "Idesk" in pick("hồ sơ đề nghị tặng bằng khen chủ tịch UBND tỉnh nộp bằng cách nào", plan).quoted
    # the manner asked is the award's: the line labelled with it answers
    assert "Thủ tướng" in pick("khen thưởng theo những hình thức nào", plan).quoted


def test_the_agency_a_report_goes_through_is_the_one_after_qua() -> None:
    plan = passage("4. Sở Nội vụ - Chủ trì, phối hợp với các cơ quan, đơn vị tổ chức thực hiện Kế hoạch này; tổng "
                   "hợp, báo cáo UBND tỉnh kết quả Đợt thi đua.\n"
                   "- Báo cáo Ủy ban nhân dân tỉnh về kết quả Đợt thi đua (qua Sở Nội vụ) khi tổng kết Đợt thi đua.")
    question = "khi tổng kết đợt thi đua các cơ quan, đơn vị báo cáo kết quả qua cơ quan nào"
    chosen = pick(question, plan)
    assert "(qua Sở Nội vụ)" in chosen.quoted
    answerer = Answerer(search=None)  # type: ignore[arg-type]  # the fact line reads only the sentence
    assert answerer._fact(understand(question), chosen, set()) == "Gửi qua: Sở Nội vụ."


def test_a_clause_a_line_break_cut_goes_on_the_sentence_above() -> None:
    text = ("(2) Các bộ, ngành, địa phương tổ chức rà soát, đánh giá chất lượng các cơ sở dữ liệu thuộc phạm vi "
            "quản lý;\n"
            "gửi kết quả về Bộ Công an trước ngày 10 tháng 12 năm 2025;\n"
            "- Bộ Công an công bố kết quả trong năm 2026.")
    [first, second] = passage_sentences(text)
    assert first.text.endswith("gửi kết quả về Bộ Công an trước ngày 10 tháng 12 năm 2025;")
    assert second.text.startswith("- Bộ Công an")  # an item of its own stays apart


def test_a_title_a_question_and_a_blank_form_line_never_lead() -> None:
    title = passage("DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH TRONG LĨNH VỰC BÁO CHÍ THUỘC SỞ VĂN HÓA TỈNH QUẢNG TRỊ\n"
                    "Thủ tục cấp giấy phép xuất bản bản tin được giải quyết trong 03 ngày làm việc.")
    assert "03 ngày" in pick("thủ tục hành chính mới lĩnh vực báo chí giải quyết bao nhiêu ngày", title).quoted
    leaflet = passage("Nơi an táng nguyên Chủ tịch nước ở đâu?\n"
                      "Nơi an táng nguyên Chủ tịch nước tại nghĩa trang quê nhà, xã Phổ Khánh, tỉnh Quảng Ngãi.")
    assert "Phổ Khánh" in pick("nguyên Chủ tịch nước được an táng ở đâu", leaflet).quoted
    form = passage("Tôi đăng ký được hỗ trợ đất ở, nhà ở: …………………………\n"
                   "Hộ gia đình nộp hồ sơ đăng ký hỗ trợ đất ở, nhà ở tại Trung tâm phục vụ hành chính công cấp xã.")
    assert "Trung tâm" in pick("hộ gia đình đăng ký hỗ trợ đất ở, nhà ở nộp ở đâu", form).quoted


def test_a_rule_resting_on_the_text_itself_is_no_preamble() -> None:
    rules = passage("Căn cứ Nghị định số 66/2025/NĐ-CP ngày 12 tháng 3 năm 2025 của Chính phủ quy định chính sách cho "
                    "trẻ em, học sinh trường phổ thông dân tộc nội trú;\n"
                    "Căn cứ khoản 1 và khoản 2 Điều 2 của Quyết định này và tình hình thực tế của cơ sở giáo dục, Hiệu "
                    "trưởng các trường phổ thông dân tộc nội trú chịu trách nhiệm mua và cung cấp đồ dùng cá nhân, học "
                    "phẩm cho học sinh.\n"
                    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ngành chịu trách nhiệm thi hành "
                    "Quyết định này.")
    chosen = pick("ai chịu trách nhiệm mua và cung cấp đồ dùng cá nhân, học phẩm cho học sinh trường phổ thông dân "
                  "tộc nội trú", rules)
    assert "Hiệu trưởng" in chosen.quoted


def test_a_letters_conclusion_resting_on_the_rules_it_quoted_is_no_preamble() -> None:
    # A tax letter quotes the rules, then concludes «Căn cứ quy định nêu trên, …»: the conclusion answers.
    letter = passage("Tại điểm c khoản 3 Điều 44 Nghị định số 103/2024/NĐ-CP ngày 30/7/2024 của Chính phủ quy định trách "
                     "nhiệm của cơ quan thuế trong việc xác định đơn giá thuê đất trả tiền thuê đất hằng năm, đơn giá "
                     "thuê đất thu một lần cho cả thời gian thuê.\n"
                     "Căn cứ quy định nêu trên, cơ quan thuế không có trách nhiệm xác định đơn giá thuê đất thu một lần "
                     "của thời hạn thuê sau khi đã trừ đi thời gian được miễn.")
    chosen = pick("Cơ quan thuế có trách nhiệm xác định đơn giá thuê đất thu một lần sau khi đã trừ thời gian được "
                  "miễn không?", letter)
    assert "không có trách nhiệm" in chosen.quoted
    assert not is_preamble("Căn cứ các quy định, hướng dẫn nêu trên, thuế GTGT đầu vào được khấu trừ toàn bộ.")
    assert is_preamble("Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ;")
    # a letter reasoning from a provision to what follows from it («Căn cứ Điều 10 … thì …») answers too
    assert not is_preamble("Căn cứ Điều 10 Nghị định số 43/2017/NĐ-CP ngày 14/4/2017 của Chính phủ thì khi làm thủ tục "
                           "thông quan, cơ quan hải quan kiểm tra các nội dung bắt buộc trên nhãn gốc: Tên hàng hóa; "
                           "Xuất xứ hàng hóa.")
    assert is_preamble("Căn cứ Điều 10 Nghị định số 43/2017/NĐ-CP ngày 14/4/2017 của Chính phủ về nhãn hàng hóa;")


def test_which_text_is_cited_is_answered_by_a_sentence_naming_another_text() -> None:
    # The opening repeats the question's words; only the later sentence names the letter cited.
    letter = passage("Cục Thuế nhận được câu hỏi của độc giả về chính sách thuế thu nhập cá nhân đối với khoản tiền "
                     "ăn giữa ca, ăn trưa theo Công văn 5332/CT-CS.\n"
                     "Liên quan đến vướng mắc về mức tiền ăn trưa, Cục Thuế đã có công văn số 5106/CT-CS ngày "
                     "12/11/2025 hướng dẫn.")
    chosen = pick("Công văn 5332/CT-CS của Cục Thuế về thuế thu nhập cá nhân đối với tiền ăn giữa ca, ăn trưa "
                  "dẫn chiếu công văn nào?", letter)
    assert "5106/CT-CS" in chosen.quoted


def test_which_letter_a_reply_answers_is_the_one_it_says_it_received() -> None:
    letter = passage("Cục Thuế nhận được công văn số 708/AGI-QLDN1 ngày 26/9/2025 của Thuế tỉnh An Giang về chính sách "
                     "thuế giá trị gia tăng.\n"
                     "Cục Thuế trả lời công văn để Thuế tỉnh An Giang biết và thực hiện.")
    chosen = pick("cv 5489/ct-cs ve thue gtgt la tra loi cong van so may cua thue tinh an giang", letter)
    assert "708/AGI-QLDN1" in chosen.quoted


def test_a_replys_opening_restates_the_question_but_answers_only_whom_it_replies_to() -> None:
    # «Trả lời công văn số … về vướng mắc …» repeats the matter asked; the body says whom to contact.
    letter = passage("Trả lời công văn số USABC-HN-20251121-01 ngày 21/11/2025 của Hội đồng Kinh doanh Hoa kỳ - ASEAN về "
                     "vướng mắc liên quan đến ghi địa chỉ trên nhãn hàng hóa sau sắp xếp đơn vị hành chính, Cục Hải quan "
                     "có ý kiến như sau:\n"
                     "Theo đó, đề nghị Hội đồng Kinh doanh Hoa kỳ - ASEAN liên hệ với Bộ Khoa học và Công nghệ là đơn vị "
                     "chủ trì xây dựng quy định về nhãn hàng hóa để được hướng dẫn.")
    asked = ("Vướng mắc về ghi địa chỉ trên nhãn hàng hóa sau sắp xếp đơn vị hành chính thì Cục Hải quan đề nghị liên "
             "hệ cơ quan nào?")
    assert "Bộ Khoa học và Công nghệ" in pick(asked, letter).quoted
    # whom the letter replies to is said by its opening
    assert "Hội đồng Kinh doanh Hoa kỳ" in pick("công văn về ghi địa chỉ trên nhãn hàng hóa trả lời tổ chức nào",
                                                letter).sentence


def test_the_grounds_asked_for_may_be_quoted_from_the_preamble() -> None:
    # «Theo đề nghị …» never leads an answer, except to the question which letters proposed it.
    decision = passage("Theo đề nghị của Sở Giáo dục và Đào tạo tại Công văn số 1383/SGDĐT-KHTC ngày 30/9/2025 về việc "
                       "rà soát danh sách mua sắm tập trung.\n"
                       "Giám đốc Sở Giáo dục và Đào tạo chịu trách nhiệm thi hành Quyết định này theo Quyết định số "
                       "2638/QĐ-UBND ngày 18/11/2025.")
    chosen = pick("Sở Giáo dục và Đào tạo đã đề nghị bãi bỏ tại những công văn nào?", decision)
    assert "1383/SGDĐT-KHTC" in chosen.quoted
    assert "Giám đốc" in pick("ai chịu trách nhiệm thi hành quyết định về mua sắm tập trung", decision).quoted


def test_whose_proposal_a_decision_answers_is_quoted_from_its_proposal_line() -> None:
    # «ban hành theo đề nghị của sở nào» names no text; only the preamble's «Theo đề nghị …» line says whose.
    decision = passage("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n"
                       "Theo đề nghị của Sở Tài chính tại Tờ trình số 4410/TTr-STC ngày 10/11/2025.\n"
                       "Sở Tài chính, Sở Xây dựng và Ủy ban nhân dân các xã chịu trách nhiệm thi hành Quyết định này.")
    assert "Tờ trình số 4410" in pick("quyết định bãi bỏ quy định phân cấp tài sản công ban hành theo đề nghị của sở "
                                      "nào", decision).quoted
    assert "4410/TTr-STC" in pick("qd nay ban hanh theo to trinh so may", decision).quoted
    assert "thi hành" in pick("sở nào chịu trách nhiệm thi hành quyết định", decision).quoted


def test_when_a_cited_text_was_issued_is_read_from_the_sentence_that_dates_it() -> None:
    letter = passage("Cục Thuế nhận được câu hỏi của độc giả về chính sách thuế thu nhập cá nhân đối với tiền ăn giữa ca.\n"
                     "Cục Thuế đã có công văn số 5106/CT-CS ngày 12/11/2025 về việc chính sách thuế thu nhập cá nhân.\n"
                     "Cục Thuế thông báo để độc giả được biết.")
    chosen = pick("công văn 5106/CT-CS mà Cục Thuế dẫn chiếu về tiền ăn giữa ca ban hành ngày nào", letter)
    assert "12/11/2025" in chosen.quoted


def test_which_provision_of_a_cited_text_is_read_from_the_line_that_cites_it() -> None:
    # A letter's own «Căn cứ …» lines are its reasoning: the one citing the text asked names the provision.
    letter = passage("Căn cứ điểm e khoản 1 Điều 39, khoản 2 Điều 44 Nghị định số 103/2024/NĐ-CP ngày 30/7/2024 của Chính "
                     "phủ quy định về tiền sử dụng đất, tiền thuê đất;\n"
                     "Căn cứ điểm h khoản 1 Điều 19 Nghị định số 46/2014/NĐ-CP ngày 15/5/2014 của Chính phủ quy định về thu "
                     "tiền thuê đất, thuê mặt nước;\n"
                     "Cục Thuế trả lời để Thuế tỉnh Đắk Lắk biết và thực hiện./.")
    chosen = pick("Cục Thuế trả lời về tiền thuê đất căn cứ điểm, khoản, điều nào của Nghị định 46/2014/NĐ-CP?", letter)
    assert "điểm h khoản 1 Điều 19" in chosen.quoted
    # «thời điểm nào» asks a time, no provision
    assert "trả lời" in pick("Cục Thuế trả lời Thuế tỉnh Đắk Lắk về tiền thuê đất theo Nghị định 46/2014/NĐ-CP vào thời "
                             "điểm nào?", letter).quoted


def test_before_whom_one_answers_is_read_from_the_line_that_says_so() -> None:
    charter = passage("Giám đốc Trung tâm Bảo tồn di sản chịu trách nhiệm tổ chức thực hiện Quy chế này.\n"
                      "- Giám đốc là người đứng đầu Trung tâm, chịu trách nhiệm trước Giám đốc Sở Văn hóa, Thể thao và "
                      "Du lịch và trước pháp luật về việc thực hiện chức năng, nhiệm vụ được giao.")
    chosen = pick("giám đốc trung tâm bảo tồn di sản chịu trách nhiệm trước ai", charter)
    assert "trước Giám đốc Sở" in chosen.quoted


def test_a_sub_items_lines_keep_the_name_of_the_item_they_belong_to() -> None:
    # Each procedure's «x.1. Nội dung đề xuất» says the same words; only its item names the procedure.
    plan = passage("3. Thủ tục Ra quyết định bắt buộc chuyển giao quyền sử dụng sáng chế\n"
                   "3.1. Nội dung đề xuất đơn giản hóa\n"
                   "Rút ngắn thời gian giải quyết TTHC: từ 40 ngày thành 28 ngày.\n"
                   "3.2. Kiến nghị thực thi\n"
                   "Sửa đổi Điều 56 của Nghị định số 65/2023/NĐ-CP.\n"
                   "4. Thủ tục Cấp văn bằng bảo hộ giống cây trồng\n"
                   "4.1. Nội dung đề xuất đơn giản hóa\n"
                   "Rút ngắn thời gian giải quyết TTHC: từ 20 ngày còn 15 ngày.")
    cut = passage_sentences(plan.text)
    assert cut[0].heading.startswith("3. Thủ tục Ra quyết định") and cut[1].heading.endswith("3.2. Kiến nghị thực thi")
    assert cut[2].heading == "4. Thủ tục Cấp văn bằng bảo hộ giống cây trồng 4.1. Nội dung đề xuất đơn giản hóa"
    chosen = pick("thủ tục ra quyết định bắt buộc chuyển giao quyền sử dụng sáng chế được rút ngắn còn bao nhiêu ngày",
                  plan)
    assert "28 ngày" in chosen.quoted


def test_a_lettered_sub_items_lines_keep_the_name_of_their_numbered_item() -> None:
    # Both «a) Mức kinh phí:» say the same words; only their items say whose sum each is.
    rule = passage("1. Cơ quan nhà nước được giao quản lý rừng phòng hộ, đặc dụng\n"
                   "a) Mức kinh phí:\n"
                   "- Kinh phí bảo vệ rừng đặc dụng bình quân 1.446.000 đồng/ha/năm trên tổng diện tích được giao.\n"
                   "b) Nội dung chi: bảo vệ rừng, phòng cháy, chữa cháy rừng.\n"
                   "2. Các hộ gia đình, cá nhân được giao rừng\n"
                   "a) Mức kinh phí:\n"
                   "- Được cấp kinh phí bảo vệ rừng đặc dụng bình quân 1.296.000 đồng/ha/năm trên diện tích được giao.")
    cut = passage_sentences(rule.text)
    assert cut[0].heading == "1. Cơ quan nhà nước được giao quản lý rừng phòng hộ, đặc dụng a) Mức kinh phí:"
    assert cut[1].heading == ""  # «b) Nội dung chi: …» ends «a)», and is no heading of its own
    chosen = pick("cơ quan nhà nước được giao quản lý rừng đặc dụng được cấp kinh phí bảo vệ rừng bình quân bao nhiêu "
                  "đồng/ha/năm", rule)
    assert "1.446.000" in chosen.quoted


def test_the_firm_a_notice_is_sent_to_is_the_one_it_notifies() -> None:
    # The goods' lines name the goods asked far more often; only the closing line says which firm is told.
    notice = passage("1. Hàng hóa đề nghị xác định trước mã số do tổ chức, cá nhân cung cấp:\n"
                     "Tên thương mại: Magic The Gathering Commander Deck\n"
                     "3. Kết quả xác định trước mã số:\n"
                     "Tên thương mại: Magic The Gathering Commander Deck, thuộc nhóm 95.04\n"
                     "Cục trưởng Cục Hải quan thông báo để Công ty TNHH Giải trí Our game TCG Trading biết và thực hiện./.")
    question = ("Thông báo về kết quả xác định trước mã số bộ thẻ Magic The Gathering Commander Deck được gửi cho "
                "doanh nghiệp nào biết và thực hiện?")
    assert understand(question).intent is Intent.RECIPIENT
    assert "Our game TCG Trading" in pick(question, notice).quoted


def test_a_header_row_that_names_a_school_year_is_read_as_headers() -> None:
    cut = passage_sentences("STT | Tên đơn vị | Mức học phí năm học 2025-2026\n1 | Nhà trẻ | 5.100.000")
    assert [s.text for s in cut] == ["Tên đơn vị: Nhà trẻ; Mức học phí năm học 2025-2026: 5.100.000"]


def test_a_citing_plans_sentence_is_read_with_the_section_it_sits_in() -> None:
    # The step says where to file; its section says what is filed: together they answer.
    step = "b) Trong thời hạn thông báo, hộ gia đình nộp 01 hồ sơ đến Trung tâm phục vụ hành chính công cấp xã."
    under = Passage(text=step, score=1.0, source="qd.md", section="Điều 4. Quy trình rà soát đối tượng hỗ trợ đất ở, nhà ở")
    scorer = SentenceScorer(understand("hộ gia đình đăng ký hỗ trợ đất ở, nhà ở nộp hồ sơ ở đâu"))
    assert scorer.supports(Pick(step, under, 1.0))
    assert not scorer.supports(Pick(step, Passage(text=step, score=1.0, source="qd.md"), 1.0))


def test_a_text_about_the_one_named_is_read_with_its_title() -> None:
    # A circular repealing the one asked: its effective date says nothing of the repealed text's topic;
    # its title, which names that text, does.
    line = "1. Thông tư này có hiệu lực thi hành từ ngày 10 tháng 01 năm 2026."
    under = Passage(text=line, score=1.0, source="tt.md", section="Điều 2. Điều khoản thi hành")
    scorer = SentenceScorer(understand("Thông tư bãi bỏ Thông tư 73/2017/TT-BTC về ngân sách hỗ trợ chi phí khám "
                                       "sức khỏe, điều trị nghiện có hiệu lực từ ngày nào?"))
    title = ("BÃI BỎ THÔNG TƯ SỐ 73/2017/TT-BTC QUY ĐỊNH VỀ NGÂN SÁCH HỖ TRỢ CHI PHÍ KHÁM SỨC KHỎE, ĐIỀU TRỊ "
             "NGHIỆN CÁC CHẤT DẠNG THUỐC PHIỆN")
    assert scorer.supports(Pick(line, under, 1.0), title)
    assert not scorer.supports(Pick(line, under, 1.0))


def test_words_of_asking_are_not_looked_for_in_the_sentences() -> None:
    # «nội dung gì» asks what a text is about and «ngoài ra còn» for one more: no line says either.
    assert "dung" not in SentenceScorer(understand("Quyết định 42/2018 quy định về nội dung gì?")).wanted
    assert not {"ngoai", "con"} & SentenceScorer(understand("ngoai ra con bai bo qd nao")).wanted


def test_the_quote_is_cut_around_the_figure_of_the_unit_asked() -> None:
    text = ("(4) đôn đốc các doanh nghiệp viễn thông phủ sóng 5G trên phạm vi toàn quốc, phải đạt 90% trong năm "
            "2025 (đến nay mới đạt 39,5%); " + "tháo gỡ vướng mắc của các dự án hạ tầng số; " * 12
            + "(5) dự án Starlink phấn đấu đạt 500.000 thuê bao trong năm 2026.")
    scorer = SentenceScorer(understand("dự án Starlink phấn đấu đạt bao nhiêu thuê bao"))
    at = cue_at(Intent.AMOUNT, text, scorer.wanted, scorer.unit)
    assert "500.000 thuê bao" in excerpt(text, 300, at)


def test_of_a_sentences_deadlines_the_fact_line_gives_the_one_asked() -> None:
    sentence = ("(1) Thanh tra Chính phủ ban hành chiến lược dữ liệu trước ngày 25 tháng 11 năm 2025; (2) các bộ, "
                "ngành, địa phương gửi kết quả rà soát, xếp hạng chất lượng cơ sở dữ liệu về Bộ Công an trước "
                "ngày 10 tháng 12 năm 2025.")
    question = understand("các bộ gửi kết quả rà soát, xếp hạng cơ sở dữ liệu về Bộ Công an trước ngày nào?")
    scorer = SentenceScorer(question)
    answerer = Answerer(search=None)  # type: ignore[arg-type]  # the fact line reads only the sentence
    line = answerer._fact(question, Pick(sentence, passage(sentence), 1.0), scorer.wanted)
    assert line is not None and line.endswith("trước ngày 10 tháng 12 năm 2025.")


def test_items_carry_the_line_that_announces_them() -> None:
    text = ("1. Ủy ban nhân dân tỉnh phân cấp thẩm quyền cho Sở Tư pháp tỉnh Đồng Nai ký Quyết định việc nuôi con "
            "nuôi có yếu tố nước ngoài đối với các trường hợp sau:\n"
            "a) Quyết định việc nuôi con nuôi có yếu tố nước ngoài đối với trẻ em sống ở cơ sở nuôi dưỡng.\n"
            "b) Quyết định việc đăng ký lại việc nuôi con nuôi có yếu tố nước ngoài.\n"
            "Sở Tư pháp báo cáo kết quả thực hiện hằng năm.\n"
            "- Tổng hợp kết quả.")
    cut = passage_sentences(text)
    assert "Sở Tư pháp tỉnh Đồng Nai" in cut[1].full and "Sở Tư pháp tỉnh Đồng Nai" in cut[2].full
    assert cut[-1].heading == ""  # a line of prose between ends what the announcement covers
    chosen = pick("cơ quan nào ký quyết định nuôi con nuôi có yếu tố nước ngoài đối với trẻ em ở cơ sở nuôi dưỡng",
                  passage(text))
    assert "Sở Tư pháp" in chosen.quoted and "cơ sở nuôi dưỡng" in chosen.quoted


def test_a_numbered_item_keeps_its_number() -> None:
    cut = passage_sentences("2. Thời gian nộp hồ sơ: các đơn vị gửi hồ sơ về Sở Nội vụ trước ngày 31 tháng 3 hằng năm.")
    assert [s.text for s in cut] == ["2. Thời gian nộp hồ sơ: các đơn vị gửi hồ sơ về Sở Nội vụ trước ngày 31 "
                                     "tháng 3 hằng năm."]


def test_an_article_named_for_a_unit_says_whose_its_items_are() -> None:
    text = ("Điều 2. Sở Giáo dục và Đào tạo\n"
            "1. Quyết định việc nâng bậc lương thường xuyên, nâng bậc lương trước thời hạn đối với viên chức "
            "trong các cơ sở giáo dục.\n"
            "Điều 3. Tổ chức thực hiện\n"
            "1. Các sở, ngành phối hợp thực hiện Quyết định này.")
    cut = passage_sentences(text)
    assert cut[0].heading == "Điều 2. Sở Giáo dục và Đào tạo" and cut[1].heading == "Điều 3. Tổ chức thực hiện"
    chosen = pick("ai quyết định nâng bậc lương trước thời hạn cho viên chức trong các cơ sở giáo dục?", passage(text))
    assert "Sở Giáo dục và Đào tạo" in chosen.quoted


def test_a_procedures_handling_time_on_the_next_line_joins_the_procedure() -> None:
    cut = passage_sentences("5. Thủ tục xác nhận cán bộ Quân đội nghỉ hưu mắc bệnh hiểm nghèo.\n"
                            "- Thời gian giải quyết TTHC: 09 ngày làm việc.")
    assert [s.text for s in cut] == ["5. Thủ tục xác nhận cán bộ Quân đội nghỉ hưu mắc bệnh hiểm nghèo. "
                                     "- Thời gian giải quyết TTHC: 09 ngày làm việc."]


def test_a_handling_time_on_a_line_of_its_own_joins_the_procedure_named_above_it() -> None:
    # a catalogue row whose cells the cleaned text puts on lines of their own
    cut = passage_sentences("1 | 2.002755\n"
                            "Thủ tục giải quyết chế độ trợ cấp một lần đối với thanh niên xung phong đã thôi việc\n"
                            "12 ngày làm việc kể từ ngày nhận đủ hồ sơ theo quy định.\n"
                            "- Nộp hồ sơ trực tiếp hoặc qua dịch vụ bưu chính công ích.")
    assert [s.text for s in cut][1:] == [
        "Thủ tục giải quyết chế độ trợ cấp một lần đối với thanh niên xung phong đã thôi việc "
        "12 ngày làm việc kể từ ngày nhận đủ hồ sơ theo quy định.",
        "- Nộp hồ sơ trực tiếp hoặc qua dịch vụ bưu chính công ích."]
    # a time after a line that names no procedure stays a sentence of its own
    assert len(passage_sentences("Bước 2: Thẩm định hồ sơ.\n12 ngày làm việc kể từ ngày nhận đủ hồ sơ.")) == 2


PROCEDURES = (
    "1. Quy trình nội bộ giải quyết TTHC: Thủ tục giải thể tổ chức thanh niên xung phong cấp tỉnh (Mã TTHC: 1.003999)\n"
    "Bước thực hiện | Nội dung công việc | Đơn vị thực hiện | Thời gian thực hiện (tính mỗi ngày 08 giờ)\n"
    "Bước 1 | Tiếp nhận hồ sơ, chuyển hồ sơ về Sở Nội vụ | Bộ phận một cửa | 0,5 ngày làm việc\n"
    "Bước 2 | Thẩm định hồ sơ, trình lãnh đạo Sở | Phòng Xây dựng chính quyền | 09 ngày làm việc\n"
    "Tổng thời gian giải quyết | 10,5 ngày làm việc\n"
    "2. Quy trình nội bộ giải quyết TTHC: Thủ tục xác nhận phiên hiệu thanh niên xung phong ở cấp tỉnh "
    "(Mã TTHC: 2.001683)\n"
    "Bước thực hiện | Nội dung công việc | Đơn vị thực hiện | Thời gian thực hiện (tính mỗi ngày 08 giờ)\n"
    "Bước 1 | Tiếp nhận hồ sơ, chuyển hồ sơ về Sở Nội vụ | Bộ phận một cửa | 0,5 ngày làm việc\n"
    "Bước 2 | Thẩm định hồ sơ, trình lãnh đạo Sở | Phòng Xây dựng chính quyền | 30 ngày làm việc\n")


def test_a_procedures_total_time_is_told_by_the_caption_above_its_table() -> None:
    # The total rows name no procedure: the numbered caption above each table says whose they are,
    # and a table running on into the next passage keeps the caption it had.
    first, rest = passage(PROCEDURES), passage("Tổng thời gian giải quyết | 31,5 ngày làm việc", score=0.5)
    caption = table_caption([first.text])
    assert caption.startswith("2. Quy trình nội bộ giải quyết TTHC: Thủ tục xác nhận phiên hiệu")
    scorer = SentenceScorer(understand("Thủ tục xác nhận phiên hiệu thanh niên xung phong ở cấp tỉnh giải quyết trong "
                                       "tổng cộng bao nhiêu ngày làm việc?"))
    chosen = scorer.best([(first, 1.0, passage_sentences(first.text)),
                          (rest, 0.5, passage_sentences(rest.text, None, caption))])
    assert "31,5 ngày làm việc" in chosen.quoted and "xác nhận phiên hiệu" in chosen.quoted
    other = pick("Thủ tục giải thể tổ chức thanh niên xung phong cấp tỉnh có tổng thời gian giải quyết bao nhiêu ngày?",
                 first)
    assert "10,5 ngày làm việc" in other.quoted


def test_only_a_numbered_line_a_few_lines_above_a_table_captions_it() -> None:
    steps = passage_sentences("5. Thủ tục xác nhận cán bộ Quân đội nghỉ hưu mắc bệnh hiểm nghèo.\n"
                              "- Thời gian giải quyết TTHC: 09 ngày làm việc.\n"
                              "TT | Nội dung công việc | Thời gian thực hiện\n"
                              "B8 | Tổng hợp danh sách báo cáo về Cục Chính trị Quân khu | 01 ngày")
    assert steps[-1].heading.startswith("5. Thủ tục xác nhận cán bộ Quân đội")
    catalogue = passage_sentences("Điều 4. Hiệu lực và trách nhiệm thi hành\n"
                                  "1. Quyết định này có hiệu lực kể từ ngày ký.\n"
                                  "2. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này.\n"
                                  "Nơi nhận:\n- Như Điều 4;\n- Lưu: VT.\n"
                                  "DANH MỤC THỦ TỤC HÀNH CHÍNH\n"
                                  "1 | 1.014464 | Thủ tục cấp giấy chứng nhận lưu hành tự do (CFS)")
    assert catalogue[-1].heading == ""


def test_a_header_row_may_hold_a_figure_in_an_aside() -> None:
    [row] = passage_sentences("Bước | Đơn vị thực hiện | Thời gian thực hiện (tính mỗi ngày 08 giờ làm việc)\n"
                              "Bước 1 | Trung tâm Phục vụ hành chính công | 8 giờ")
    assert row.text == "Bước: Bước 1; Đơn vị thực hiện: Trung tâm Phục vụ hành chính công; " \
                       "Thời gian thực hiện (tính mỗi ngày 08 giờ làm việc): 8 giờ"


def test_a_field_of_a_numbered_item_is_read_under_the_item() -> None:
    # «Hình thức:» alone names the kind of fact asked; the item above says which activity it is of.
    plan = passage("1. Quan trắc chất lượng nước tại các vùng nuôi tôm tập trung\n"
                   "- Nội dung: Quan trắc 21 ao nuôi đại diện;\n"
                   "- Hình thức: Thuê đơn vị quan trắc có đủ điều kiện.\n"
                   "2. Thông tin tuyên truyền nâng cao nhận thức về quản lý chất lượng nước trong nuôi trồng thủy sản\n"
                   "- Nội dung: Tuyên truyền các quy định, tiêu chuẩn, quy chuẩn quốc gia về chất lượng nước nuôi "
                   "trồng thủy sản;\n"
                   "hướng dẫn quan trắc, giám sát môi trường nuôi chủ động.\n"
                   "- Hình thức: In tài liệu cấp phát cho cán bộ cấp xã, hợp tác xã.\n"
                   "- Số lượng: 5.000 cuốn.")
    chosen = pick("hinh thuc tuyen truyen ve chat luong nuoc nuoi trong thuy san la gi", plan)
    assert "In tài liệu cấp phát" in chosen.quoted


def test_the_steps_of_a_procedure_are_read_one_by_one() -> None:
    # «Bước 2: …», «Bước 3: …» look like the labelled fields of one item («- Hình thức: …», «- Số lượng: …»), but
    # each is a step of its own: read as one, the steps' many words outweigh the one sentence that answers.
    cut = passage_sentences("Bước 1: Cơ sở nộp hồ sơ đề nghị mua thuốc về Sở Y tế.\n"
                            "Bước 2: Sở Y tế trả cho cơ sở Phiếu tiếp nhận hồ sơ.\n"
                            "Bước 3: Trường hợp có yêu cầu sửa đổi, bổ sung, Sở Y tế thông báo cho cơ sở.")
    assert [s.text[:7] for s in cut] == ["Bước 1:", "Bước 2:", "Bước 3:"]


def test_the_case_a_question_puts_is_matched_by_the_sentence_that_sets_it_out() -> None:
    # Every step names the head of the body and the trainee; only one line sets out the case of a trainee not
    # taken in, which the question puts («nếu … thì …»).
    steps = passage("Bước 4: Người đứng đầu cơ sở nhận xét bằng văn bản về kỹ năng của người thực hành.\n"
                    "Bước 5: Người đứng đầu cơ sở cấp giấy xác nhận quá trình thực hành cho người thực hành trong 01 "
                    "ngày làm việc.\n"
                    "- Trong trường hợp không tiếp nhận người thực hành, người đứng đầu cơ sở, đơn vị phải trả lời "
                    "bằng văn bản")
    chosen = pick("Khi cấp giấy xác nhận quá trình thực hành công tác xã hội, nếu cơ sở không tiếp nhận người thực "
                  "hành thì người đứng đầu phải trả lời theo hình thức nào?", steps)
    assert chosen.quoted.startswith("- Trong trường hợp không tiếp nhận người thực hành")


def test_a_list_of_short_items_under_a_heading_reads_as_one() -> None:
    cut = passage_sentences("b) Trong thời hạn thông báo, hộ gia đình nộp 01 hồ sơ đến Trung tâm phục vụ hành chính "
                            "công.\nc) Hình thức nộp hồ sơ\n- Trực tiếp;\n- Qua dịch vụ công ích;\n"
                            "- Dịch vụ công trực tuyến.\n"
                            "d) Thời hạn rà soát đối tượng\n"
                            "- Ủy ban nhân dân cấp xã rà soát, lập danh sách đối tượng trong vòng 20 ngày làm việc;\n"
                            "- Phòng Văn hóa - Xã hội thẩm định danh sách.")
    assert [(s.heading, s.text) for s in cut[1:]] == [
        ("c) Hình thức nộp hồ sơ", "- Trực tiếp; - Qua dịch vụ công ích; - Dịch vụ công trực tuyến."),
        ("d) Thời hạn rà soát đối tượng",
         "- Ủy ban nhân dân cấp xã rà soát, lập danh sách đối tượng trong vòng 20 ngày làm việc;"),
        ("d) Thời hạn rà soát đối tượng", "- Phòng Văn hóa - Xã hội thẩm định danh sách.")]


def test_a_label_on_the_line_above_its_value_counts_when_it_names_what_is_asked() -> None:
    text = ("Điều 5. Biểu dương\n"
            "Thành phố tổ chức biểu dương các cá nhân được tặng danh hiệu “Công dân Thủ đô ưu tú” vào dịp kỷ "
            "niệm ngày Giải phóng Thủ đô (10/10) hằng năm.\n"
            "2. Thời gian nộp hồ sơ:\n"
            "Các đơn vị trực thuộc thành phố gửi hồ sơ về Ủy ban nhân dân thành phố qua Sở Nội vụ trước ngày 31 "
            "tháng 3 hằng năm.")
    chosen = pick('Hồ sơ đề nghị xét tặng danh hiệu "Công dân Thủ đô ưu tú" phải gửi trước ngày nào hằng năm?',
                  passage(text))
    assert "31 tháng 3" in chosen.quoted
    # a unit's heading names no kind of fact: its lines get nothing for sharing its words
    scorer = SentenceScorer(understand("Sở Y tế gửi báo cáo trước ngày nào?"))
    assert scorer.label(passage_sentences("1. Sở Y tế:\nGửi báo cáo trước ngày 15/12.")[0]) == 0.0


def test_the_next_item_of_a_headings_list_is_no_longer_under_it() -> None:
    cut = passage_sentences("2. Sở Y tế:\n- Chủ trì kiểm tra an toàn thực phẩm.\n1.1. Báo cáo trước ngày 15/12.\n"
                            "3. Sở Tài chính bố trí kinh phí thực hiện.\nb) Kiểm tra định kỳ.")
    assert [s.heading for s in cut] == ["2. Sở Y tế:", "2. Sở Y tế:", "", ""]


def test_a_code_question_quotes_the_line_that_settles_the_code() -> None:
    # The notice's goods description matches the question's words; the code is said once, in a
    # line that names no goods.
    notice = passage(
        "1. Hàng hóa đề nghị xác định trước mã số do tổ chức, cá nhân cung cấp: Tên thương mại: Thiết bị "
        "đeo tay thông minh Huawei Watch 5 (phiên bản đường kính 42mm).\n"
        "Tên gọi theo cấu tạo, công dụng: Thiết bị đeo tay thông minh Huawei Watch 5 (phiên bản đường kính "
        "42mm) là đồng hồ đeo tay thông minh.\n"
        "3. Kết quả xác định trước mã số: thuộc phân nhóm 8517.62 “- - Máy thu, đổi và truyền hoặc tái tạo "
        "âm thanh”, mã số **8517.62.59** “- - - - Loại khác” tại Danh mục hàng hóa xuất khẩu, nhập khẩu Việt Nam.")
    chosen = pick("Huawei Watch 5 bản 42mm áp mã số hàng hóa nào?", notice)
    assert "8517.62.59" in chosen.quoted
    assert goods_code(chosen.quoted) == "8517.62.59"  # the full code, not the subheading before it


def test_the_full_code_outranks_a_subheading_in_a_sentence_of_its_own() -> None:
    # the subheading's sentence names the goods asked; the code settled on stands in the next one
    notice = passage(
        "3. Kết quả xác định trước mã số: Thiết bị đeo tay thông minh Huawei Watch Fit 4 (phiên bản dây cao su) "
        "thuộc nhóm 85.17, phân nhóm 8517.62 “- - Máy thu, đổi và truyền hoặc tái tạo âm thanh”.\n"
        "Phân nhóm “- - - Thiết bị truyền dẫn khác kết hợp với thiết bị thu”, mã số 8517.62.59 “- - - - Loại "
        "khác” tại Danh mục hàng hóa xuất khẩu, nhập khẩu Việt Nam.")
    chosen = pick("Huawei Watch Fit 4 phiên bản dây cao su được xác định trước mã số HS nào?", notice)
    assert goods_code(chosen.quoted) == "8517.62.59"


def test_a_form_question_quotes_the_sentence_that_names_the_form() -> None:
    # the other section shares more of the question's words, and names no form
    letter = passage(
        "2. Về khai thuế TNCN: Nghị quyết số 98/2023/QH15 quy định doanh nghiệp khởi nghiệp sáng tạo tại Thành phố "
        "Hồ Chí Minh được miễn thuế đối với khoản thu nhập từ chuyển nhượng vốn.\n"
        "1. Về khai thuế TNDN: trường hợp thuộc Nghị quyết số 98/2023/QH15 thì thực hiện kê khai theo mẫu số 03/TNDN.")
    chosen = pick("Doanh nghiệp khởi nghiệp sáng tạo ở TP.HCM được miễn thuế theo Nghị quyết 98 kê khai theo mẫu nào?",
                  letter)
    assert "03/TNDN" in chosen.quoted


def test_a_figure_asked_of_a_named_thing_is_the_one_written_after_that_name() -> None:
    # the motto's own definition shares more of the question's words and gives no size
    text = passage("2. Tiêu ngữ là: “Độc lập - Tự do - Hạnh phúc”. Theo đó, Tiêu ngữ Việt Nam trên văn bản được viết là "
                   "“Độc lập - Tự do - Hạnh phúc”.\nTiêu ngữ được trình bày bằng chữ in thường, cỡ chữ từ 13 đến 14, "
                   "kiểu chữ đứng, đậm.")
    chosen = pick("Tiêu ngữ «Độc lập - Tự do - Hạnh phúc» trên văn bản được trình bày cỡ chữ bao nhiêu?", text)
    assert "13 đến 14" in chosen.quoted


def test_a_sentence_without_a_code_gives_no_code() -> None:
    assert goods_code("Thông báo này có hiệu lực từ ngày 21/11/2025.") is None


def test_of_two_counts_of_the_unit_asked_the_one_the_question_qualifies_answers() -> None:
    # Both lines count procedures; the question asks the new ones, and only one count says «mới».
    text = ("Bãi bỏ: 06 thủ tục hành chính tại số thứ tự 17, 18 Mục I Danh mục thủ tục hành chính "
            "kèm theo Quyết định số 719/QĐ-UBND của Chủ tịch UBND tỉnh trong lĩnh vực hoạt động khoa học và "
            "công nghệ.\nCông bố kèm theo Quyết định này Danh mục 16 thủ tục hành chính mới ban hành trong "
            "lĩnh vực khoa học và công nghệ.")
    chosen = pick("công bố bao nhiêu thủ tục hành chính mới ban hành trong lĩnh vực hoạt động khoa học và công nghệ?",
                  passage(text))
    assert "16 thủ tục" in chosen.sentence


def test_a_count_of_tthc_typed_short_is_a_count_of_procedures() -> None:
    question = understand("ha tinh bai bo bao nhieu tthc linh vuc dau thau")
    scorer = SentenceScorer(question)
    count = "Công bố Danh mục 03 thủ tục hành chính (TTHC) bị bãi bỏ trong lĩnh vực đấu thầu."
    days = "Trong thời hạn 03 ngày làm việc thực hiện bãi bỏ TTHC trên cơ sở dữ liệu quốc gia."
    assert intent_cue(question.intent, count, passage(count), scorer.unit) == 1.0
    assert intent_cue(question.intent, days, passage(days), scorer.unit) < 1.0


def test_toi_da_may_nam_counts_years_not_the_asking_word() -> None:
    # «tối đa mấy năm»: two asking words in a row; the unit is the word after both.
    question = understand("quy bao ve moi truong cho vay toi da may nam")
    scorer = SentenceScorer(question)
    term = "Thời hạn vay vốn tối đa không quá 03 năm kể cả 01 năm ân hạn."
    rate = "Lãi suất cho vay tối đa không vượt quá 50% mức lãi suất do Ngân hàng Nhà nước công bố."
    assert intent_cue(question.intent, term, passage(term), scorer.unit) > \
        intent_cue(question.intent, rate, passage(rate), scorer.unit)


def test_the_count_asked_is_told_by_what_follows_it_not_by_the_topic_around() -> None:
    # Both counts are followed by the same field; only what the question says of the procedures
    # («mới ban hành» or «bị bãi bỏ») tells them apart.
    both = passage("Danh mục 16 thủ tục hành chính mới ban hành trong lĩnh vực khoa học và công nghệ; "
                   "06 thủ tục hành chính bị bãi bỏ trong lĩnh vực khoa học và công nghệ.")
    new = SentenceScorer(understand("bao nhiêu thủ tục hành chính mới ban hành trong lĩnh vực khoa học"))
    gone = SentenceScorer(understand("bao nhiêu thủ tục bị bãi bỏ trong lĩnh vực khoa học"))
    short = SentenceScorer(understand("bao nhieu tthc moi ban hanh"))
    first, second = ("16 thủ tục hành chính mới ban hành trong lĩnh vực khoa học và công nghệ.",
                     "06 thủ tục hành chính bị bãi bỏ trong lĩnh vực khoa học và công nghệ.")
    for scorer, asked, other in ((new, first, second), (gone, second, first), (short, first, second)):
        assert scorer._cue(asked, both) > scorer._cue(other, both)


def test_the_words_of_the_counted_thing_count_more_as_a_phrase_than_scattered() -> None:
    # The repeal line holds «thủ tục hành chính … ban hành» spread over a citation; the announcing line
    # holds «thủ tục hành chính mới ban hành» right after its count.
    scorer = SentenceScorer(understand("bao nhiêu thủ tục hành chính mới ban hành?"))
    repeal = "Bãi bỏ: 06 thủ tục hành chính tại số thứ tự 17 Danh mục TTHC ban hành kèm theo Quyết định số 719/QĐ-UBND."
    new = "Công bố Danh mục 16 thủ tục hành chính mới ban hành và 06 thủ tục hành chính bị bãi bỏ."
    assert scorer._qualified(new) - scorer._qualified(repeal) >= 0.3


def test_only_a_sentence_that_counts_the_unit_asked_answers_how_long() -> None:
    # The procedure's opening shares more of the question's words; only the later line says how long.
    steps = passage(
        "Bộ trưởng Bộ Nông nghiệp và Môi trường căn cứ vào báo cáo của Cục trưởng Cục Trồng trọt và Bảo vệ thực "
        "vật quyết định công bố dịch hại thực vật trong trường hợp dịch bùng phát, thủ tục công bố dịch theo quy "
        "định của Bộ Nông nghiệp và Môi trường.\n"
        "Trong thời hạn 24 giờ kể từ khi công bố dịch, Quyết định công bố dịch phải được thông báo công khai "
        "trên các phương tiện thông tin đại chúng.")
    chosen = pick("Thủ tục công bố dịch hại thực vật của Bộ Nông nghiệp và Môi trường: quyết định công bố dịch phải "
                  "được thông báo công khai trong thời hạn bao lâu?", steps)
    assert "24 giờ" in chosen.quoted
    # «bao lâu … một lần» asks how often: a schedule without a count answers it too
    often = SentenceScorer(understand("sao lưu dữ liệu định kỳ bao lâu phải làm một lần?"))
    backup = passage("Sở Khoa học và Công nghệ sao lưu dữ liệu định kỳ hằng tuần.\n"
                     "Dữ liệu được lưu trữ trong 05 năm.")
    assert "hằng tuần" in often.best([(backup, 1.0, passage_sentences(backup.text))]).quoted


def test_a_preposition_after_an_asking_word_is_no_unit() -> None:
    assert SentenceScorer(understand("vốn điều lệ tối thiểu của Quỹ là bao nhiêu?")).unit is None
    assert SentenceScorer(understand("cần tối thiểu bao nhiêu thành viên")).unit == "(?:thanh|nguoi)"  # members are counted in «người» too
    # «từ bao nhiêu đến bao nhiêu năm» counts years
    assert SentenceScorer(understand("bị phạt tù từ bao nhiêu đến bao nhiêu năm?")).unit == "nam"


def test_the_words_that_name_a_document_by_its_title_do_not_pick_its_sentence() -> None:
    # «… công nhận xã, phường miền núi:» says which decision; «sở nào chủ trì» is what is asked of it.
    from bot.retrieval.scope import Focus
    from tests.test_answer_declines import Store

    meta = {"title": "", "issuer": "Ủy ban nhân dân tỉnh Lâm Đồng", "doc_number": "2284/QĐ-UBND"}
    recognise = ("Công nhận các xã, phường miền núi trên địa bàn tỉnh Lâm Đồng, chi tiết theo Danh sách kèm theo.\n"
                 "Việc xác định xã, phường miền núi nêu trong danh sách kèm theo phục vụ công tác bầu cử.")
    lead = ("1. Sở Dân tộc và Tôn giáo có trách nhiệm chủ trì, phối hợp với các cơ quan, đơn vị liên quan tổ "
            "chức triển khai thực hiện Quyết định này.")
    store = Store({"qd.md": (meta, [("Điều 1.", recognise), ("Điều 2. Tổ chức thực hiện", lead)])})
    found = [Passage(text=t, score=s, source="qd.md", chunk_id=f"qd.md{i}", **{k: v for k, v in meta.items() if k != "title"})
             for i, (t, s) in enumerate(((recognise, 1.0), (lead, 0.2)))]
    answerer = Answerer(store)  # type: ignore[arg-type]
    _, chosen = answerer._pick(understand("Quyết định 2284/QĐ-UBND Lâm Đồng công nhận xã, phường miền núi: sở nào "
                                          "chủ trì triển khai?"), found, Focus(["qd.md"], named=True))
    assert "Sở Dân tộc và Tôn giáo" in chosen.quoted


def test_a_count_of_the_unit_may_be_spelled_out_or_in_a_cell_but_a_cited_text_is_none() -> None:
    scorer = SentenceScorer(understand("hồ sơ được giải quyết trong bao lâu?"))
    assert scorer._counts("Trong thời hạn mười lăm ngày kể từ ngày nhận đủ hồ sơ.")
    assert scorer._counts("Thời hạn | 15 | ngày làm việc")
    assert not scorer._counts("Căn cứ Quyết định số 1234/QĐ-UBND ngày 15/3/2025 của Ủy ban nhân dân tỉnh;")
    assert not scorer._counts("Thực hiện Công văn số 12 ngày 15/3/2025 của Bộ Tài chính.")
    # «kể từ ngày», «sau ngày» count no days; «một trình độ» is no count of levels asked
    assert not scorer._counts("Hồ sơ được xem xét kể từ ngày nhận, sau ngày họp Hội đồng.")
    assert not SentenceScorer(understand("có bao nhiêu trình độ đào tạo")).\
        _counts("nhằm đạt một trình độ trong Khung cơ cấu hệ thống giáo dục quốc dân")


def test_a_citation_of_a_numbered_section_ends_with_one_full_stop() -> None:
    cited = Passage(text="x", score=1.0, source="tb.md", doc_number="37416/TB-CHQ", doc_type="thông báo",
                    section="3.")
    assert cited.citation() == "Thông báo 37416/TB-CHQ, mục 3"


def test_a_question_asking_which_date_is_answered_by_a_sentence_stating_one() -> None:
    # the list of reports shares more of the question's words; only the next sentence says by when
    reports = passage(
        "- Khẩn trương chỉ đạo tập trung rà soát, hoàn thiện các báo cáo: (i) Báo cáo xử lý các khó khăn, vướng mắc "
        "trong các văn bản quy phạm pháp luật; (ii) Báo cáo về cắt giảm thủ tục hành chính, trong đó đánh giá việc cắt "
        "giảm các thủ tục hành chính tương ứng với các chỉ tiêu đề ra.\n"
        "Các Báo cáo trên gửi Bộ Tư pháp trước ngày 05 tháng 12 năm 2025.")
    chosen = pick("các bộ gửi báo cáo xử lý vướng mắc văn bản quy phạm pháp luật và cắt giảm thủ tục hành chính cho "
                  "Bộ Tư pháp trước ngày nào?", reports)
    assert "05 tháng 12 năm 2025" in chosen.quoted


def test_a_negation_the_question_makes_tells_two_procedures_apart() -> None:
    catalogue = passage(
        "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh sử dụng ngân sách nhà nước Thời gian thực "
        "hiện: 03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ\n"
        "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách nhà nước Thời gian thực "
        "hiện: 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ")
    chosen = pick("đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách nhà nước mất mấy ngày",
                  catalogue)
    assert "05 ngày" in chosen.sentence


def test_people_asked_as_nguoi_are_counted_by_their_role() -> None:
    # the other sentence counts «người», but not those the question asks about
    text = passage("1. Mỗi đơn vị xã được bố trí bình quân không quá 03 (ba) nhân viên chăn nuôi thú y.\n"
                   "Hội đồng thẩm định có không quá 05 người.")
    chosen = pick("Nghị quyết của HĐND thành phố Hà Nội: mỗi xã được bố trí tối đa bao nhiêu người?", text)
    assert "03 (ba) nhân viên" in chosen.quoted


def test_the_text_a_decision_replaces_is_quoted_by_its_number() -> None:
    # the task table's row shares «thay thế» and ranks first, but names no text it replaces
    table = passage("1 | Xây dựng Chính phủ số, thay thế các quyết định trước đây về Chính phủ điện tử. "
                    "| Bộ Khoa học và Công nghệ | 2026")
    closing = passage("Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 942/QĐ-TTg ngày 15 tháng 6 "
                      "năm 2021 của Thủ tướng Chính phủ.", score=0.6)
    chosen = pick("Quyết định về Chính phủ số thay thế quyết định nào trước đây?", table, closing)
    assert "942/QĐ-TTg" in chosen.quoted


def test_until_when_quotes_the_sentence_that_runs_to_a_date() -> None:
    # the delegation's own article shares every word of the question, and says nothing of its term
    text = passage("Điều 1. Ủy quyền cho Giám đốc Sở Khoa học và Công nghệ giải quyết thủ tục hành chính trong lĩnh "
                   "vực tiêu chuẩn đo lường chất lượng thuộc thẩm quyền của Ủy ban nhân dân tỉnh.\n"
                   "Điều 3. Thời gian ủy quyền từ ngày Quyết định này có hiệu lực thi hành đến hết ngày 28/02/2027.")
    chosen = pick("Tỉnh ủy quyền cho Giám đốc Sở Khoa học và Công nghệ giải quyết thủ tục lĩnh vực tiêu chuẩn đo lường "
                  "chất lượng đến khi nào?", text)
    assert "28/02/2027" in chosen.quoted


def test_an_item_listed_under_a_repealing_article_answers_which_text_is_repealed() -> None:
    # The items under «Điều 1. Bãi bỏ …» in the article's later passage do not say «bãi bỏ» themselves.
    section = "Điều 1. Bãi bỏ toàn bộ một số văn bản quy phạm pháp luật…"
    first = Passage(text="Điều 1. Bãi bỏ toàn bộ một số văn bản quy phạm pháp luật của Thủ tướng Chính phủ\n"
                         "1. Quyết định số 104/2000/QĐ-TTg ngày 25 tháng 8 năm 2000 của Thủ tướng Chính phủ về "
                         "Chiến lược quốc gia về cấp nước sạch.", score=1.0, source="qd.md", section=section)
    later = Passage(text="5. Quyết định số 05/2024/QĐ-TTg ngày 26 tháng 3 năm 2024 của Thủ tướng Chính phủ quy định "
                         "về cơ chế điều chỉnh mức giá bán lẻ điện bình quân.", score=0.9, source="qd.md",
                    section=section, chunk_id="later")
    chosen = pick("thủ tướng bãi bỏ quyết định nào quy định cơ chế điều chỉnh mức giá bán lẻ điện bình quân",
                  first, later)
    assert "05/2024/QĐ-TTg" in chosen.quoted


def test_a_time_counted_in_words_answers_how_long() -> None:
    # «trong thời gian một ngày» counts a day; a funeral rule's hours answer nothing of a wedding's length
    rules = passage("Khuyến khích thực hiện các hoạt động sau trong tổ chức lễ cưới\n"
                    "6. Tổ chức lễ cưới tại một địa điểm, trong thời gian một ngày.\n"
                    "đ) Không cử nhạc tang trước 06 giờ sáng và sau 22 giờ đêm.")
    assert "một ngày" in pick("khuyến khích tổ chức lễ cưới trong thời gian bao lâu", rules).quoted


def test_providing_a_file_to_the_customs_or_tax_office_names_where_it_goes() -> None:
    line = ("Trường hợp có vướng mắc thì cung cấp hồ sơ cụ thể vụ việc với cơ quan hải quan nơi đăng ký tờ khai "
            "để được hướng dẫn.")
    assert intent_cue(Intent.RECIPIENT, line, passage(line), None) > 0
    assert intent_cue(Intent.RECIPIENT, "Đề nghị Công ty nộp hồ sơ cho cơ quan thuế quản lý trực tiếp.",
                      passage("x"), None) > 0
    # a body that only gives guidance receives nothing
    assert intent_cue(Intent.RECIPIENT, "Cơ quan hải quan hướng dẫn doanh nghiệp thực hiện.", passage("x"), None) == 0



def test_what_a_question_says_of_its_document_before_the_colon_does_not_pick_the_sentence() -> None:
    # the prize's name is in the announcing step, the step asked for names only what the asking part says
    steps = passage(
        "1.1. Trước ngày 31 tháng 7 của năm xét tặng, Cục Quản lý Y, Dược cổ truyền có văn bản thông báo về việc "
        "xét tặng giải thưởng Hải Thượng Lãn Ông gửi các cơ quan, tổ chức và đơn vị, cá nhân có liên quan.\n"
        "1.3. Đơn vị trực tiếp quản lý gửi hồ sơ của cá nhân đề nghị xét tặng về Hội đồng cơ sở chậm nhất là "
        "ngày 30 tháng 9 của năm xét tặng.")
    question = understand("giai thuong hai thuong lan ong: don vi quan ly gui ho so ve hoi dong co so cham nhat ngay nao")
    said = described(question)
    assert said.split() == ["giai", "thuong", "hai", "thuong", "lan", "ong"]
    scorer = SentenceScorer(question, topic_terms(said))
    assert "30 tháng 9" in scorer.best([(steps, 1.0, passage_sentences(steps.text))]).quoted
    assert described(understand("Hạn nộp báo cáo năm: khi nào?")) == ""  # no whole question after the colon


def test_a_deadline_line_leaves_out_the_rows_number_cell() -> None:
    row = Obligation(action="3 | Đơn vị trực tiếp quản lý gửi hồ sơ về Hội đồng cơ sở",
                     deadline=Deadline(DeadlineKind.ABSOLUTE, "chậm nhất là ngày 30 tháng 9"), quote="")
    assert deadline_line(row) == "Hạn đơn vị trực tiếp quản lý gửi hồ sơ về Hội đồng cơ sở: chậm nhất là ngày 30 tháng 9."
    # a number that is part of the task stays
    plain = Obligation(action="gửi 02 bộ hồ sơ về Sở Nội vụ", deadline=Deadline(DeadlineKind.ABSOLUTE, "trước ngày 5/12"),
                       quote="")
    assert deadline_line(plain) == "Hạn gửi 02 bộ hồ sơ về Sở Nội vụ: trước ngày 5/12."


def test_who_does_an_act_is_asked_as_a_responsibility_whatever_the_act() -> None:
    # «cơ quan nào quyết định», «ai phê duyệt», «do phòng nào … thụ lý»: the question asks who, not what
    assert understand("Bắc Ninh: cơ quan nào quyết định định mức máy móc chuyên dùng?").intent is Intent.RESPONSIBLE
    assert understand("ai phe duyet phuong an xu ly tai san").intent is Intent.RESPONSIBLE
    assert understand("Hồ sơ CFS do phòng nào của Sở Văn hóa, Thể thao và Du lịch thụ lý?").intent is Intent.RESPONSIBLE
    # being delegated is acting; being granted is not: «ai được cấp thẻ» asks who receives the card
    assert understand("ai được ủy quyền ký hiệp định").intent is Intent.RESPONSIBLE
    assert understand("ai được cấp thẻ bảo hiểm y tế miễn phí").intent is not Intent.RESPONSIBLE
    # the focal agency of a plan leads it; only a focal point of reception is where to send
    assert understand("Kế hoạch TP.HCM về quản lý rủi ro thiên tai: cơ quan đầu mối là ai?").intent is Intent.RESPONSIBLE
    assert understand("hồ sơ gửi về đầu mối tiếp nhận nào?").intent is Intent.RECIPIENT


def test_the_agency_doing_the_act_asked_answers_not_one_merely_named() -> None:
    # Both lines name the office the question names; only the second says who decides for it.
    scope = passage(
        "1. Cơ quan nhà nước (bao gồm Văn phòng Đoàn Đại biểu Quốc hội và Hội đồng nhân dân tỉnh), đơn vị sự nghiệp "
        "công lập có liên quan đến việc xác định, quyết định, áp dụng tiêu chuẩn, định mức sử dụng máy móc, thiết bị "
        "chuyên dùng của Văn phòng Đoàn Đại biểu Quốc hội và Hội đồng nhân dân tỉnh.\n"
        "2. Sở Tài chính quyết định tiêu chuẩn, định mức sử dụng máy móc, thiết bị chuyên dùng phục vụ hoạt động của "
        "Văn phòng Đoàn Đại biểu Quốc hội và Hội đồng nhân dân tỉnh.")
    chosen = pick("cơ quan nào quyết định tiêu chuẩn, định mức sử dụng máy móc, thiết bị chuyên dùng của Văn phòng "
                  "Đoàn Đại biểu Quốc hội và Hội đồng nhân dân tỉnh đối với cơ quan nhà nước", scope)
    assert chosen.sentence.startswith("2. Sở Tài chính quyết định")


def test_an_agency_the_act_is_done_with_is_not_its_doer() -> None:
    asked = Passage(text="", score=1.0, source="qd.md")
    # «phối hợp với Văn phòng UBND tỉnh … xây dựng»: the office helps; the lead word before the act says who acts
    helps = "Sở Nội vụ phối hợp với Văn phòng UBND tỉnh và các cơ quan liên quan xây dựng quy trình nội bộ."
    leads = "Giao Sở Tài chính chủ trì, phối hợp với Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công) xây dựng quy trình."
    sent_to = "Hồ sơ gửi về Sở Nội vụ để xây dựng quy trình nội bộ."
    cue = lambda text: intent_cue(Intent.RESPONSIBLE, text, asked, act="xay dung")
    assert cue(leads) == 1.0
    assert cue(sent_to) == 0.4  # an agency named, none doing the act
    assert cue(helps) == 1.0  # «Sở Nội vụ phối hợp … xây dựng»: the Sở still acts in it


def test_the_time_a_procedure_takes_is_not_one_of_its_steps() -> None:
    # Both lines count days under the procedure's name; the question asks how long the whole procedure takes.
    steps = passage(
        "Thủ tục đánh giá kết quả thực hiện nhiệm vụ khoa học không sử dụng ngân sách nhà nước: Số TT: B3; Trình tự: "
        "Thẩm định hồ sơ, dự thảo Tờ trình; Trách nhiệm: Phòng Quản lý khoa học; Thời gian thực hiện: 5 ngày.\n"
        "Thủ tục đánh giá kết quả thực hiện nhiệm vụ khoa học không sử dụng ngân sách nhà nước: 28 ngày kể từ ngày nhận "
        "được hồ sơ hợp lệ.")
    chosen = pick("thủ tục đánh giá kết quả thực hiện nhiệm vụ khoa học không sử dụng ngân sách nhà nước được giải "
                  "quyết trong bao nhiêu ngày?", steps)
    assert "28 ngày" in chosen.sentence


def test_a_measure_written_close_up_to_its_number_counts_the_unit_asked() -> None:
    # «nặng bao nhiêu gam» is answered by «trọng lượng 27g», «dày mấy mm» by «độ dày 0,76mm»
    asked = Passage(text="", score=1.0, source="tb.md")
    weight = "Kích thước thân máy 43 mm x 38 mm x 9.5 mm, trọng lượng 27g (không bao gồm dây đeo)."
    assert intent_cue(Intent.AMOUNT, weight, asked, asked_unit("đồng hồ nặng bao nhiêu gam")) == 1.0
    assert intent_cue(Intent.AMOUNT, "Thẻ có độ dày 0,76mm.", asked, asked_unit("thẻ dày mấy mm")) == 1.0
    # a kilometre is not read close up: «Km0+000» marks a place on a road, not its length
    assert intent_cue(Intent.AMOUNT, "Điểm đầu tại Km12, điểm cuối tại Km30.", asked,
                      asked_unit("tuyến đường dài bao nhiêu km")) < 1.0


def test_asked_where_to_send_the_line_that_says_so_beats_the_title_words() -> None:
    # The first line holds the question's title words; only the second says where the copy goes.
    text = passage(
        "Bộ trưởng Bộ Công Thương ban hành Thông tư quy định phương pháp xác định giá dịch vụ phát điện của nhà máy "
        "thủy điện tích năng; nội dung chính của hợp đồng mua bán điện nhà máy thủy điện tích năng.\n"
        "Bên mua điện có trách nhiệm gửi 01 (một) bản tới Cục Điện lực (Bộ Công Thương).")
    chosen = pick("Theo nội dung chính hợp đồng mua bán điện nhà máy thủy điện tích năng, bên mua điện phải gửi 01 "
                  "bản hợp đồng tới cơ quan nào?", text)
    assert "Cục Điện lực" in chosen.sentence


def test_the_hours_of_a_day_are_asked_and_stated_however_they_are_written() -> None:
    # «trong khung giờ nào» asks hours as much as «từ mấy giờ đến mấy giờ»; «07h30’» states them as «7 giờ 00 phút» does
    question = understand("Đại lý Internet không có trò chơi điện tử được mở cửa trong khung giờ nào?")
    assert question.intent is Intent.AMOUNT
    asked = Passage(text="", score=1.0, source="qd.md")
    unit = asked_unit("buổi sáng nhận hồ sơ từ mấy giờ đến mấy giờ")
    assert intent_cue(Intent.AMOUNT, "+ Buổi sáng: Từ 07h30’ đến 11h30’.", asked, unit) == 1.0
    assert intent_cue(Intent.AMOUNT, "Mở cửa từ 7 giờ 00 phút đến 22 giờ 00 phút hằng ngày.", asked,
                      asked_unit(question.text)) == 1.0
    assert not lacks_figure("buoi sang nhan ho so tu may gio den may gio", "+ Buổi sáng: Từ 07h30’ đến 11h30’.")


def test_a_fee_asked_is_a_sum_of_money() -> None:
    # «phí … bao nhiêu» counts đồng, so the line that states the fee answers, not the text's closing lines
    assert asked_unit("tt 110/2025/tt-btc phi tham dinh cap giay phep karaoke bao nhieu") == "dong"
    assert asked_unit("Lệ phí cấp mới chứng chỉ hành nghề là bao nhiêu?") == "dong"
    fees = passage("Điều 4. Mức thu phí\n"
                   "1. Mức thu phí thẩm định cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke là 1.000.000 "
                   "đồng/phòng.\n"
                   "6. Trong quá trình thực hiện, trường hợp có vướng mắc về phí thẩm định cấp giấy phép kinh doanh "
                   "karaoke, đề nghị các tổ chức, cá nhân phản ánh kịp thời về Bộ Tài chính để nghiên cứu, hướng dẫn.")
    assert "1.000.000 đồng" in pick("phi tham dinh cap giay phep kinh doanh karaoke bao nhieu", fees).quoted
    # support towards a fee may be a share of it («hỗ trợ 50% học phí»)
    assert asked_unit("con cua nguoi co the vang duoc ho tro hoc phi bao nhieu") is None


def test_a_catalogue_rows_last_cells_on_lines_of_their_own_are_read_with_their_headers() -> None:
    # The cleaned text ends the row after «Địa điểm thực hiện» and writes its other cells as lines: the
    # manner of filing asked is the row's «Cách thức thực hiện», not a stray list under the annex.
    catalogue = passage(
        "PHỤ LỤC I\n"
        "STT | Tên thủ tục hành chính | Thời hạn giải quyết | Địa điểm thực hiện | Cách thức thực hiện | Phí, lệ phí\n"
        "1 | Thủ tục cấp giấy chứng nhận lưu hành tự do (CFS) đối với hàng hóa xuất khẩu trong lĩnh vực báo chí, "
        "xuất bản | 03 ngày làm việc | Trung tâm Phục vụ hành chính công cấp tỉnh, cấp xã\n"
        "- Trực tiếp,\n"
        "- Dịch vụ bưu chính công ích;\n"
        "- Trực tuyến.\n"
        "Không quy định\n"
        "2 | Thủ tục cấp giấy phép xuất bản bản tin | 10 ngày làm việc | Trung tâm Phục vụ hành chính công cấp tỉnh | "
        "Trực tuyến | 50.000 đồng\n")
    [first, second] = [s.text for s in passage_sentences(catalogue.text)]
    assert "Cách thức thực hiện: - Trực tiếp, - Dịch vụ bưu chính công ích; - Trực tuyến." in first
    assert "Phí, lệ phí: Không quy định" in first and "Trực tiếp" not in second
    chosen = pick("nộp hồ sơ cấp giấy chứng nhận lưu hành tự do CFS bằng những cách nào", catalogue)
    assert "bưu chính công ích" in chosen.quoted


def test_a_rows_cell_broken_over_lines_stays_one_cell_and_its_other_cells_keep_their_headers() -> None:
    text = ("STT | Mã TTHC | Tên thủ tục hành chính | Thời hạn giải quyết | Phí, lệ phí\n"
            "1 | 2.002755\n"
            "Thủ tục giải quyết chế độ trợ cấp một lần đối với cán bộ xã, phường, thị trấn;\n"
            "công an xã; thanh niên xung phong đã thôi việc\n"
            "12 ngày làm việc kể từ ngày nhận đủ hồ sơ theo quy định.\n"
            "Không\n")
    [row] = [s.text for s in passage_sentences(text)]
    assert "Thời hạn giải quyết: 12 ngày làm việc" in row and "thị trấn; công an xã" in row


def test_a_field_named_by_the_very_thing_asked_answers_before_longer_lines_about_it() -> None:
    # «… với lý do gì?»: the line labelled «Lý do» answers, not the proposal's lines that share more of its words
    proposal = passage(
        "1. Xác nhận Hợp đồng tiếp cận nguồn gen và chia sẻ lợi ích. Mã TTHC 1.004082\n"
        "1.1. Nội dung đơn giản hoá:\n"
        "- Bãi bỏ thủ tục hành chính.\n"
        "- Lý do: Trong 05 năm liên tục không phát sinh hồ sơ.\n"
        "1.2. Kiến nghị thực thi:\n"
        "- Kiến nghị Bộ Nông nghiệp và Môi trường bãi bỏ thủ tục hành chính Xác nhận Hợp đồng tiếp cận nguồn gen và chia "
        "sẻ lợi ích cấp xã.")
    chosen = pick("Đồng Nai đề xuất bãi bỏ thủ tục xác nhận hợp đồng tiếp cận nguồn gen và chia sẻ lợi ích cấp xã với lý "
                  "do gì?", proposal)
    assert "05 năm liên tục không phát sinh hồ sơ" in chosen.quoted
    # a cell of a row labels its value too; what the question asks of («mặt hàng này») follows the label
    scorer = SentenceScorer(understand("Verdad Powder N30: nhà sản xuất mặt hàng này là ai?"))
    assert scorer.label(passage_sentences("Ký, mã hiệu: Verdad Powder N30 | Nhà sản xuất: CORBION - PURAC")[0]) > 0
    # a label the question only names on its way to another thing asked is no answer of itself
    scorer = SentenceScorer(understand("không đủ căn cứ xác định năm xây dựng thì thời gian đã sử dụng tính theo gì"))
    assert scorer.label(passage_sentences("Thời gian đã sử dụng: Dưới 5 năm | Nhà cấp I: 98")[0]) == 0


def test_what_a_question_sets_aside_with_ngoai_is_not_the_answer() -> None:
    # «ngoài tuyển dụng, điều động thì … còn …»: the other item answers, not the one the question already knows
    duties = passage(
        "Điều 2. Sở Giáo dục và Đào tạo\n"
        "1. Chủ trì thực hiện tuyển dụng, tiếp nhận, điều động, biệt phái, thuyên chuyển đội ngũ nhà giáo trong các cơ sở "
        "giáo dục công lập trên địa bàn tỉnh.\n"
        "2. Chủ trì thực hiện quản lý, sử dụng, thay đổi chức danh nghề nghiệp, đào tạo, bồi dưỡng, đánh giá đối với đội "
        "ngũ nhà giáo trong các cơ sở giáo dục công lập trên địa bàn tỉnh.")
    chosen = pick("phân cấp cho sở gddt: ngoài tuyển dụng, điều động thì sở còn được chủ trì những việc gì đối với đội ngũ "
                  "nhà giáo trong trường công lập", duties)
    assert "thay đổi chức danh nghề nghiệp" in chosen.quoted and "tuyển dụng" not in chosen.sentence
    # «nước ngoài» sets nothing aside
    assert SentenceScorer(understand("nuôi con nuôi có yếu tố nước ngoài thì con nuôi được gì")).besides == set()


def test_a_half_day_session_is_a_time_that_answers_how_long_before() -> None:
    # «trước bao lâu» is answered by «trước 01 buổi», as by days or hours
    assert re.search(asked_unit("chuyển trả kết quả về trung tâm trước bao lâu"), fold("trước 01 buổi"))
    note = passage(
        "Thời hạn giải quyết: tối đa là 48 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.\n"
        "Lưu ý: đơn vị giải quyết liên thông phải chuyển trả kết quả về Trung tâm Phục vụ hành chính công tỉnh trước 01 "
        "buổi so với thời gian hẹn trả kết quả.")
    chosen = pick("cơ quan giải quyết liên thông phải chuyển trả kết quả về trung tâm phục vụ hành chính công tỉnh trước "
                  "bao lâu", note)
    assert "01 buổi" in chosen.quoted
