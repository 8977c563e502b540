"""Is a dated sentence a task: the rules that split tasks from other dated sentences.

A task assigns someone to do something by a date (send, report, complete, organise, review …).
Other dated sentences are legal conditions («… đóng bảo hiểm trước ngày 01/01/1995»), effective
or validity dates, the document's own date, past events, periods during which something applies,
budget lines, rules («Thời điểm đánh giá … trước ngày 15/12 hằng năm») and the issuer's own
timetable («Thời gian kiểm tra: …»). Regex-only, on the clause around the deadline.

A line is read by its own verb («Phó Thủ tướng đã chủ trì …» tells the past; «đã» after a task
verb only qualifies its object: «rà soát các chỉ tiêu đã được giao»), by its opening words
(preamble grounds, a cited document, a reference to where a rule is, commendation) and by its
section (targets and purposes, a regulation's general provisions, an assessment), before the
words around its date. Who leads a task is read by `bot.facts.units`; the looser time phrases a
task may carry, by `bot.facts.time_phrases`.
"""
from __future__ import annotations

import re

from bot.facts.deadlines import FoundDeadline
from bot.facts.model import NotTask
from bot.facts.time_phrases import is_mention
from bot.ingestion.sections import SECTION_SEPARATOR
from bot.retrieval.vietnamese import in_capitals

__all__ = ["SENTENCE_END", "TASK_VERBS_LOWER", "UPPER", "classify", "clause_span", "line_opening", "opinion_step",
           "programme_item", "rule_party"]

_I = re.IGNORECASE

# Vietnamese capitals, for a class: «Ủy ban» starts with a capital as much as «Sở».
UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"

# A line's start, past its list marker («a)», «2.»): where a line's opening words are read.
_LINE_START = r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?"


def line_opening(words: str) -> re.Pattern[str]:
    """A line that opens with these words, past its list marker."""
    return re.compile(_LINE_START + words, _I)


# A heading's start, past its number: where a section's kind is read.
_HEADING_START = r"^\W*(?:(?:Chương|Mục|Phần|Điều)\s+[\dIVXLC]+\W*|[IVX]{1,4}\W+|\d{1,3}(?:\.\d{1,2}){0,3}\W+|[a-zđ]\)\s*)?"


def _heading_opening(words: str) -> re.Pattern[str]:
    """A heading that opens with these words, past its number («Điều 2.», «II.», «1.», «b)»)."""
    return re.compile(_HEADING_START + words, _I)


# --- is it a task ---------------------------------------------------------------------------

# Checked on the clause before the deadline (and the whole sentence where noted), in this order.
_EFFECTIVE = re.compile(
    r"hiệu\s+lực|được\s+áp\s+dụng|áp\s+dụng\s+(?:từ|kể\s+từ|đối\s+với)|thay\s+thế|bãi\s+bỏ|có\s+giá\s+trị"
    r"|hết\s+hạn|được\s+thực\s+hiện\s+đến|tiếp\s+tục\s+(?:được\s+)?(?:áp\s+dụng|thực\s+hiện\s+theo)", _I)
_LEGAL_CONDITION = re.compile(
    r"(?:^|[\s(,])(?:trường\s+hợp|nếu(?!\s+có\b)|sau\s+khi|khi\s+xảy\s+ra|đối\s+tượng\s+áp\s+dụng|người\s+(?:lao\s+động|tham\s+gia|có)|được\s+(?:hưởng|tính|xét|công\s+nhận"
    r"|miễn|giảm|cấp|coi\s+là)|đủ\s+điều\s+kiện|có\s+thời\s+gian|đóng\s+bảo\s+hiểm|thời\s+gian\s+đóng"
    r"|không\s+được)\b", _I)
# "… đã được cấp Giấy chứng nhận trước ngày …": a state reached before the date, a condition.
_DONE_CONDITION = re.compile(r"(?<!\w)đã\s+(?:được|có|đóng|tham\s+gia|hoàn\s+thành|thực\s+hiện|nộp|đăng\s+ký|ký)\b", _I)
_PAST = re.compile(r"(?:^|\s)(?:vừa\s+qua|năm\s+qua|trước\s+đây)\s", _I)
# «vừa» before a verb of issuing or holding is «just did» («Bộ … vừa ban hành Chỉ thị …»), not «both … and».
_DA = re.compile(r"(?<!\w)(?:đã|vừa(?=\s+(?:ban\s+hành|ký|tổ\s+chức|phát\s+động|gửi|nhận)\b))(?!\w)", _I)
_PERIOD = re.compile(r"(?:^|\s)từ\s+(?:ngày\s+)?\d{1,2}[/.]\d{1,2}[^;]{0,30}?(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?\d", _I)
_BUDGET = re.compile(r"^\W*(?:Điều\s+\d+\W*)?(?:[a-zđ\d]{1,3}[.)]\s*)?(?:kinh\s+phí|dự\s+toán|ngân\s+sách"
                     r"|nguồn\s+(?:vốn|kinh\s+phí)|mức\s+(?:trích|chi)\b|\d+(?:[,.]\d+)?\s*(?:lần|%|đồng|triệu|tỷ)\s)", _I)
# A rate of money per person, month or item («4.960.000 đồng/người/tháng», «Tối đa 5.000.000 đồng/báo cáo»): a
# budget line, whatever verb or period it states.
_RATE = re.compile(r"\d[\d.,]*\s*(?:triệu\s+|tỷ\s+)?đồng\s*/\s*\w", _I)
_RULE_SUBJECT = line_opening(
    r"(?:thời\s+điểm|mốc\s+thời\s+gian|kỳ\s+(?:báo\s+cáo|đánh\s+giá|xét)"
    r"|số\s+liệu\s+(?:báo\s+cáo\s+)?(?:tính|được\s+tính|lấy)|thời\s+gian\s+(?:chốt|tính|lấy)\s+số\s+liệu"
    # what a figure is counted from: «Số liệu rà soát tổng số hộ … được thống kê trên kết quả rà soát … năm 2024.»
    r"|số\s+liệu\b[^;:]{0,160}?\sđược\s+(?:thống\s+kê|tổng\s+hợp|xác\s+định)\s+(?:trên|theo|từ)\b)")
# The issuer's own timetable: "Thời gian kiểm tra…", "Thời gian tổ chức: …", "Lịch kiểm tra".
_SCHEDULE = line_opening(
    r"(?:thời\s+gian|lịch|dự\s+kiến)\s+(?:tổ\s+chức|kiểm\s+tra|đánh\s+giá|khảo\s+sát"
    r"|giám\s+sát|diễn\s+ra|khai\s+mạc|thi|chấm|xét|họp|làm\s+việc)")
# When an event is held: «Lễ trao tặng … được tổ chức gắn với các ngày lễ lớn … hằng năm», «Hội nghị được tổ
# chức vào ngày …» (the organisers' timetable, not anyone's task).
_EVENT_HELD = line_opening(r"(?:lễ|hội\s+nghị|hội\s+thi|cuộc\s+thi|kỳ\s+thi|giải|hội\s+diễn|liên\s+hoan|ngày\s+hội"
                           r"|tuần\s+lễ|đại\s+hội|phiên\s+họp|cuộc\s+họp)\b[^;]{0,150}?\sđược\s+tổ\s+chức\b")
# A notice of what its issuer plans: «Cục Thuế có kế hoạch nâng cấp hệ thống … từ 18h00 ngày 22/11/2025 đến …».
_OWN_PLAN = line_opening(r"[^,;:]{0,80}?\scó\s+kế\s+hoạch\s+(?!(?:và|,))")
# A letter's account of what its issuer will do in consequence: «Theo đó, Cục Thuế sẽ cập nhật … theo Nghị quyết số
# … ngày 24/6/2023 …» (with only a cited text's date it sets no one a task).
_WILL_DO = line_opening(r"theo\s+đó\s*,\s*[^,;:]{0,80}?\ssẽ\s")
# A summary of what the text itself does, over its body: «Ủy ban nhân dân thành phố Hà Nội ban hành Quyết định
# sửa đổi … Quyết định số 48/2024/QĐ-UBND ngày 22/7/2024 …» (with only a cited text's date it sets no one a task).
_ISSUES_TEXT = line_opening(r"(?:(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND|Chính\s+phủ|Thủ\s+tướng|Bộ\s+trưởng)"
                            r"[^,;:]{0,60}?\sban\s+hành\s+(?:quyết\s+định|nghị\s+quyết|nghị\s+định|thông\s+tư|chỉ\s+thị)\b")
# A procedure's processing time («d) Thời hạn giải quyết: Trong 10 (mười) ngày, kể từ ngày nhận đủ hồ
# sơ hợp lệ.») is a rule of the procedure; it is a unit's task only when the line names the unit
# after the time («…, Trung tâm Chuyển đổi số có trách nhiệm …»).
_PROCESSING_TIME = line_opening(r"thời\s+(?:hạn|gian)\s+(?:giải\s+quyết|xử\s+lý)[^:;]{0,40}:")
_NAMED_AFTER_TIME = re.compile(rf",\s+(?-i:[{UPPER}])")
# A row of a catalogue of administrative procedures carries the procedure's code («| 1.014391 |»,
# «| 2.000894.000.00.00.H48 |»): its times are processing times, rules of the procedure.
# The code may also follow the procedure's name in brackets: «| Cấp giấy phép hành nghề khoan nước dưới đất
# (1.004122) | Trong thời hạn 22 ngày làm việc, kể từ ngày nhận đủ hồ sơ. |».
_PROCEDURE_CODE = re.compile(r"(?:^|\|)\s*\d\.\d{6}\b|\(\s*\d\.\d{6}(?:\.[\w.]+)?\s*\)\s*\|")
_DOCUMENT_DATE = re.compile(r"(?:ban\s+hành|ký)\s+(?:ngày|kèm\s+theo)", _I)
# A text's own adoption: «Nghị quyết này được Ủy ban Thường vụ Quốc hội … khóa XV thông qua ngày 16 tháng 6
# năm 2025.» dates the text, whoever the line stands under.
_ADOPTED = line_opening(r"(?:luật|bộ\s+luật|nghị\s+quyết|nghị\s+định|quyết\s+định|thông\s+tư|pháp\s+lệnh)\s+này\s+(?:đã\s+)?được"
                        r"[^;]{0,200}?\sthông\s+qua\b")
# The header's place and date ("Hà Nội, ngày 29 tháng 11 năm 2025"), "(Kèm theo Quyết định số …)".
_HEADER_DATE = re.compile(r"^\W*(?:[A-ZĐÀ-Ỹ][\w]*\s*){1,4},\s*ngày\s+[\d.…]*\s*tháng|^\W*\(?\s*(?:ban\s+hành\s+)?kèm\s+theo|^\W*(?:Điều\s+\d+\W*)?ban\s+hành\s+kèm\s+theo", _I)
# Citations, forecasts, targets, preambles: no one is told to do anything by the date.
_BACKGROUND = re.compile(
    r"^\W*(?:căn\s+cứ\s+(?:(?:tại\s+)?(?:điểm|khoản|điều|mục|chương)\s+[\w.]+\s+)*(?:luật|bộ\s+luật|hiến|nghị|quyết|thông\s+tư|chỉ\s+thị|công\s+văn|văn\s+bản|kết\s+luận"
    r"|ý\s+kiến|tờ\s+trình|kế\s+hoạch\s+số)|xét\s+(?:tờ\s+trình|đề\s+nghị|văn\s+bản)|thực\s+hiện\s+(?:quyết\s+định|chỉ\s+thị|công\s+văn|kế\s+hoạch|nghị|thông\s+báo|kết\s+luận)"
    r"\s+số|theo\s+dự\s+báo|dự\s+báo|phấn\s+đấu|với\s+sự|tại\s+phiên\s+họp|trên\s+cơ\s+sở\s+ý\s+kiến|đây\s+là"
    # the grounds a simplification plan gives for a change («Lý do: Thực hiện Nghị quyết số 66/NQ-CP …»)
    r"|lý\s+do\s*:)", _I)
# A result reached («… đạt 90% trong năm 2025»): read in the clause of the date, as the other clauses of a
# line that enumerates tasks («(1) trình … trong tháng 11 năm 2025; … (4) … phải đạt 90% …») still assign.
_ACHIEVED = re.compile(r"chúng\s+ta\s+có|(?:^|\s)đạt\s+(?:\d|khoảng|trên|tối\s+thiểu)", _I)
# A plan's closing line and what a text says it is («Trên đây là Kế hoạch … năm 2025.», «Quy định này là một
# tiêu chuẩn để đánh giá … hàng năm»), a list of cited texts («các văn bản số: 10894/VPCP-CN ngày …»): read in
# the clause of the date, as a later sentence of the paragraph may still ask for something.
_SAYS_WHAT_IT_IS = line_opening(r"(?:trên\s+đây\s+là|(?:quy\s+định|quyết\s+định|quy\s+chế|kế\s+hoạch)\s+này\s+là"
                                r"|(?:các\s+)?văn\s+bản\s+số\s*:)")
# Individuals are bound by rules («Người được giao quản lý hộp thư … phải …», «Cán bộ, công chức
# …»); what is encouraged is no assignment («khuyến khích kiểm tra hộp thư hằng ngày»).
# (not a unit's own staff: «Công chức của Sở Tài chính tiếp nhận hồ sơ …» is the department at work)
_PERSONS = (r"(?:người(?!\s+đứng\s+đầu)|cán\s+bộ|công\s+chức|viên\s+chức|cá\s+nhân|thân\s+nhân)\b"
            rf"(?!\s+(?:của|thuộc)\s+(?-i:[{UPPER}]))")
_PERSON_SUBJECT = line_opening(_PERSONS)
_ENCOURAGED = re.compile(r"(?<!\w)khuyến\s+khích(?!\w)", _I)
# Businesses alone as the doer («doanh nghiệp viễn thông có trách nhiệm khắc phục … trong thời hạn 12 giờ»):
# a norm the regulation sets for whoever runs such a business, no unit's task; in a list with public
# bodies («các sở, ngành, địa phương và các doanh nghiệp …») the list is assigned.
_BUSINESSES = re.compile(r"^(?:các\s+)?doanh\s+nghiệp\b(?:(?!\s(?:và|cùng|với)\s)[^,;])*$", _I)
# A plan's part that hands out its work («IV. TỔ CHỨC THỰC HIỆN > 4. Các doanh nghiệp viễn thông»): the
# businesses it names are assigned their part, as the departments beside them are (not a regulation's
# «Chương IV. TỔ CHỨC THỰC HIỆN VÀ TRÁCH NHIỆM …», whose articles set businesses their norms).
_IMPLEMENTATION_HEADING = re.compile(r"^(?!(?:chương|điều|mục)\b).*(?:tổ\s+chức\s+thực\s+hiện|phân\s+công)", _I)
_PASSIVE_RULE = re.compile(r"phải\s+được|tính\s+từ\s+ngày|được\s+thực\s+hiện\s+(?:định\s+kỳ|theo)"
                          r"|được\s+(?:gửi|xác\s+định|quy\s+đổi|thông\s+báo)\b", _I)
# What a line is by its opening words, whatever its dates (checked when it names no one):
# a footnote, the preamble's grounds («Theo đề nghị của Giám đốc Sở …», «Xét báo cáo …»,
# «Để tiếp tục thực hiện Chỉ thị số …»), a cited document on a line of its own («b) Quyết định
# số 27/2023/QĐ-UBND ngày …»), a reply letter's opening («Bộ … nhận được văn bản số …»),
# commendation («Ghi nhận, đánh giá cao …», «Thay mặt …, biểu dương …»), a voters' petition quoted in a
# reply («Câu số 18. Cử tri kiến nghị …»).
_DOC_NAME = (r"(?:luật|bộ\s+luật|nghị\s+định|nghị\s+quyết|quyết\s+định|thông\s+tư|chỉ\s+thị|công\s+văn"
             r"|hướng\s+dẫn|thông\s+báo|kế\s+hoạch|văn\s+bản|công\s+điện|tờ\s+trình|kết\s+luận)")
# A cited number may be broken after its dash («Thông tư số 10/2025/TT- BKHCN ngày …») and followed
# by the document's subject («Quyết định 1520/QĐ-UBND phê duyệt …»); a law is cited by its name and
# year on a line of its own («- Luật Bảo vệ và kiểm dịch thực vật năm 2013;»).
# A letter's account of what reached its writer («Cục Thuế nhận được công văn số …», «Ngày 18/11/2025,
# Thuế tỉnh … có nhận được Công văn số …») and a line that opens with the date of what happened
# («Ngày 28 tháng 10 năm 2025, Chủ tịch … ban hành …») tell events, whoever they name.
# (not the anchor of a time limit: «Trong thời hạn 02 ngày làm việc kể từ ngày Hội đồng … nhận được đề nghị, …»)
_RECEIVED = line_opening(r"(?:ngày\s+\d[^,;:]{0,25},\s*)?(?:(?!từ\s|khi\s|sau\s|trong\s)[^,;:]){0,100}?\s(?<!ngày\s)(?:có\s+)?nhận\s+được\s+"
                         r"(?:kiến\s+nghị|văn\s+bản|công\s+văn|đề\s+nghị|báo\s+cáo|tờ\s+trình)")
# The title of an amending text: «Sửa đổi, bổ sung một số điều của Quy định đơn giá bồi thường … ban hành kèm theo
# Quyết định số …» (with no deadline word it names a document, it orders nothing).
# So does a line that amends a provision of a cited text: «Sửa đổi điểm b khoản 1 Điều 4 Nghị định 176/2025/NĐ-CP …».
_AMENDMENT_TITLE = line_opening(rf"sửa\s+đổi(?:,?\s+bổ\s+sung)?\s+(?:một\s+số\s+điều\s+(?:của\s+)?)?"
                                rf"(?:{_DOC_NAME}|quy\s+định|quy\s+chế|danh\s+mục|(?:điểm|khoản|điều|mục|phụ\s+lục)\s)\b")
_DATED_OPENING = line_opening(r"(?:(?:sáng|chiều|tối)\s+)?ngày\s+\d{1,2}(?:\s+tháng\s+|\s*/\s*)\d{1,2}(?:\s*,?\s*năm\s+|\s*/\s*)\d{4}\s*,")
# A report's narration, by the link it opens with: «Tuy nhiên, qua quá trình triển khai … vẫn còn …»,
# «Hiện nay tổng khối lượng hoàn thành …», «Trên đây là Kế hoạch …» (a line that names who is to act
# after such a link may still assign a task).
_NARRATIVE = line_opening(r"(?:tuy\s+nhiên|hiện\s+nay|trên\s+đây\s+là|nhìn\s+chung|bên\s+cạnh\s+đó)\b")
# A line that is a citation whole: «Báo cáo thẩm tra số 172/BC-BKTNS ngày 24 tháng 11 năm 2025 của Ban Kinh tế -
# Ngân sách Hội đồng nhân dân Thành phố;»
_CITED_WHOLE = line_opening(rf"(?:báo\s+cáo|{_DOC_NAME})[^;:.]{{0,60}}?\s+số\s+[\w/.-]*\d[\w/.-]*\s+ngày\s+[\d/]+(?:\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}})?"
                            r"(?:\s+của\s+[^;:]{0,150}?)?\s*[;.]?\s*$")
# A line of grounds that cites texts and assigns no one: «Căn cứ Quy chế … ban hành kèm theo Quyết định số
# 25/2016/QĐ-TTg ngày 27 tháng 6 năm 2016, được sửa đổi, bổ sung tại …» (a preamble, in a form too); not
# «Căn cứ Quyết định số …, Sở Y tế tổng hợp …», whose unit after the comma acts.
_CITED_GROUNDS = line_opening(rf"căn\s+cứ\s+(?:vào\s+)?(?:{_DOC_NAME}|quy\s+chế|quy\s+định)\b"
                              rf"(?![^;]*,\s*(?-i:[{UPPER}]))")
_CITATION_LINE = re.compile(
    rf"^\W*(?:\[\d+\]|(?:[a-zđ\d]{{1,3}}[.)]\s*)?{_DOC_NAME}(?:\s+số)?\s+[\w/.-]*\d[\w/.-]*(?:(?<=-)\s+(?-i:[A-ZĐ])[\w/.-]*)?"
    r"\s+(?:ngày|của|về|(?-i:phê\s+duyệt|ban\s+hành|quy\s+định|hướng\s+dẫn|sửa\s+đổi)))"
    rf"|^\W*(?:[a-zđ\d]{{1,3}}[.)]\s*)?(?:bộ\s+)?luật\s+(?-i:[{UPPER}])[^,;:]{{0,120}}?\s(?:năm\s+\d{{4}}|số\s+[\w/]*\d[\w/]*)\W*$", _I)
_ADOPTS = line_opening(r"(?:thông\s+qua|phê\s+duyệt|chấp\s+thuận|đồng\s+ý\s+(?:với\s+)?)\s*(?:báo\s+cáo|tờ\s+trình|đề\s+án|dự\s+án"
                       r"|dự\s+thảo|chủ\s+trương|phương\s+án|kế\s+hoạch|danh\s+sách|nội\s+dung|quy\s+hoạch)\b")
# A target for a year: «Đến năm 2030, 100% các khu vực … được xác định và quản lý hiệu quả.»
_TARGET_YEAR = line_opening(r"đến\s+năm\s+\d{4}\s*,")
# A short line ending in a colon titles the items below it («b) Báo cáo định kỳ hằng quý:»): they are the tasks.
_TITLE_LINE = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:\S+\s+){0,6}\S+\s*:\s*$", _I)
# What a rule is, by where it is written: «Thành phần hồ sơ … thực hiện theo quy định tại Điều 3
# Thông tư …», «Giá trị pháp lý của chữ ký số được quy định tại Điều 23 …» (unless a task verb
# governs it: «Phối hợp … kiểm tra … theo quy định tại …»).
_BY_REFERENCE = re.compile(r"(?:^|\s)(?:được\s+)?(?:(?:thực\s+hiện|áp\s+dụng)\s+theo\s+quy\s+định\s+(?:tại|của)|quy\s+định\s+tại)\s", _I)
_GROUNDS = re.compile(
    rf"^\W*(?:\[\d+\]|(?:[a-zđ\d]{{1,3}}[.)]\s*)?(?:theo\s+đề\s+nghị\s+của|xét\s+báo\s+cáo"
    rf"|(?:để\s+)?(?:tiếp\s+tục\s+)?(?:triển\s+khai\s+)?thực\s+hiện\s+(?:nghiêm\s+)?{_DOC_NAME}\s+số"
    rf"|(?:thay\s+mặt\s+[^,;]{{0,60}},\s*)?(?:ghi\s+nhận|đánh\s+giá\s+cao|biểu\s+dương|hoan\s+nghênh|cảm\s+ơn|chúc\s+mừng)"
    rf"|[^,;:]{{0,100}}?\s(?<!ngày\s)(?<!khi\s)nhận\s+được\s+(?:kiến\s+nghị|văn\s+bản|công\s+văn|đề\s+nghị|báo\s+cáo|tờ\s+trình)"
    rf"|(?:câu\s+(?:số\s+)?\d+\W+)?cử\s+tri\s+(?:[^,;:]{{0,40}}?\s)?kiến\s+nghị))", _I)
# A rule by its opening: a reference to where the rule is («Thực hiện theo quy định tại Hướng dẫn
# số …», «Theo quy định tại Thông tư …, … cần có …»), a text's scope («Quyết định này quy định …»).
_RULE_OPENING = line_opening(
    rf"(?:[^:;]{{0,80}}?(?::\W*|\s(?=(?-i:Thực|Được)\s)))?(?:(?:được\s+)?thực\s+hiện\s+theo\s+(?:quy\s+định|hướng\s+dẫn)"
    rf"|theo\s+quy\s+định\s+(?:tại|của)|{_DOC_NAME}\s+này\s+quy\s+định)")
# «Kể từ ngày 01 tháng 01 năm 2031: …»: from when a rule applies, no one's deadline.
_FROM_DATE = line_opening(r"(?:kể\s+)?từ\s+ngày\s+\d{1,2}(?:\s+tháng\s+|\s*/\s*)\d{1,2}"
                          r"(?:\s*,?\s*năm\s+|\s*/\s*)\d{4}\s*[:,]")
# Parties a procedure names by their role only: the competent authority, an applicant establishment.
# So are the managing body of a research task and the holder of an escrow account, roles any body may hold.
# So is an organisation named by what it issues or collects («Tổ chức cấp C/O», «tổ chức thu phí»), not the
# organisations of a level («các tổ chức cấp tỉnh»).
_GENERIC_PARTY = (r"(?:các\s+)?(?:cơ\s+quan|cấp|đơn\s+vị)(?:,\s*(?:người|đơn\s+vị))?\s+có\s+thẩm\s+quyền|cơ\s+sở(?!\s+(?:trợ\s+giúp|bảo\s+trợ)\s+xã\s+hội)"
                  r"|cơ\s+quan\s+quản\s+lý\s+nhiệm\s+vụ|chủ\s+tài\s+khoản"
                  r"|tổ\s+chức\s+(?:cấp|thu)(?=\s)(?!\s+(?:tỉnh|huyện|xã|trung\s+ương|cơ\s+sở|bộ|thành\s+phố)\b)")
# The general public is bound by rules, not assigned tasks: «Trách nhiệm của các tổ chức, cá nhân».
_PUBLIC = re.compile(r"^(?:các\s+)?(?:cơ\s+quan,\s*)?tổ\s+chức(?:,\s*|\s+và\s+)(?:hộ\s+gia\s+đình,?\s*(?:và\s+)?)?cá\s+nhân"
                     rf"|^(?:các\s+)?(?:người\s+dân|hộ\s+gia\s+đình|{_PERSONS})|^(?:{_GENERIC_PARTY})\b", _I)
# A subject that undergoes or is allowed what the line says is no one given a task: «Hằng năm, Quỹ … được
# trích lập …» (an entitlement), «Cơ quan, tổ chức … được hưởng cơ chế …»; not a unit named by what it
# was assigned («Cơ quan được giao thẩm định …»).
_UNDERGOES = re.compile(r"(?<!nhận)\sđược\s+(?!giao\b|phân\s+(?:công|cấp)\b|(?:ủy|uỷ)\s+quyền\b|chỉ\s+định\b|cử\b"
                        # nor one named by who assigned it: «cơ quan được Ủy ban nhân dân tỉnh, bộ, ngành … giao»
                        r"|(?:bộ|ngành|cơ\s+quan|(?:ủy|uỷ)\s+ban|cấp|người|thủ\s+trưởng|chủ\s+tịch)\b"
                        # a body consulted answers within its time: «các cơ quan được lấy ý kiến phải gửi …»
                        r"|lấy\s+ý\s+kiến\b)(?-i:[a-zđà-ỹ])", _I)
# A procedure's step whose only actor is a role is a rule, not anyone's task: the competent
# authority («…, cơ quan có thẩm quyền xem xét, cấp phép …») or the applicant establishment
# («…, cơ sở phải nộp hồ sơ …»), as the clause's subject (at its start or after its opening).
_GENERIC_SUBJECT = re.compile(
    rf"(?:^\W*|,\s*|(?:ngày|làm\s+việc|giờ)\s+)(?:{_GENERIC_PARTY})(?:\s+[^\s,;.]+){{0,4}}?\s+(?:phải|có\s+trách\s+nhiệm|cần|xem\s+xét"
    r"|gửi|nộp|thực\s+hiện|báo\s+cáo|cấp\s+phép|trả\s+lời|trả|thông\s+báo|xử\s+lý|giải\s+quyết|tiếp\s+nhận|thẩm\s+định|chuyển)\b", _I)
# A party a procedure names by what it receives: «cơ quan, tổ chức nhận tiền», «đơn vị tiếp nhận hồ sơ».
_RECEIVING_PARTY = (r"(?:các\s+)?(?:cơ\s+quan|tổ\s+chức|đơn\s+vị|bộ\s+phận)(?:,\s*(?:cơ\s+quan|tổ\s+chức|đơn\s+vị))*"
                    r"\s+(?:tiếp\s+)?nhận\s+(?:hồ\s+sơ|tiền|văn\s+bản|đơn)")
_ROLE_NAME = re.compile(rf"^(?:{_GENERIC_PARTY}|{_PERSONS}|{_RECEIVING_PARTY})", _I)
_APPLICANT_SUBJECT = re.compile(r"[^;]*?,\s*(?:các\s+)?(?:tổ\s+chức,\s*cá\s+nhân|tổ\s+chức\s+đề\s+(?:xuất|nghị)|doanh\s+nghiệp)\b"
                                r"[^;]{0,150}?\s(?:phải|có\s+trách\s+nhiệm|xem\s+xét|gửi|nộp|bổ\s+sung|hoàn\s+thiện)\b", _I)
# An applicant named by its role opens the line: «Tổ chức đề xuất có trách nhiệm hoàn thiện dự toán …».
_APPLICANT_START = line_opening(r"(?:các\s+)?(?:tổ\s+chức,\s*cá\s+nhân|tổ\s+chức\s+đề\s+(?:xuất|nghị))\b")


def rule_party(actor: str) -> bool:
    """A party whose steps are rules, not anyone's tasks: the public or an applicant («Cá nhân đề nghị
    xét tặng …», «thân nhân»), a role of the procedure («Cơ quan, đơn vị có thẩm quyền …»), a body
    consulted («Các Sở, ban, ngành được xin ý kiến»)."""
    return bool(_APPLICANT_PARTY.match(actor) or _GENERIC_PARTY_START.match(actor) or _UNDERGOES.search(actor)
                or _ASKED.search(actor))


# The public or an applicant as a step's doer; not the administration's own staff («Công chức Văn phòng Sở»,
# «Bộ phận tiếp nhận hồ sơ …»), who are roles of its procedures.
_APPLICANT_PARTY = re.compile(r"^(?:các\s+)?(?:(?:cơ\s+quan,\s*)?tổ\s+chức(?:,\s*|\s+và\s+)(?:hộ\s+gia\s+đình,?\s*(?:và\s+)?)?cá\s+nhân"
                              r"|cá\s+nhân|người\s+(?!đứng\s+đầu)|thân\s+nhân|hộ\s+gia\s+đình|tổ\s+chức\s+đề\s+(?:nghị|xuất))\b", _I)
_GENERIC_PARTY_START = re.compile(rf"^(?:{_GENERIC_PARTY})", _I)
# A body asked for its opinion: «Các Sở, ban, ngành được xin ý kiến».
_ASKED = re.compile(r"\sđược\s+(?:xin|lấy|hỏi)\s+ý\s+kiến", _I)
# A step whose work is only the opinion asked of its doer («Gửi ý kiến bằng văn bản đến Sở Nông nghiệp và Môi
# trường», «Cho ý kiến về hồ sơ»): the doer is a body consulted, whoever it is.
_OPINION_WORK = re.compile(r"^\W*(?:gửi|cho|góp|có)\s+(?:văn\s+bản\s+)?(?:góp\s+)?ý\s+kiến\b", _I)


def opinion_step(work: str) -> bool:
    """Whether a step's work is giving the opinion asked (its doer a body consulted, as `rule_party`'s)."""
    return bool(_OPINION_WORK.match(work))


# Nothing but a list marker or «Chậm nhất» before a clause's deadline: the clause opens with it.
_OPENS_CLAUSE = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:chậm\s+nhất\s*)?$", _I)
# After such a deadline (its anchor's words included), a role as the subject of the step, after a comma or
# the «thì» of a case («Trong thời hạn 90 ngày kể từ ngày người hưởng trợ cấp chết thì thân nhân nộp hồ sơ …»).
_ROLE_SUBJECT = re.compile(rf"[^;]*?(?:,|\sthì)\s*(?:{_GENERIC_PARTY}|{_PERSONS}|{_RECEIVING_PARTY})(?:\s+[^\s,;.]+){{0,4}}?\s+(?:phải|có\s+trách\s+nhiệm|cần|xem\s+xét|gửi|nộp|thực\s+hiện|báo\s+cáo|quyết\s+định|trả\s+lời|thông\s+báo|xử\s+lý|giải\s+quyết|chuyển)\b", _I)
# Sections whose lines are no assignments: targets and purposes («I. MỤC ĐÍCH, YÊU CẦU», «II. MỤC
# TIÊU»), a regulation's general provisions («Điều 1. Phạm vi điều chỉnh», «Điều 2. Nguyên tắc,
# hình thức phối hợp»; not the whole of «Chương I QUY ĐỊNH CHUNG», which may assign duties).
_TARGET_HEADING = _heading_opening(r"mục\s+(?:tiêu|đích)\b")
# An assessment («I. ĐÁNH GIÁ CHUNG», «Kết quả đạt được», «Tình hình thực hiện»; not a procedure's
# «Kết quả thực hiện», its outcome) reports what was done; only a line that names who is to act
# there is a task («Trong thời gian tới, Tỉnh tổ chức …»).
_ASSESSMENT_HEADING = _heading_opening(r"(?:đánh\s+giá\s+(?:chung|tình\s+hình|kết\s+quả)|kết\s+quả\s+đạt\s+được"
                                       r"|tình\s+hình\s+(?:thực\s+hiện|triển\s+khai))\b")
_GENERAL_HEADING = _heading_opening(
    r"(?:phạm\s+vi|đối\s+tượng|nguyên\s+tắc|(?:các\s+)?hình\s+thức"
    r"|phương\s+thức|giải\s+thích\s+từ\s+ngữ)\b")
_PERIOD_WORDS = re.compile(
    r"(?:^|[\s:*])từ\s+(?:nay|năm\s+20\d\d|ngày\s+\d|tháng\s+\d|quý\s+[IV\d]|\d)[^;]{0,60}?(?:đến|tới)\s+(?:hết\s+)?(?:ngày|tháng|quý|năm|\d|khi\s)"
    # from an event to a date: «Kể từ ngày Quyết định được ban hành đến hết ngày 28/02/2027»
    r"|(?:^|[\s:*])từ\s+ngày\s+[^;,]{1,60}?\s(?:đến|tới)\s+(?:hết\s+)?ngày\s+\d", _I)
_PERIOD_LABEL = re.compile(r"thời\s+gian\s+(?:thực\s+hiện|triển\s+khai|áp\s+dụng)", _I)
_DEADLINE_LABEL = re.compile(r"thời\s+hạn(?:\s+hoàn\s+thành)?\s*:", _I)
# Words that give a clause someone to do something.
_TASK_VERBS = re.compile(
    r"(?<!\w)(?:gửi|nộp|báo\s+cáo|hoàn\s+thành|hoàn\s+thiện|tổng\s+hợp|xây\s+dựng|ban\s+hành|(?<![cC]hương\s)(?<![qQ]uy\s)(?<![cC]ông\s)trình|tổ\s+chức"
    r"|triển\s+khai|rà\s+soát|cập\s+nhật|lập|thực\s+hiện|công\s+bố|kiểm\s+tra|đánh\s+giá|phê\s+duyệt|chuyển"
    r"|thông\s+báo|đề\s+xuất|tham\s+mưu|bàn\s+giao|chủ\s+trì|phối\s+hợp|chỉ\s+đạo|hướng\s+dẫn|tiếp\s+nhận"
    r"|cung\s+cấp|giải\s+quyết|trả\s+lời|có\s+văn\s+bản|khẩn\s+trương|đăng\s+ký|lựa\s+chọn|thẩm\s+định"
    r"|chi\s+trả|đôn\s+đốc|sơ\s+kết|tổng\s+kết|bố\s+trí|xử\s+lý|phân\s+bổ|số\s+hó?a|đẩy\s+nhanh|theo\s+dõi"
    r"|nghiên\s+cứu|kiện\s+toàn|rà\s+soát|khắc\s+phục|đầu\s+tư|nâng\s+cấp|thẩm\s+tra|ký\s+kết|giao|tuyên\s+truyền"
    r"|phổ\s+biến|quán\s+triệt|đưa\s+vào|vận\s+hành|kết\s+nối|tích\s+hợp|chấm\s+dứt|dừng|thu\s+hồi|sắp\s+xếp"
    r"|bảo\s+đảm|đảm\s+bảo|phấn\s+đấu|thống\s+kê|điều\s+tra|tập\s+huấn|đào\s+tạo|bồi\s+dưỡng|thanh\s+toán"
    r"|quyết\s+toán|giải\s+ngân|nhập(?!\s+khẩu)|khai\s+báo|chốt|xác\s+nhận|cấp|đề\s+nghị|yêu\s+cầu|nghiệm\s+thu"
    r"|xem\s+xét|chấp\s+thuận|phản\s+hồi|giám\s+sát)(?!\w)", _I)
# Lower case only: a verb of the text, not a word of a unit's name ("Ban Chỉ đạo", "Sở Xây dựng").
TASK_VERBS_LOWER = re.compile(_TASK_VERBS.pattern)
# A verb a few words after "theo", "của", "việc" is a noun: "theo tổng hợp báo cáo của Bộ …",
# "trong việc cung cấp dịch vụ".
_NOUN_BEFORE = re.compile(r"(?:^|\s)(?:theo|của|việc)\s+(?:\S+\s+){0,2}$", _I)
_TASK_START = line_opening(rf"(?:{_TASK_VERBS.pattern})")
# A section of a programme's tasks: «III. NHIỆM VỤ, GIẢI PHÁP», «II. CÁC NHIỆM VỤ TRỌNG TÂM», or a plan's part
# that lists its activities, «IV. NỘI DUNG HOẠT ĐỘNG TRIỂN KHAI» (not an article's «Nội dung quản lý», nor a report
# on them: «PHỤ LỤC II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ …», «Tình hình thực hiện nhiệm vụ»).
_TASKS_SECTION = re.compile(r"^(?!.*(?:kết\s+quả|tình\s+hình)).*(?:nhiệm\s+vụ|(?:^|>\s*)[IVX]{1,4}\.\s*(?:các\s+)?nội\s+dung\b)", _I)


def programme_item(sentence: str, section: str) -> bool:
    """An action item of a programme's tasks that names no unit («- Xây dựng chương trình, tổ chức bồi
    dưỡng … hàng năm …» under «III. NHIỆM VỤ, GIẢI PHÁP»): a task with no lead, for the secretariat to assign."""
    return bool(_TASKS_SECTION.search(section)) and bool(_TASK_START.match(sentence))


def classify(sentence: str, found: FoundDeadline, actor: str | None = None,
             loose: bool = False, section: str = "") -> NotTask | None:
    """None when the clause around the deadline assigns a task; otherwise why it does not.

    A loose time phrase (not led by a deadline word) may sit anywhere in its clause, so the
    words after it count as well as those before."""
    start, end = clause_span(sentence, found.start, found.end)
    if is_mention(found):  # a cited document's date anchors nothing: read from its sentence's start
        start = max([0] + [m.end() for m in SENTENCE_END.finditer(sentence) if m.end() <= found.start])
    clause = sentence[start:end]
    before = clause if loose else sentence[start:found.start]
    if _HEADER_DATE.search(sentence) or _ADOPTED.match(sentence.replace("*", "")):
        return NotTask.DOCUMENT_DATE
    reason = _by_place(sentence, found, actor, section)
    if reason:
        return reason
    if _EFFECTIVE.search(before):
        return NotTask.EFFECTIVE_DATE
    if _DOCUMENT_DATE.search(before[-30:]):
        return NotTask.DOCUMENT_DATE
    # A cited text's date in a clause that gives no one anything to do («Quy chuẩn … ban hành kèm theo Thông tư số
    # … ngày …», a form's «/2024/NĐ-CP ngày....tháng....năm 2024 của Chính phủ quy định …»): the citation's own
    # «ban hành» is no verb of the clause.
    if is_mention(found) and not _own_verb(_CITATION_VERB.sub(" ", clause)):
        return NotTask.DOCUMENT_DATE
    if _BACKGROUND.search(sentence) or _ACHIEVED.search(clause) or _SAYS_WHAT_IT_IS.match(clause):
        return NotTask.BACKGROUND
    if loose and _AMENDMENT_TITLE.match(sentence):
        return NotTask.BACKGROUND
    # a budget paragraph's later sentences too; not a later clause that shares the line's verb
    # («b) Tham mưu … ; dự toán kinh phí hằng năm …»)
    if (_BUDGET.match(clause) and not _TASK_START.match(sentence)) or _BUDGET.match(sentence) or _RATE.search(clause):
        return NotTask.BUDGET
    if _SCHEDULE.match(clause) or _EVENT_HELD.match(sentence) or _OWN_PLAN.match(sentence):
        return NotTask.SCHEDULE
    if is_mention(found) and _WILL_DO.match(sentence):
        return NotTask.BACKGROUND
    if is_mention(found) and _ISSUES_TEXT.match(sentence.replace("*", "")):
        return NotTask.DOCUMENT_DATE
    if _PROCEDURE_CODE.search(sentence) or _catalogue_time(sentence, found) or (
            _PROCESSING_TIME.match(clause) and not _NAMED_AFTER_TIME.search(clause, found.end - start)):
        return NotTask.RULE
    if _consulted(clause, sentence) or (actor and _APPRAISING_COUNCIL.match(actor) and _APPRAISES.search(clause)):
        return NotTask.RULE
    if _RULE_SUBJECT.match(clause) or _ENCOURAGED.search(before) or (actor and _ENCOURAGED.search(actor)) \
            or (actor is None and _PASSIVE_RULE.search(clause)) or _businesses_norm(actor, section):
        return NotTask.RULE
    # A condition governs the clause unless a task verb comes first («thực hiện các chế độ đối
    # với người tham gia …» is about them, «Người tham gia … trước ngày …» is the condition).
    condition = _LEGAL_CONDITION.search(before)
    if condition and _ungoverned(before, condition.start()) \
            and not _duty_consequence(before, condition.end(), condition.group().startswith("(")) and (
            actor is None or (condition.start() < _CONDITION_AT_START and not _named_after(clause, condition, actor))):
        return NotTask.LEGAL_CONDITION
    # A transitional provision: «Đối với các hồ sơ … phát sinh trước ngày 01/01/2026 thì việc thu, nộp … thực hiện
    # theo …» — the date is in what the case is, «thì» then says the rule that applies to it.
    if _TRANSITIONAL.match(clause) and _THEN.search(sentence, found.end, end) and not _THEN.search(before) \
            and not _duty_consequence(sentence[start:end], found.end - start):
        return NotTask.LEGAL_CONDITION
    done = _DONE_CONDITION.search(before)
    if done and _ungoverned(before, done.start()):
        return NotTask.LEGAL_CONDITION
    if actor is None and (_PERSON_SUBJECT.match(clause) or _APPLICANT_START.match(clause) or _GENERIC_SUBJECT.search(clause)
                          or _by_reference(clause)):
        return NotTask.RULE
    # A step of a procedure that opens with its time limit and then names a role as its subject
    # («Trong thời hạn 03 ngày làm việc, kể từ …, người chủ trì cuộc họp gửi …», «Chậm nhất là 05 ngày
    # làm việc kể từ …, cấp có thẩm quyền xử lý kỷ luật quyết định …») is a rule, whatever body a
    # heading above names.
    # So is one whose subject is the public or an applicant («…, tổ chức, cá nhân đề nghị cấp Giấy chứng nhận …
    # có trách nhiệm bổ sung …», «…, tổ chức đề xuất … gửi về …»), however long its name.
    if _OPENS_CLAUSE.match(sentence[start:found.start]) and _APPLICANT_SUBJECT.match(sentence, found.end, end):
        return NotTask.RULE
    if _OPENS_CLAUSE.match(sentence[start:found.start]) and _ROLE_SUBJECT.match(sentence, found.end, end) \
            and not (actor and actor.casefold() in clause.casefold() and not _ROLE_NAME.match(actor)):
        return NotTask.RULE
    # A unit that is doing it now reports progress («Bộ Tài chính đang xây dựng Luật … để thực hiện từ ngày
    # 01/01/2026»), unless the line binds it to something («… đang tổ chức …, có trách nhiệm hoàn thành …»).
    if _in_progress(clause, actor):
        return NotTask.PAST_EVENT
    # "vừa qua" before the date makes it past, not after it ("… các đợt mưa lũ vừa qua" is what
    # a task is about); "đã" as the clause's own verb makes it past wherever the date sits.
    # (not the event the time counts from: «kể từ ngày nhận được hồ sơ … đã hoàn thiện»)
    if _PAST.search(sentence[start:found.start]) or _past_predicate(
            _without_anchor(sentence, found, start, end) if loose or actor is None else before):
        return NotTask.PAST_EVENT
    period = (_PERIOD.search(clause) or _PERIOD_WORDS.search(clause))
    verbs = _TASK_VERBS.search(_PERIOD_LABEL.sub("", clause[:period.start()])) if period else None
    # (a unit's own time field, «Thời gian thực hiện: Từ tháng 11/2025 đến khi kết thúc …» in its item, is
    # when that unit works on it)
    if period and not verbs and not _DEADLINE_LABEL.search(clause) \
            and not (actor and _PERIOD_LABEL.match(clause.lstrip("-–+•* "))):
        return NotTask.PERIOD_APPLIES
    # the deadline's own words («kể từ ngày ban hành quyết định cấp chứng chỉ …») give the clause no verb
    if actor is None and not _own_verb(_without_anchor(sentence, found, start, end)):
        return NotTask.RULE
    # A time counted from receiving a dossier in a line that names no unit is a procedure's processing
    # time («Thời gian thực hiện: Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.»,
    # «… chuyển hồ sơ giấy đến cơ quan có thẩm quyền … kể từ khi tiếp nhận hồ sơ.»), or one whose subject
    # is the party receiving it («đơn vị tiếp nhận hồ sơ chuyển ngay …»): a rule.
    if (actor is None or _RECEIVER_FIRST.match(clause)) and _DOSSIER_ANCHOR.search(found.deadline.anchor or ""):
        return NotTask.RULE
    # A looser time phrase («hằng năm», «định kỳ», a cited date) in a line that names no one is a
    # task only where the section lists things to do («III. NHIỆM VỤ VÀ GIẢI PHÁP», «Trách nhiệm
    # của …»); elsewhere it describes how things run («Kế hoạch hỗ trợ hằng năm do Hội đồng …
    # quyết định», a market's opening hours, a power «Kiểm tra định kỳ …» under «Quyền hạn»).
    if loose and actor is None and not _duties_section(section):
        return NotTask.RULE
    if loose and _competence_section(section):
        return NotTask.RULE
    return None


# The time a body consulted has to answer, counted from its receiving the request («… trả lời bằng văn bản
# trong thời hạn 10 ngày kể từ ngày nhận được đề nghị góp ý kiến»): a rule of the consultation, whoever
# answers; the body that consults and then acts on the answers has the task («kể từ ngày nhận được ý kiến …»).
_CONSULTATION = re.compile(r"(?:kể|tính)\s+từ\s+(?:ngày|khi)\s+nhận\s+được\s+(?:(?:văn\s+bản|công\s+văn|đề\s+nghị|phiếu)\s+)*"
                           r"(?:lấy|góp|xin|cho|tham\s+gia)\s+ý\s+kiến", _I)
_ANSWERS = re.compile(r"(?<!\w)(?:trả\s+lời|góp\s+ý|(?:có|cho|gửi|tham\s+gia)\s+ý\s+kiến)(?!\w)", _I)


# An appraisal council a ministry or a province asks to appraise a dossier within a time limit is consulted too
# («…, Hội đồng thẩm định cấp chuyên ngành tiến hành thẩm định hồ sơ …»): the body that set it up acts on its
# result.
_APPRAISING_COUNCIL = re.compile(r"^(?:các\s+)?Hội\s+đồng\s+(?!nhân\s+dân)", _I)
_APPRAISES = re.compile(r"(?:tiến\s+hành|tổ\s+chức)\s+thẩm\s+định|\bthẩm\s+định\s+(?:hồ\s+sơ|và\s+có\s+ý\s+kiến)", _I)


# The bodies concerned answering a request, whatever the request is called («…, các cơ quan, tổ chức có liên quan có ý
# kiến bằng văn bản …», «… các cơ quan liên quan có ý kiến bằng văn bản gửi đại diện chủ sở hữu»): consulted bodies.
_CONCERNED_ANSWER = re.compile(r"(?<!\w)(?:các\s+)?(?:bộ|cơ\s+quan|tổ\s+chức|đơn\s+vị|sở)\b[^;.:]{0,60}?(?:có\s+)?liên\s+quan"
                               r"\s+(?:có\s+trách\s+nhiệm\s+|phải\s+)?(?:có\s+ý\s+kiến|trả\s+lời|góp\s+ý|cho\s+ý\s+kiến)(?!\w)", _I)


def _consulted(clause: str, sentence: str) -> bool:
    """Whether the clause counts its time from a request for comments and the sentence answers it
    (its verb may stand before a comma the clause ends at: «Tiếp nhận và trả lời … thuộc chức năng, nhiệm vụ …»),
    or the bodies concerned answer in it (`_CONCERNED_ANSWER`)."""
    if _CONCERNED_ANSWER.search(clause):
        return True
    request = _CONSULTATION.search(clause)
    return bool(request) and bool(_ANSWERS.search(sentence.replace(request.group(0), " ")))


_IN_PROGRESS = re.compile(r"^\s*,?\s*(?:hiện\s+)?(?:đang|vẫn\s+đang)\s+(?!được\b)", _I)
# What binds a unit to a duty, read after its name: «giao» only as an assignment («được giao», «giao
# cho»), not in «Bộ Ngoại giao», «bàn giao», «Giao thông»; no «yêu cầu» (work done «theo yêu cầu»).
_BOUND = re.compile(r"(?<!\w)(?:phải|cần|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|khẩn\s+trương|tiếp\s+tục|đề\s+nghị"
                    r"|được\s+giao|giao\s+cho)(?!\w)", _I)


def _in_progress(clause: str, actor: str | None) -> bool:
    """The clause opens with its unit and «đang» (what it is doing now), and nothing binds it."""
    if not actor:
        return False
    text = re.sub(_LINE_START, "", clause.replace("*", ""), count=1).lstrip()
    if not text.casefold().startswith(actor.casefold()):
        return False
    rest = text[len(actor):]
    return bool(_IN_PROGRESS.match(rest)) and not _BOUND.search(rest)


# «Đối với các hồ sơ … trước ngày … thì …» opens a case; «Đối với UBND cấp xã, trước ngày …» addresses a unit.
_TRANSITIONAL = line_opening(r"đối\s+với\s+(?!(?-i:UBND|Ủy\s+ban|Uỷ\s+ban|Sở|Bộ|Ban|Văn\s+phòng|Công\s+an)\s[^,.;]{0,60},)")
_THEN = re.compile(r"[\s,]thì\s", _I)
_RECEIVER_FIRST = line_opening(_RECEIVING_PARTY)
_DOSSIER_ANCHOR = re.compile(r"(?:tiếp\s+)?nhận(?:\s+(?:đủ|được|đầy\s+đủ))?\s+(?:đủ\s+)?hồ\s+sơ", _I)
_FROM_DOSSIER = re.compile(r"(?:kể|tính)\s+từ\s+(?:ngày|khi)\s+" + _DOSSIER_ANCHOR.pattern, _I)
_STEP_ROW = re.compile(r"^\W*Bước\s+\d", _I)
_CELL = " | "


def _catalogue_time(sentence: str, found: FoundDeadline) -> bool:
    """A row of a catalogue of procedures whose code stayed on another line («Trong thời gian 12 ngày làm
    việc kể từ ngày nhận đủ hồ sơ hợp lệ | Trung tâm Phục vụ hành chính công … | Trực tiếp …»): its cell's time
    counts from receiving the dossier, a processing time. Not a step of a procedure's table («Bước 3 | …»)."""
    if _CELL not in sentence or _STEP_ROW.match(sentence):
        return False
    start = sentence.rfind("|", 0, found.start) + 1
    end = sentence.find("|", found.end)
    return bool(_FROM_DOSSIER.search(sentence[start:end if end != -1 else len(sentence)]))


# Headings of what is to be done: tasks, solutions, responsibilities, implementation, a field of work.
_DUTIES_HEADING = re.compile(r"nhiệm\s+vụ|giải\s+pháp|trách\s+nhiệm|tổ\s+chức\s+thực\s+hiện|phân\s+công|triển\s+khai"
                             r"|(?:^|\W)công\s+tác\s", _I)
# A plan's «II. NỘI DUNG», «2. Nội dung thực hiện» (not a budget's «Nội dung chi», nor a contract's
# «NỘI DUNG CHÍNH HỢP ĐỒNG»).
_CONTENTS_HEADING = _heading_opening(r"nội\s+dung(?!\s+(?:chi|và\s+mức\s+chi|chính|hợp\s+đồng))\b")
# A unit's powers, not its duties: «Điều 4. Quyền hạn» (under «Chương II. NHIỆM VỤ VÀ QUYỀN HẠN»).
_POWERS_HEADING = _heading_opening(r"quyền\s+hạn\b")
# An article on who may decide what («Điều 5. Thẩm quyền về quản lý biên chế», «Điều 10. Thẩm quyền xử lý kỷ
# luật»), not on how («Thẩm quyền, trình tự, thủ tục cấp …») nor on duties.
_COMPETENCE_HEADING = _heading_opening(r"(?:thẩm\s+quyền|quyền\s+hạn)\b(?![^>]*(?:trình\s+tự|thủ\s+tục|nhiệm\s+vụ"
                                       r"|trách\s+nhiệm|thời\s+gian))")
_BARE_HEADING = re.compile(r"^\W*(?:[IVX]{1,4}|\d{1,3}(?:\.\d{1,2})*|[a-zđ])?\W*$", _I)


def _competence_section(section: str) -> bool:
    """Whether the nearest heading that says something is an article on competence: its lines say who
    may decide («Cục trưởng quyết định cho nghỉ phép hằng năm …»), a standing power, no task."""
    headings = [h for h in (section.split(SECTION_SEPARATOR) if section else []) if not _BARE_HEADING.match(h)]
    return bool(headings) and bool(_COMPETENCE_HEADING.match(headings[-1]))


def _businesses_norm(actor: str | None, section: str) -> bool:
    """Whether the line sets businesses a norm: they alone act, outside a plan's part that assigns work."""
    return bool(actor and _BUSINESSES.match(actor)) and not any(
        _IMPLEMENTATION_HEADING.match(heading.strip()) for heading in section.split(SECTION_SEPARATOR))


def _duties_section(section: str) -> bool:
    """Whether a section lists duties: one of its headings names them and its own is no list of powers."""
    headings = section.split(SECTION_SEPARATOR) if section else []
    return bool(headings) and not _POWERS_HEADING.match(headings[-1]) and any(
        _DUTIES_HEADING.search(h) or _CONTENTS_HEADING.match(h) for h in headings)


_ANCHOR_WORDS = re.compile(r"(?:kể|tính)\s+từ\s", _I)


def _without_anchor(sentence: str, found: FoundDeadline, start: int, end: int) -> str:
    """The clause without the event its deadline counts from («… kể từ ngày ban hành quyết định cấp
    chứng chỉ …»), whose verbs are no one's task."""
    anchor = _ANCHOR_WORDS.search(sentence, found.start, found.end)
    if anchor is None:
        return sentence[start:end]
    return sentence[start:anchor.start()] + " " + sentence[found.end:end]


# «… có kết quả giải quyết»: a verb after «kết quả» names the result, the clause has no one acting.
_CITATION_VERB = re.compile(r"(?<!\w)ban\s+hành\s+(?:kèm\s+theo|ngày|tại)(?!\w)", _I)
_RESULT_OF = re.compile(r"(?:^|\s)kết\s+quả\s+$", _I)


def _own_verb(clause: str) -> bool:
    """Whether a task verb of the clause is a verb, not the name of a result."""
    return any(not _RESULT_OF.search(clause, 0, m.start()) for m in _TASK_VERBS.finditer(clause))


# A sentence's end inside the text given (a paragraph may come whole): "… Kế hoạch này. Định kỳ",
# "… năm 2025. Đồng thời"; not "TP. Huế" (an abbreviation is upper case).
SENTENCE_END = re.compile(r"(?<=[a-zà-ỹđ\d]{2}[.!?])\s+(?=[A-ZĐÀ-Ỹ])")


def clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around sentence[start:end]: between semicolons and sentence ends."""
    ends = list(SENTENCE_END.finditer(sentence))
    left = max([sentence.rfind(";", 0, start) + 1] + [m.end() for m in ends if m.end() <= start])
    semicolon = sentence.find(";", end)
    stops = [m.start() for m in ends if m.start() >= end]
    stops += [semicolon if semicolon != -1 else len(sentence)]
    return left, min(stops)


def _by_place(sentence: str, found: FoundDeadline, actor: str | None, section: str) -> NotTask | None:
    """What the line is by its section, its opening words or its only date being a mention."""
    headings = section.split(SECTION_SEPARATOR) if section else []
    if any(_TARGET_HEADING.match(h) for h in headings):
        return NotTask.BACKGROUND
    if any(_GENERAL_HEADING.match(h) for h in _nearest_headings(headings)) \
            or (actor and (_PUBLIC.match(actor) or _UNDERGOES.search(actor))):
        return NotTask.RULE
    if actor is None and any(_ASSESSMENT_HEADING.match(h) for h in headings):
        return NotTask.PAST_EVENT
    # The chairing and the coordinating body of a coordination rule («Cơ quan chủ trì tổ chức cuộc họp … có trách
    # nhiệm …», «…, cơ quan phối hợp phải có văn bản phản hồi …») are roles any body may hold: their steps are rules,
    # where the line names no unit (a bare «cơ quan» is none).
    if _COORDINATION_ROLE.search(sentence) and (actor is None or _BARE_CLASS.match(actor)):
        return NotTask.RULE
    if _FROM_DATE.match(sentence):
        return NotTask.PERIOD_APPLIES
    if _RECEIVED.match(sentence) or _DATED_OPENING.match(sentence):
        return NotTask.PAST_EVENT
    if _CITATION_LINE.match(sentence) or (actor is None and (_GROUNDS.match(sentence) or _NARRATIVE.match(sentence))) \
            or _CITED_WHOLE.match(sentence) or _CITED_GROUNDS.match(sentence) \
            or _TARGET_YEAR.match(sentence) or in_capitals(sentence) or _TITLE_LINE.match(sentence):
        return NotTask.BACKGROUND
    if actor is None and _RULE_OPENING.match(sentence):
        return NotTask.RULE
    # Its only dates are mentions (a cited document's): a line announcing a list is no task, nor a
    # decision that adopts a text («Thông qua Báo cáo tiếp thu, giải trình … tại công văn số … ngày …»).
    if is_mention(found) and (sentence.rstrip(" *").endswith(":") or (actor is None and _ADOPTS.match(sentence))):
        return NotTask.BACKGROUND
    # A letter that points its addressee to the rules («đề nghị Công ty nghiên cứu quy định tại Điều 67 Thông tư số …
    # ngày …») tells where the answer is; a study with a purpose of its own («… để đề xuất …») is still asked.
    if is_mention(found) and _STUDY_RULES.search(sentence) and not _PURPOSE.search(sentence):
        return NotTask.BACKGROUND
    # Answering for a text's content, its only date the text's («Bộ Giáo dục và Đào tạo chịu trách nhiệm về nội dung
    # báo cáo … tại Tờ trình số … ngày …»), is accountability, no work to do.
    if is_mention(found) and _ANSWERS_FOR.search(sentence):
        return NotTask.RULE
    # A unit's competence in a text that decentralises or delegates powers, its only date a cited text's
    # («UBND cấp xã cấp giấy phép xây dựng … theo quy định tại … Nghị định số 140/2025/NĐ-CP ngày 12/6/2025»
    # under «Chương II. PHÂN CẤP …»), is a standing power, not a task; what the text's implementation
    # assigns («Chương III. TỔ CHỨC THỰC HIỆN») stays a task.
    if is_mention(found) and any(_DELEGATION_HEADING.search(h) for h in headings) \
            and not any(_EXECUTION_HEADING.search(h) for h in headings):
        return NotTask.RULE
    # So is a standing duty of a charter of duties and powers whose only date is a cited text's («Thực hiện nội
    # dung quản lý công chức quy định tại … Luật Cán bộ, công chức năm 2025» under «Điều 67. Nhiệm vụ, quyền hạn
    # của Ủy ban …»): what the body always does, with no time of its own.
    if is_mention(found) and any(_CHARTER_HEADING.search(h) for h in headings) \
            and not any(_EXECUTION_HEADING.search(h) for h in headings):
        return NotTask.RULE
    return None


_CHAPTER = re.compile(r"^\W*(?:Chương|Phần|Mục)\s+[\dIVXLC]+\b", _I)
_ARTICLE = re.compile(r"^\W*Điều\s+\d", _I)


def _nearest_headings(headings: list[str]) -> list[str]:
    """The headings that say what a line is: a chapter's title is left out below an article of its own
    («Chương II. ĐỐI TƯỢNG, TIÊU CHUẨN DANH HIỆU THI ĐUA … > Điều 6. Thời gian đề nghị khen thưởng»
    groups articles of several kinds; the article is the one that says which)."""
    article = next((i for i, h in enumerate(headings) if _ARTICLE.match(h)), -1)
    return [h for i, h in enumerate(headings) if i > article or not _CHAPTER.match(h)]


_COORDINATION_ROLE = re.compile(r"(?:^\W*|,\s*)(?:các\s+)?cơ\s+quan\s+(?:chủ\s+trì|phối\s+hợp)\s+(?!với\b)(?:[^\s,;.]+\s+){0,12}?"
                                r"(?:phải|có\s+trách\s+nhiệm|cần)\b", _I)
_BARE_CLASS = re.compile(r"^(?:các\s+)?(?:cơ\s+quan|đơn\s+vị|bộ\s+phận|tổ\s+chức)$", _I)
_STUDY_RULES = re.compile(r"(?:^|\s)(?:nghiên\s+cứu|tham\s+khảo)\s+(?:các\s+)?(?:quy\s+định|hướng\s+dẫn)\s+(?:tại|của)\s", _I)
_PURPOSE = re.compile(r"\s(?:để|nhằm)\s+(?!(?:được\s+)?(?:thực\s+hiện|hướng\s+dẫn|áp\s+dụng)\b)", _I)
_ANSWERS_FOR = re.compile(r"chịu\s+trách\s+nhiệm\s+(?:trước\s+[^,;]{0,80}?\s+)?về\s+(?:nội\s+dung|tính\s+(?:chính\s+xác|hợp\s+pháp|trung\s+thực)"
                          r"|(?:sự\s+)?chính\s+xác|số\s+liệu)", _I)
_DELEGATION_HEADING = re.compile(r"phân\s+(?:cấp|quyền)|(?:ủy|uỷ)\s+quyền", _I)
_CHARTER_HEADING = re.compile(r"nhiệm\s+vụ,?\s+(?:và\s+)?quyền\s+hạn|(?:^|\W)quyền\s+hạn\b", _I)
_EXECUTION_HEADING = re.compile(r"tổ\s+chức\s+thực\s+hiện|trách\s+nhiệm|thi\s+hành", _I)


# «Trường hợp …, thì việc cập nhật thông tin phải hoàn thành trước 10 giờ …»: the deadline is in what the
# condition entails, a duty.
_THEN_DUTY = re.compile(r"\sthì\s[^;]*?(?:phải|có\s+trách\s+nhiệm)\s", _I)
# A case in brackets after a step, with the duty it brings said outright: «- Rà soát, kiểm tra hồ sơ; … (Trường hợp hồ
# sơ cần bổ sung, không đủ điều kiện giải quyết phải có văn bản thông báo cụ thể trong thời gian tối đa 02 ngày)».
_BRACKETED_DUTY = re.compile(r"[^()]*?\s(?:phải|có\s+trách\s+nhiệm)\s", _I)


def _duty_consequence(before: str, at: int, bracketed: bool = False) -> bool:
    """Whether the words before the deadline, after its condition (`bracketed`: one that opens a bracket), state a
    duty the condition brings."""
    return bool(_THEN_DUTY.search(before, at) or bracketed and _BRACKETED_DUTY.match(before, at))


def _by_reference(clause: str) -> bool:
    """The clause's own predicate says where its rule is written."""
    return any(_ungoverned(clause, m.start()) for m in _BY_REFERENCE.finditer(clause))


def _ungoverned(clause: str, at: int) -> bool:
    """Whether the words at `at` are the clause's own predicate: no task verb comes before them
    ("Phó Thủ tướng đã chủ trì …"), where a task verb makes them a phrase about its object
    ("rà soát các chỉ tiêu đã được giao", "chuyển hồ sơ … Giấy chứng nhận đã cấp")."""
    head = clause[:at]
    verbs = (m for m in TASK_VERBS_LOWER.finditer(head) if not _NOUN_BEFORE.search(head, 0, m.start()))
    return next(verbs, None) is None and not _TASK_START.match(head + " ")


def _past_predicate(clause: str) -> bool:
    """"đã" as the clause's own verb: the sentence tells what was done."""
    return any(_ungoverned(clause, m.start()) for m in _DA.finditer(clause))


# A condition word this close to the clause's start governs it (a unit given by a heading does
# not change that); later it is a detail of the task.
_CONDITION_AT_START = 40


def _named_after(clause: str, condition: re.Match[str], actor: str) -> bool:
    """The clause itself names the unit after its condition: «Trường hợp cần thiết điều chỉnh danh
    mục …, Sở quản lý ngành có trách nhiệm tham mưu …» gives that unit a duty when it arises."""
    return actor.casefold() in clause[condition.end():].casefold()
