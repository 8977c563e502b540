"""Which sentence answers a question: every sentence of the candidate passages, scored.

A document names its topic in its title and preamble, so the words a question shares with the
*document* say nothing about which of its sentences answers. The score therefore counts the
question's words minus the document's title words, the kind of answer the question asks for
(a dated clause, a receiving agency, a figure, a list item, a unit in charge), the unit and
action it names, and the passage's retrieval rank; preambles («Căn cứ …», «Thực hiện Quyết
định …»), recipient lists and headings never lead. Table rows are read with their column
headers, so «Hàng năm» under «Thời gian» counts as a time.
"""
from __future__ import annotations

import math
import re
from itertools import islice
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from bot.facts.extract import sentence_obligations
from bot.ingestion.metadata import has_motto, is_type_heading
from bot.retrieval.asked_units import UnitSentences
from bot.retrieval.doc_refs import cited_numbers
from bot.retrieval.issuers import without_places
from bot.retrieval.questions import WHICH_HOURS, Intent, Question, asked_act, strip_refs
from bot.retrieval.search import Passage
from bot.retrieval.vietnamese import fold, in_capitals, sentences, syllables

MIN_SENTENCE_CHARS = 25  # shorter lines ("KẾ HOẠCH", "2. Nội dung") are headings, not answers
MAX_HEADING_CHARS = 90
MAX_SHORT_ITEM_CHARS = 60  # «- Qua dịch vụ công ích;»: one of a list of short items read as one
MAX_CAPTION_CHARS = 250  # a table's numbered caption, a procedure's whole name with its code
CAPTION_REACH = 3  # lines from a numbered caption to its table
MAX_LEAD_IN_CHARS = 250  # a line that announces the items below it («… các nhiệm vụ sau:»)
SUPPORT_SHARE = 0.5  # of the question's own words, in the sentence a citing document answers with
CUE_SPAN = 150  # characters either side of a date or figure that say what it is about
CLOSE_SCORE = 0.3  # two sentences of one document this close in score are quoted together
PAIR_CHARS = 500  # ... when the two together are at most this long

# Folded words that carry no topic: they do not count when matching a question to a sentence.
FILLER = set("""la gi nao cua the nhu co khong bao gio khi ve dau o va cac nhung thi sao duoc cho
toi minh ai nay do voi trong theo can phai hay hoi xin vui long giup biet muon noi gom ra sao
nhieu bao lau cai mot viec so""".split())
# Words that say what kind of answer is wanted, not what it is about.
INTENT_WORDS = set("""han thoi chot ngay thang nam luc truoc cham nhat deadline diem moc""".split())
# «có hiệu lực / áp dụng / thi hành từ khi nào» names what is asked, not what it is about.
_EFFECT_WORDS = set("""hieu luc ap dung thi hanh""".split())
# Words of asking that no sentence answers with: «… quy định về nội dung gì?» asks what a text is
# about; «ngoài ra còn … nào?» asks for one more.
_ASKING_WORDS = re.compile(r"\b(?:(?:ve )?noi dung (?:gi|nao)|ngoai ra(?: con)?)\b")
# Words of the documents' own framing: every plan "triển khai" / "thực hiện" something.
_FRAME_WORDS = set("""ke hoach chi thi quyet dinh cong van thong bao huong dan van ban nghi quyet
trien khai thuc hien ban hanh""".split())

# «Căn cứ Luật …», «Thực hiện Quyết định số …», «Theo đề nghị của …»: why the document exists.
_PREAMBLE = re.compile(
    # («Căn cứ khoản 1 Điều 2 của Quyết định này …, Hiệu trưởng … chịu trách nhiệm …» rests on the text itself:
    # a rule of it, no preamble)
    # nor does a letter's conclusion («Căn cứ các quy định nêu trên, cơ quan thuế không có trách nhiệm …»)
    r"^(?:\W*)(?:can cu(?![^.;]{0,80}\b(?:quyet dinh|nghi quyet|quy dinh|quy che|ke hoach|thong tu|nghi dinh) nay\b)"
    r"(?!(?: vao)?(?: cac| nhung)? (?:quy dinh|huong dan|noi dung|co so|can cu)[^.;]{0,40}?\b(?:neu )?tren\b)"
    # nor a letter's reasoning from a provision to what follows («Căn cứ Điều 10 Nghị định số 43/2017/NĐ-CP … thì khi
    # làm thủ tục thông quan, cơ quan hải quan kiểm tra …»)
    r"(?! (?:dieu|khoan|diem)\b[^;]{0,300}?\bthi\b)"
    r"|xet de nghi|xet to trinh|xet bao cao|theo de nghi|kinh gui|noi nhan|tra loi (?:cong van|van ban)|"
    r"thuc hien (?:cac |y kien |su chi dao |chi dao )?(?:(?:quyet dinh|nghi quyet|chi thi|ke hoach|"
    r"cong van|cong dien|thong bao|thong tu|nghi dinh|luat|van ban|ket luan|huong dan)\b[^.;]{0,40}?"
    r"(?:so\s+)?\d|(?:quyet dinh|nghi quyet|chi thi|ke hoach|cong van|chi dao|y kien)[^.;]{0,200}"
    r"ban hanh (?:ke hoach|chi thi|quyet dinh|huong dan))|"
    # «Ủy ban nhân dân tỉnh Nghệ An ban hành Quyết định quy định …»: the enacting line.
    r"(?:uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd)[^.;]{0,60}\bban hanh (?:quyet dinh|ke hoach|"
    r"nghi quyet|chi thi)\b)")
_SIGNATURE = re.compile(r"^(?:kt\.|tm\.|tl\.|ktl\.|q\.)\s|^(?:chu tich|pho chu tich|giam doc|pho giam doc)$")
# The words an agency's name starts with: one list for where things are sent and who must act.
_AGENCY_HEAD = (r"(?:Sở|Ban|Bộ|Bộ Chỉ huy|Ủy ban|Uỷ ban|UBND|Văn phòng|Phòng|Hội đồng|Cục|Chi cục|Trung tâm|"
                r"Thường trực|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|Công an|Kho bạc|Cơ quan thường trực|"
                r"cơ quan thường trực|cơ quan (?:thuế|hải quan)|Liên đoàn|Mặt trận|Đài|Báo(?!\s+cáo)|"
                r"Công ty|Doanh nghiệp)")
# A name ends before the time, topic, purpose or next step that follows it («… Kho bạc khu vực VI
# trước ngày 25», «UBND tỉnh về tình hình …», «UBND xã phê duyệt danh sách …»).
_NAME_END = (r"\s(?:trước|chậm nhất|trong|để|theo|định kỳ|hằng|hàng|vào|kể từ|sau khi|về|xem xét|"
             r"phê duyệt|quyết định|thẩm định|tổng hợp|kiểm tra|biết|chỉ đạo)\b")
_AGENCY_NAME = rf"(?P<agency>{_AGENCY_HEAD}(?:(?!{_NAME_END})[^,.;:()\n]){{0,80}}(?:\([^)]{{0,80}}\))?)"
_SEND = r"\b(?i:gửi|nộp|báo cáo|chuyển|trình|cung cấp|liên hệ)\b"
# «gửi hồ sơ về Sở Nội vụ», «nộp tại Trung tâm …», and «báo cáo gửi Cục Chính trị (qua Phòng …)»
# with the agency straight after the verb.
# A field that names who receives: «Cơ quan nhận báo cáo: UBND tỉnh (qua Sở …)», «Nơi nộp hồ sơ: …»
# (not a document's «Nơi nhận:», the list of those it is sent to).
_RECEIVER_LABEL = r"(?i:cơ quan (?:tiếp )?nhận|nơi (?:tiếp nhận|nộp|nhận (?:báo cáo|hồ sơ)))[^:\n]{0,40}:\s*"
# «Cục trưởng Cục Hải quan thông báo để Công ty TNHH … biết và thực hiện»: a notice's addressee.
_NOTIFIED = rf"\b(?i:thông báo)\s+(?:để|cho)\s+{_AGENCY_NAME}\s+biết"
_RECIPIENTS = (re.compile(rf"{_SEND}[^.;:]{{0,120}}?\b(?:về|cho|đến|tới|qua|tại|với)\s+{_AGENCY_NAME}"),
               re.compile(rf"{_SEND}\s+{_AGENCY_NAME}"), re.compile(rf"{_RECEIVER_LABEL}{_AGENCY_NAME}"),
               re.compile(_NOTIFIED))


_THROUGH = re.compile(rf"\bqua\s+{_AGENCY_NAME}")
# «báo cáo kết quả qua cơ quan nào»: the agency a report goes through, not the one it goes to.
_THROUGH_ASKED = re.compile(r"\bqua (?:co quan|don vi|dau|ai|so|phong|bo phan)(?: \w+)? nao\b|\bqua dau\b")


def recipient(sentence: str, through: bool = False) -> re.Match[str] | None:
    """Where the sentence sends something: of the ways it may say so, the agency it names first
    («gửi UBND tỉnh (qua Sở KH&CN)» is sent to UBND tỉnh, through the Sở); with `through`, the agency it
    goes through («(qua Sở KH&CN)»)."""
    if through:
        return _THROUGH.search(sentence) if recipient(sentence) else None
    found = [m for pattern in _RECIPIENTS if (m := pattern.search(sentence))]
    return min(found, key=lambda m: m.start("agency"), default=None)


def asks_through(question: str) -> bool:
    """Whether the question asks the agency something is sent through («qua cơ quan nào»)."""
    return bool(_THROUGH_ASKED.search(fold(question)))


# Any date ("20/11/2025", "ngày 20 tháng 11 năm 2025", "tháng 10/2025") or a period of time.
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{4})?\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}|"
                   r"\btháng\s+\d{1,2}(?:/|\s+năm\s+)\d{4}|\bquý\s+[IV1-4]+\b", re.IGNORECASE)
_PERIOD = re.compile(r"\b(?:hang|hàng|hằng)\s+(?:năm|quý|tháng|tuần|ngày)\b|\bđịnh kỳ\b|"
                     r"\btrong thời hạn\b|\bthường xuyên\b|\bnăm \d{4}\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*%|\b\d+(?:[.,]\d+)*\s+(?:người|đơn vị|triệu|tỷ|đồng|lần|điểm|"
                     r"xã|phường|hộ|trường|cơ sở|km|ha|tấn|chỉ tiêu|ngày)\b", re.IGNORECASE)
# A goods code of the customs nomenclature: «8541.41.00», «9504.40».
_CODE = re.compile(r"\b\d{4}\.\d{2}(?:\.\d{2})?\b")
# A form named by its number: «mẫu số 03/TNDN», «Mẫu số 01», «Phụ lục 11», «biểu mẫu BM-21».
_FORM = re.compile(r"(?<!\w)(?:mẫu(?:\s+số)?|biểu\s+mẫu|phụ\s+lục(?:\s+số)?)\s+(?:[A-Z]{1,3}[-.]?)?\d|(?<!\w)BM-\d", re.IGNORECASE)
# A table cell that is a number of its own («Trưởng ban | 692 | người/ngày»): its unit is a column away.
_NUMBER_CELL = re.compile(r"(?:^|\|)\s*\d{1,3}(?:[.,]\d{3})+\s*(?:\||$)|(?:^|\|)\s*\d+\s*\|(?=[^|]*\S[^|]*$)")
_LEAD = re.compile(r"\b(?:chủ trì|giao|phụ trách|chịu trách nhiệm|đầu mối|phối hợp|tham mưu|thường trực)\b",
                   re.IGNORECASE)
_AGENCY = re.compile(rf"\b{_AGENCY_HEAD}\s+\w", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:[-–+•]|\d+(?:\.\d+)*[.)]|[a-zđ]\))\s")
# A numbered, lettered or Roman heading marker: «1.», «1.2.», «a)», «IV.», an article's «Điều 2.»
# (so «Điều 2. Sở Giáo dục và Đào tạo» says whose the items below it are).
# Its kind is the group that matched, so the next item of the same list can be told (`_same_level`).
_MARKER = re.compile(r"^(?:(?P<article>Điều\s+)\d+[a-zđ]?\.|(?P<roman>[IVX]{1,4}\.)|(?P<number>\d+(?:\.\d+)*)[.)]"
                     r"|(?P<letter>[a-zđ]\)))\s")
_MARKER_ONLY = re.compile(r"^(?:[IVX]{1,4}|\d+(?:\.\d+)*|[a-zđ])[.)]$")
_DASH_ITEM = re.compile(r"^[-–+•]\s")
# «- Số lượng: 5.000 cuốn.»: a labelled field of the item above.
_LABEL_LINE = re.compile(r"^[-–+•]?\s*[^\W\d_][\w ]{0,30}:\s*\S")
# «Bước 3: Trường hợp …»: a step of a procedure, not a field; its steps are read one by one.
_STEP_OPENER = re.compile(r"^\W*Bước\s+\d{1,2}\s*:", re.IGNORECASE)
# «- Thời gian hoàn thành: trước ngày …» under a task: the task's deadline, on a line of its own.
_TIME_LINE = re.compile(r"^\W*(?:thoi gian (?:hoan thanh|thuc hien|giai quyet)|thoi han(?: hoan thanh)?|tien do|"
                        r"han (?:hoan thanh|chot))\b")
# A catalogue row whose cells the cleaned text puts on lines of their own: the procedure's name, then its
# handling time alone («12 ngày làm việc kể từ ngày nhận đủ hồ sơ theo quy định.»), which names no procedure.
_PROCEDURE_NAME = re.compile(r"^\W*(?:\d{1,3}\s*[.|]\s*)?thu tuc\s")
_BARE_TIME = re.compile(r"^(?:khong qua |toi da )?\d+(?:[.,]\d+)?\s+(?:ngay|gio)\b")
MAX_BARE_TIME_CHARS = 150
# «Nghị quyết này có hiệu lực từ ngày 01 tháng 01 năm 2026», «áp dụng kể từ ngày ký»; a text that
# another one makes void («… hết hiệu lực kể từ ngày …») is no answer to when this one applies.
_TAKES_EFFECT = re.compile(r"\b(?:hiệu lực|áp dụng|thực hiện|thi hành)(?:\s+[^\W\d]+){0,4}?\s+"
                           r"(?P<when>(?:kể\s+)?từ\s+(?:ngày|tháng|năm)\b[^.;,(]*)", re.IGNORECASE)
_VOIDED = re.compile(r"\b(?:het hieu luc|bai bo|thay the)\b")
# «Công văn số 7886/HD-BNV ngày 14/9/2025»: the date of a cited document is no deadline.
_CITED_DATE = re.compile(r"\d+/[\w/.-]*\s+(?:của\s+[^,;]{0,60}?\s+)?ngày\s+(?:\d{1,2}/\d{1,2}/\d{4}|"
                         r"\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
# «Ngày 20 tháng 11 năm 2025, Phó Thủ tướng … đã …»: a date that tells what happened.
_PAST_EVENT = re.compile(r"^\W*(?:ngay \d{1,2}(?:/| thang )\d{1,2}|vua qua|thoi gian qua)\b")
# «bao nhiêu trạm» counts stations; «bao nhiêu một tháng», «bao nhiêu mỗi m2» ask a rate, and
# «bao nhiêu tiền» an amount of money (in đồng).
_ASKED_UNIT = re.compile(r"\b(?:bao nhieu|may|toi thieu|toi da|it nhat)\s+"
                         r"(?!phan tram|%|bao\b|may\b|mot\b|moi\b|tren\b|cho\b|la\b|thi\b|de\b|cua\b|trong\b|"
                         r"theo\b|tai\b|ve\b|va\b|duoc\b|khi\b|den\b|toi\b|tu\b|hay\b|hoac\b|voi\b)([a-z]+)")
# How a measure is written, by the unit a question asks it in («bao nhiêu m2», «nặng bao nhiêu gam»: «200 m2», «27g»).
MEASURES = {"m2": r"m2|m²|met vuong", "met vuong": r"m2|m²|met vuong", "ha": r"ha|hecta", "hecta": r"ha|hecta",
            "km": r"km|ki lo met", "kg": r"kg|ki lo gam|kilogam", "gam": r"g|gam|gram", "gram": r"g|gam|gram",
            "tan": r"tan", "lit": r"l|lit", "mm": r"mm", "cm": r"cm",
            # a count of communes («bao nhiêu xã, phường») is written with them («35 xã, phường»)
            "xa": r"xa|phuong|dac khu|don vi hanh chinh", "phuong": r"xa|phuong|dac khu|don vi hanh chinh"}
HOURS_WRITTEN = r"(?:gio|h\d{2})"  # «7 giờ», and «từ 07h30’ đến 11h30’»
# The unit a question names, as the documents write it: «bao nhiêu tiền» is an amount in đồng, «bao nhiêu tthc»
# counts «thủ tục hành chính (TTHC)», and a measure is often written close up to its number: «trọng lượng 27g».
_UNIT_SPELLINGS = {"tien": "dong", "dong": "dong", "tthc": "(?:thu tuc|tthc)", "gam": f"(?:{MEASURES['gam']})",
                   "kilogam": "(?:kilogam|kg)", "milimet": "(?:milimet|mm)", "centimet": "(?:centimet|cm)",
                   "gio": HOURS_WRITTEN}
_WHICH_HOURS = re.compile(WHICH_HOURS)  # the hours of a day, counted in «giờ»
# Between a number and its unit a space; none before the measures written close up («27g», «0,76mm»).
_CLOSE_UP = r"(?:(?:g|kg|mm|cm)\b|h\d{2})"
_UNIT_GAP = rf"(?:\s+|(?<=\d)(?={_CLOSE_UP}))"
_HOW_LONG = re.compile(r"\bbao lau\b")
# «phí thẩm định … karaoke bao nhiêu», «lệ phí cấp mới chứng chỉ … là bao nhiêu»: a fee asked is a sum of money
# (support towards one may be a share: «được hỗ trợ học phí bao nhiêu» — «50% học phí»)
_FEE_ASKED = re.compile(r"^(?!.*\bho tro\b).*\b(?:phi|muc thu)\b(?:\s+\w+){0,12}?\s+(?:la\s+)?bao nhieu\s*\W*$")
# People counted by their role («bao nhiêu cấp phó», «tối đa mấy thành viên») are counted in «người» as well
# («… không quá 04 người»).
_ROLES = re.compile(r"(?:cap pho|can bo|cong chuc|vien chuc|thanh vien|lanh dao|dai bieu|nhan vien|giao vien|bien che)\b")
# «bao lâu một lần» asks how often: «hằng tuần» answers it as well as «07 ngày».
_HOW_OFTEN = re.compile(r"\bbao lau\b.{0,40}\b(?:mot|1) lan\b")
# «… trước ngày nào?», «hạn chót là ngày nào»: a date is asked, and only a sentence stating one answers.
_WHICH_DATE = re.compile(r"\bngay nao\b|\bngay bao nhieu\b|\bhan chot\b")
# «căn cứ điểm, khoản, điều nào của Nghị định 46/2014/NĐ-CP», «theo khoản nào điều nào NĐ 15/2018»: the provision
# of the text asked that a sentence cites (not a «thời điểm», «địa điểm»).
_WHICH_PROVISION = re.compile(r"(?<!thoi )(?<!dia )\b(?:diem|khoan|dieu)\b(?:\s*,?\s*(?:diem|khoan|dieu)\b)*"
                              r"\s+(?:nao|may|so may)\b")
_PROVISION = re.compile(r"(?:điểm\s+[a-zđ]\b|khoản\s+\d|Điều\s+\d)", re.IGNORECASE)
# «chịu trách nhiệm trước ai»: before whom one answers for one's work.
_ANSWERS_TO = re.compile(r"\bchiu trach nhiem (?:\w+ ){0,2}truoc\b")
# «… ban hành ngày nào», «ký ngày nào»: the date of a text, not a time to act.
_ISSUED_WHEN = re.compile(r"\b(?:ban hanh|ky) (?:vao )?(?:ngay nao|ngay bao nhieu|khi nao)\b")
# «đến khi nào», «đến bao giờ» ask when something lasts until: a date or a year the sentence runs to
# («… đến hết ngày 28/02/2027», «bảo đảm đến hết năm 2030 …»).
UNTIL_ASKED = re.compile(r"\b(?:den|toi) (?:khi nao|bao gio|luc nao)\b")
_UNTIL = re.compile(r"\b(?:đến|tới)\s+(?:hết\s+)?(?:ngày|năm|tháng)\s+\d", re.IGNORECASE)
# «thay thế quyết định nào», «bãi bỏ văn bản nào», «bãi bỏ … tại quyết định số mấy»: the text repealed is
# named by its number in the sentence that repeals it.
_DOC_WORD = r"(?:quyet dinh|nghi quyet|nghi dinh|thong tu|van ban|chi thi|ke hoach|cong van|qd|nq|tt)"
_WHICH_REPEALED = re.compile(rf"\b(?:bai bo|thay the)\b.{{0,80}}?\b{_DOC_WORD}\b.{{0,20}}?\b(?:nao|so may|so bao nhieu)\b")
_REPEALS_NUMBER = re.compile(r"(?:bãi\s+bỏ|thay\s+thế)\b.{0,120}?\d{1,6}/(?:\d{4}/)?[A-ZĐ]", re.IGNORECASE)
# «dẫn chiếu công văn nào», «căn cứ nghị quyết nào», «quy định tại nghị định nào», «trả lời công văn số mấy», «tại
# những công văn nào»: a text named by its number (not the one asked about, which the question names itself).
_WHICH_TEXT = re.compile(rf"\b(?:dan chieu|can cu|quy dinh tai|theo|tai|tra loi)\b.{{0,40}}?"
                         rf"\b(?:(?:nhung|cac)\s+)?{_DOC_WORD}\b\s+(?:nao|so may|so nao)\b")
# «công văn 3257 trả lời công ty nào»: whom a letter answers is said by its opening «Trả lời công văn số … của Công ty …».
_WHOM_REPLIED = re.compile(r"\btra loi (?:(?:cong ty|doanh nghiep|to chuc|don vi|co quan) nao|ai)\b")
# «ban hành theo đề nghị của sở nào», «theo tờ trình số mấy»: the proposal the preamble names answers, and only
# the preamble's «Theo đề nghị …» / «Xét tờ trình …» line says whose it was.
_WHOSE_PROPOSAL = re.compile(r"\b(?:theo|xet) (?:de nghi|to trinh)\b.{0,40}?\b(?:nao|ai|so may|so nao|so bao nhieu)\b")
_PROPOSAL_LINE = re.compile(r"^\W*(?:xet|theo) (?:de nghi|to trinh)\b")
# A number spelled out before its unit («mười lăm ngày», «hai mươi bốn giờ»).
# Not «một» («một trình độ»), nor the number words that are also «từ», «sau», «năm», «tạm», «làm»
# («kể từ ngày», «sau ngày») as the first word.
_SPELLED = r"(?:hai|ba|bon|bay|chin|muoi)(?:\s+(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|tram))*"
# «bao nhiêu thủ tục hành chính mới ban hành trong …»: the counted thing and what the question says
# of it, up to the next preposition («trong», «của», «tại» …).
_ASKED_NOUN = re.compile(r"\b(?:bao nhieu|may|toi thieu|toi da|it nhat)\s+(?!bao\b|may\b)([a-z]+(?:\s+(?!(?:trong|cua|"
                         r"tai|theo|o|cho|ve|duoc|la|khi|de|va|nam|thang|ngay)\b)[a-z]+){0,6})")
QUALIFIER_SPAN = 40  # folded characters after a count that say what it counts
QUALIFIER_WEIGHT = 0.75  # for all of the question's words there
# The case a question puts («nếu cơ sở không tiếp nhận người thực hành thì …», «khi Hội đồng tư vấn yêu cầu
# giải trình thì …»), and the words after which a sentence sets one out («Trong trường hợp không tiếp nhận …»).
_ASKED_CASE = re.compile(r"\b(?:neu|khi|truong hop)\s+(?P<case>[^?;:]{6,80}?)\s+thi\b")
_CASE_SET_OUT = re.compile(r"\b(?:truong hop|neu|khi)\s+(?P<case>[^.;:]{0,120})")
TIME_UNITS = r"(?:ngay|thang|nam|gio|tuan|phut|buoi)"
# «ngoài nộp trực tiếp và nộp trực tuyến thì còn …», «ngoài tuyển dụng, điều động thì sở còn …» (not «nước ngoài»).
_BESIDES = re.compile(r"(?<!nuoc )(?<!ben )\bngoai (?P<what>[^?]{3,60}?)(?: ra)?,? (?:thi )?(?:\w+ ){0,4}?con\b")
BESIDES_SHARE = 0.6  # of its words, for a line to be the one set aside
# «một» counts a time only («trong thời gian một ngày»); «một trình độ» is no count of levels
_ONE_SPAN = rf"mot(?=\s+{TIME_UNITS}\b)"
# Column headers that make a table cell a time («Thời gian: Hàng năm»).
_TIME_HEADER = re.compile(r"thoi gian|thoi han|tien do|hoan thanh|moc")


@dataclass(frozen=True)
class Weights:
    """How much each part counts; chosen on the tuning half of bench/data/qa_dev.jsonl."""

    topic: float = 2.0
    pairs: float = 2.0
    section: float = 0.5
    intent: float = 1.0
    # When a document takes effect is said once, in a sentence that shares few words with the
    # question («Thông tư … về phí thẩm định karaoke có hiệu lực từ khi nào?»): the cue leads.
    effective: float = 3.0
    # Where to send is said in few words («… gửi 01 (một) bản tới Cục Điện lực»), in a text whose other lines hold
    # the question's words: the cue counts double.
    recipient: float = 2.0
    rank: float = 2.0  # the retrieval rank: a lower passage must match clearly better to lead
    named_rank: float = 0.8  # within a document the question names, the rank says less
    short: float = 0.5
    title: float = 0.1  # a title word, against 1 for the question's other words
    label: float = 1.5  # a field whose label names what is asked («Thời hạn giải quyết: …»)
    unit: float = 1.0  # a sentence of the unit the question names as acting (`asked_units`)
    case: float = 1.0  # a sentence that sets out the case the question puts («nếu … thì»), for all its words


@dataclass(frozen=True)
class Pick:
    """The sentence an answer quotes (its heading aside), and the passage it is in."""

    sentence: str
    passage: Passage
    score: float
    heading: str = ""
    also: str = ""  # a sentence of the same document that scored nearly as well

    @property
    def quoted(self) -> str:
        body = self.sentence
        if self.also and self.also in self.passage.text:  # in the document's order
            first, then = sorted((self.sentence, self.also), key=self.passage.text.find)
            body = f"{first} {then}"
        elif self.also:
            body = f"{self.sentence} … {self.also}"
        return f"{self.heading} {body}" if self.heading else body


def close_pair(best: Pick, second: Pick) -> bool:
    """Whether the runner-up is quoted too: nearly the same score, the same document, short
    enough together for a phone screen, and not already inside the best one (two near-identical
    steps, «báo cáo năm trước ngày 20/12» and «… trước ngày 25/12», are both shown)."""
    return (best.score - second.score <= CLOSE_SCORE and second.passage.source == best.passage.source
            and len(best.sentence) + len(second.sentence) <= PAIR_CHARS
            and second.sentence not in best.quoted and best.sentence not in second.sentence)


def topic_terms(text: str) -> set[str]:
    return {s for s in syllables(text) if s not in FILLER}


def overlap(wanted: set[str], text: str) -> float:
    """Share of the wanted syllables that the text contains."""
    if not wanted:
        return 0.0
    return len(wanted & set(syllables(text))) / len(wanted)


def pairs(text: str) -> set[tuple[str, str]]:
    words = syllables(text)
    return {(a, b) for a, b in zip(words, words[1:]) if not (a in FILLER and b in FILLER)}


def is_preamble(sentence: str) -> bool:
    folded = fold(sentence).strip()
    return bool(_PREAMBLE.match(folded) or _SIGNATURE.match(folded))


# Dotted blanks of a form to fill in («CMND/CCCD số: ………… Ngày cấp: …»).
_BLANKS = re.compile(r"[.…_]{4,}")


def cannot_lead(sentence: str) -> bool:
    """A line that is no answer, whatever words it shares with the question: a preamble or
    signature, a title in capitals («DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH …»), a question the
    document asks itself (a leaflet's «Nơi an táng … ở đâu?»), a form's blank lines."""
    asks = sentence.rstrip(" *»\"”").endswith("?")
    return in_capitals(sentence) or asks or is_preamble(sentence) or bool(_BLANKS.search(sentence))


def table_cells(line: str) -> list[str] | None:
    """The cells of a table row ("a | b | c"), None for prose."""
    if " | " not in line and not line.strip().startswith("|"):
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return cells if len(cells) >= 2 else None


# A year («năm học 2025-2026», «nhiệm kỳ 2026-2031») is no amount: in a header row it names a column.
YEAR = re.compile(r"(?<![\d/.,])(?:19|20)\d\d(?![\d/.,]\d)")


def _is_header_row(cells: Sequence[str]) -> bool:
    """A row of labels: no figures beyond an «STT», a year or an aside («Thời gian thực hiện (tính
    mỗi ngày 08 giờ làm việc)»), mostly short words."""
    text = _ASIDE.sub(" ", YEAR.sub(" ", fold(" ".join(cells))))
    return not re.search(r"\d", text) and any(
        re.search(r"\b(stt|noi dung|thoi gian|thoi han|don vi|chu tri|phoi hop|nhiem vu|san pham|"
                  r"co quan|ket qua|ghi chu|tien do)\b", fold(c)) for c in cells)


def read_row(cells: Sequence[str], header: Sequence[str] | None) -> str:
    """A row as «Header: cell; …», so a lone «Hàng năm» reads as a time; a row that is a label
    and its value («Tổng thời gian giải quyết | 31,5 ngày làm việc» under a table of steps) as
    the field it is."""
    filled = [c for c in cells if c]
    if len(filled) == 2 and _ROW_LABEL.fullmatch(filled[0]) and (not header or len(header) != len(cells)):
        return f"{filled[0]}: {filled[1]}"
    if not header or len(header) != len(cells):
        return " | ".join(filled)
    return "; ".join(f"{h}: {c}" for h, c in zip(header, cells) if c and h and fold(h) != "stt")


_ASIDE = re.compile(r"\([^()]*\)")
# A row's first cell that names a field: words only, no number («Tổng thời gian giải quyết TTHC»,
# not «Bước 6» or a row's «1»).
_ROW_LABEL = re.compile(r"[^\W\d_][^\d:;|]{2,60}")


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a table row read with its headers) and the heading it sits under."""

    text: str
    heading: str = ""

    @property
    def full(self) -> str:
        """With its heading, as it is matched and quoted: «1. Sở Y tế: - Chủ trì …»."""
        return f"{self.heading} {self.text}" if self.heading else self.text


def passage_sentences(text: str, header: Sequence[str] | None = None, caption: str = "") -> list[Sentence]:
    """A passage cut into sentences. Table rows are read whole with the nearest header row and
    under the table's caption, the numbered line a few lines above it («3. Quy trình nội bộ giải quyết
    TTHC: Thủ tục xác nhận phiên hiệu …», which a row «Tổng thời gian giải quyết | 31,5 ngày làm
    việc» alone does not name; `caption` carries one from an earlier passage); a
    line under a heading («1. Sở Y tế:», «a) Chủ đề …») carries the heading, so an item says
    whose it is, and so does a longer line that announces the items below it («… phân cấp cho
    Sở Tư pháp … các trường hợp sau:»); a «Thời gian hoàn thành: …» line joins the task it
    dates, and a run of «- Hình thức: …», «- Số lượng: …» lines reads as one."""
    out: list[Sentence] = []
    heading, marker, labelled, lead_in, numbered = "", "", False, "", ""
    parent = ""  # the numbered heading whose sub-items («3.1.», «3.2.», «a)») the heading is
    own = ""  # the heading without its parent: the next item of its own list ends it
    lines = [raw.strip() for raw in text.split("\n")]
    skip = 0  # lines a row read before took as its last cells
    for at, line in enumerate(lines):
        if at < skip:
            continue
        cells = table_cells(line)
        if cells is not None:
            if _is_header_row(cells):
                header = cells
            else:
                cells, skip = _row_cells(cells, header, lines, at)
                out.append(Sentence(read_row(cells, header), caption))
            continue
        if not line:
            continue
        caption = _caption(lines, at, caption)
        above, numbered = numbered, line if _MARKER.match(line) else numbered
        if _MARKER_ONLY.match(line):  # «1.» on its own line: the next line is its title
            marker = line
            continue
        if is_heading(line, after_marker=bool(marker)):
            own = f"{marker} {line}".strip()
            # «3.1. Nội dung đề xuất» under «3. Thủ tục Ra quyết định …» (a heading, or a longer numbered line) is
            # that procedure's: the sub-item keeps the item's name, which alone tells the procedures' like lines apart
            parent = parent if _sub_item(own, parent) else next(
                (item for item in (heading, above) if _sub_item(own, item) and len(item) <= MAX_CAPTION_CHARS), "")
            heading, marker, labelled, lead_in = f"{parent} {own}".strip(), "", False, ""
            continue
        marker = ""
        if heading and _same_level(own or heading, line):  # «3. …» after «2. Sở Y tế:» and its items
            heading, labelled, lead_in, parent, own = "", False, "", "", ""
        item = bool(_ITEM.match(line))
        # «Phân cấp cho Sở Tư pháp thực hiện các nhiệm vụ sau:» says whose the items below are.
        under = f"{heading} {lead_in}".strip() if item and lead_in else heading
        if line.endswith(":") and len(line) <= MAX_LEAD_IN_CHARS:
            lead_in = line
        elif not item:
            lead_in = ""
        label = bool(_LABEL_LINE.match(line)) and not _STEP_OPENER.match(line)
        if label and not under and numbered and numbered != line and len(numbered) <= MAX_CAPTION_CHARS:
            # «- Hình thức: In tài liệu …» is a field of the numbered item above it («2. Thông tin tuyên
            # truyền … chất lượng nước …»): the item says whose form it is
            under = numbered
        if out and (_TIME_LINE.match(fold(line)) or (label and labelled) or _runs_on(out[-1], line, under)
                    or _goes_on(out[-1], line, item, under) or _handling_time(out[-1], line)):
            out[-1] = Sentence(f"{out[-1].text} {line}", out[-1].heading)
            continue
        labelled = label
        for n, part in enumerate(_with_marker(sentences(line))):
            # «… gửi Bộ Tài chính. Thời gian hoàn thành: Trước ngày 31/5/2026.» on one line: the
            # time dates the task before it, as it does on a line of its own.
            if n and _TIME_LINE.match(fold(part)):
                out[-1] = Sentence(f"{out[-1].text} {part}", out[-1].heading)
            else:
                out.append(Sentence(part, under))
    return [s for s in out if s.text.strip()] or [Sentence(text)]


def _row_cells(cells: list[str], header: Sequence[str] | None, lines: Sequence[str], at: int) -> tuple[list[str], int]:
    """A numbered row shorter than its header whose last cells the cleaned text wrote on lines of their own
    («1 | Thủ tục cấp … | 03 ngày làm việc | Trung tâm Phục vụ hành chính công …», then «- Trực tiếp,», «- Dịch vụ
    bưu chính công ích;», «- Trực tuyến.», then «Không quy định»): those lines, up to the next row or numbered
    line, are its missing cells, a dashed list one cell while its items end in «,» or «;», a line in lower case
    the cell it goes on. Returns the cells and the index of the first line not taken."""
    missing = len(header) - len(cells) if header else 0
    if missing <= 0 or not _ROW_NUMBER_CELL.match(cells[0]):
        return cells, at
    extra: list[str] = []
    end = at + 1
    while end < len(lines) and end <= at + MAX_ROW_LINES and len(extra) <= missing:
        line = lines[end]
        if not line or table_cells(line) is not None or (_MARKER.match(line) and not _DASH_ITEM.match(line)):
            break
        # a dashed list goes on after «,» or «;»; a line in lower case is the same cell's, its line broken
        goes_on = extra and (line[:1].islower() or _DASH_ITEM.match(line) and extra[-1].rstrip().endswith((",", ";")))
        if goes_on:
            extra[-1] = f"{extra[-1]} {line}"
        elif len(extra) == missing:
            break
        else:
            extra.append(line)
        end += 1
    rest = table_cells(lines[end]) if end < len(lines) else None
    if rest is not None and not _ROW_NUMBER_CELL.match(rest[0]):
        return cells, at  # the row's other cells follow in a row of their own: the lines were its cell's
    return (cells + extra, end) if extra else (cells, at)


# A row's number: «1», «12.», not a procedure's code.
_ROW_NUMBER_CELL = re.compile(r"^\d{1,3}\.?$")
MAX_ROW_LINES = 12  # lines a row's last cells may take


def _handling_time(last: Sentence, line: str) -> bool:
    """Whether a line holding only a time is the handling time of the procedure named just above it."""
    return len(line) <= MAX_BARE_TIME_CHARS and bool(_BARE_TIME.match(fold(line))) \
        and bool(_PROCEDURE_NAME.match(fold(last.text)))


def _goes_on(last: Sentence, line: str, item: bool, under: str) -> bool:
    """Whether a line is the next clause of the sentence above, which its line break cut: it opens in lower
    case after a «;» or «,» («… rà soát … thuộc phạm vi quản lý;» / «gửi kết quả về Bộ Công an trước ngày
    10 tháng 12 năm 2025; …»), so the clause keeps the units and the task it goes on from."""
    return line[:1].islower() and not item and last.heading == under and last.text.rstrip().endswith((";", ","))


def _runs_on(last: Sentence, line: str, under: str) -> bool:
    """Whether a short list item goes on a list of short items under the same heading («c) Hình thức
    nộp hồ sơ: - Trực tiếp; - Qua dịch vụ công ích; - Dịch vụ công trực tuyến.»): the list is the answer,
    no one item of it."""
    last_item = last.text.rsplit(" - ", 1)[-1]
    return bool(under) and last.heading == under and last.text.rstrip().endswith((";", ",")) \
        and all(_DASH_ITEM.match(text) for text in (line, last.text)) \
        and all(len(text) <= MAX_SHORT_ITEM_CHARS and ":" not in text for text in (line, last_item))


def _caption(lines: Sequence[str], at: int, caption: str) -> str:
    """The caption of the table rows below a line: the line itself when it is a numbered one a few
    lines above a table (a procedure's name, its handling time, then its steps); none after any
    other numbered line («Điều 4. Hiệu lực …» captions no catalogue annexed below it); else the
    caption before."""
    line = lines[at]
    if not _MARKER.match(line):
        return caption
    below = list(islice((later for later in islice(lines, at + 1, None) if later), CAPTION_REACH))
    table = next((i for i, later in enumerate(below) if table_cells(later) is not None), None)
    above_table = table is not None and not any(_MARKER.match(later) for later in below[:table])
    return line if len(line) <= MAX_CAPTION_CHARS and above_table else ""


def _same_level(heading: str, line: str) -> bool:
    """Whether the line opens with a marker of the heading's own kind and depth («3.» after «2.»,
    «b)» after «a)»): the next item of the heading's list, no longer under it."""
    one, other = _MARKER.match(heading), _MARKER.match(line)
    if not one or not other or one.lastgroup != other.lastgroup:
        return False
    if one.lastgroup == "number":
        return one["number"].count(".") == other["number"].count(".")
    return True


def _sub_item(line: str, heading: str) -> bool:
    """Whether the line opens a sub-item of the numbered heading: «3.1.» under «3. …», «3.1.2.» under «3.1. …»,
    «a)» under «1. Cơ quan nhà nước được giao quản lý rừng phòng hộ, đặc dụng»."""
    one, other = _MARKER.match(heading), _MARKER.match(line)
    return bool(one and other and one["number"]
                and (other["letter"] or other["number"] and other["number"].startswith(one["number"] + ".")))


def _with_marker(parts: list[str]) -> list[str]:
    """«2. Thời gian nộp hồ sơ: …» cut after «2.» as if it ended a sentence: the marker stays on
    its item, so the item still reads as one."""
    if len(parts) > 1 and _MARKER_ONLY.match(parts[0]):
        return [f"{parts[0]} {parts[1]}", *parts[2:]]
    return parts


def is_heading(line: str, after_marker: bool = False) -> bool:
    """A short line that names what follows: «1. Sở Y tế:», «a) Chủ đề Tháng hành động năm 2025»,
    «II. MỤC TIÊU», or any short title under a marker line of its own; not a sentence."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or text[-1] in ".;,!?…":
        return False
    if after_marker:
        return True
    if len(text) < 8 or " " not in text:  # «TRÌNH», «Số:»: form fields, not headings
        return False
    if text.isupper() and (is_type_heading(text) or has_motto(text)):
        return False  # «THÔNG BÁO», «CỘNG HÒA XÃ HỘI …» in an annexed form name nothing below
    return text.endswith(":") or bool(_MARKER.match(text)) or text.isupper()


def table_caption(texts: Sequence[str]) -> str:
    """The caption of a table that began in an earlier passage, for a passage that opens with its
    rows (`passage_sentences`)."""
    caption = ""
    lines = [raw.strip() for text in texts for raw in text.split("\n")]
    for at, line in enumerate(lines):
        if line and table_cells(line) is None:
            caption = _caption(lines, at, caption)
    return caption


def table_header(texts: Iterable[str]) -> list[str] | None:
    """The last header row in the given passages (a table that runs on into the next chunk)."""
    found = None
    for text in texts:
        for line in text.split("\n"):
            cells = table_cells(line)
            if cells and _is_header_row(cells):
                found = cells
    return found


def intent_cue(intent: Intent, sentence: str, passage: Passage, unit: str | None = None,
               through: bool = False, act: str | None = None) -> float:
    """How much a sentence has what the question asks for: a deadline, an agency (the one it goes
    through, when that is asked), a figure (of the unit asked, «bao nhiêu trạm» → «22 trạm»)."""
    if intent is Intent.DEADLINE:
        if _PAST_EVENT.match(fold(sentence)):
            return 0.0
        if sentence_obligations(sentence, passage.issued_date):
            return 1.0
        if _DATE.search(_CITED_DATE.sub(" ", sentence)) or _time_cell(sentence):
            return 0.6
        return 0.4 if _PERIOD.search(sentence) else 0.0
    if intent is Intent.RECIPIENT:
        return 1.0 if recipient(sentence, through) else 0.0
    if intent is Intent.EFFECTIVE:
        if _VOIDED.search(fold(sentence)):
            return 0.0
        if takes_effect(sentence):
            return 1.0
        return 0.3 if _DATE.search(sentence) else 0.0
    if intent is Intent.AMOUNT:
        # «20 (hai mươi) ngày»: the number may be spelled out before its unit.
        # A date is no amount: «thông qua ngày 18 tháng 11» counts no months.
        undated = _DATE.sub(" ", sentence)
        if unit and re.search(_count_of(unit), fold(undated)):
            return 1.0
        return 0.6 if _FIGURE.search(undated) or _NUMBER_CELL.search(sentence) else 0.0
    if intent is Intent.CODE:
        return 1.0 if _CODE.search(sentence) else 0.0
    if intent is Intent.FORM:
        return 1.0 if _FORM.search(sentence) else 0.0
    if intent is Intent.RESPONSIBLE:
        leads = acts(sentence, act) if act else bool(_LEAD.search(sentence))  # (its own act, if the question names one)
        return (0.6 if leads else 0.0) + (0.4 if _AGENCY.search(sentence) else 0.0)
    if intent is Intent.CRITERIA:
        return 0.4 if _ITEM.match(sentence) or sentence.rstrip().endswith(":") else 0.0
    return 0.0


# Who acts in a sentence: an agency or an office holder («Chủ tịch Ủy ban nhân dân các xã, phường quyết định …»),
# by its capitalised first word (folded, «bản» of «văn bản» would read as «Ban»).
_ACTOR_HEAD = re.compile(rf"(?:{_AGENCY_HEAD}|Chủ tịch|Giám đốc|Bộ trưởng|Thủ trưởng|Thủ tướng|Chánh Văn phòng"
                         r"|Trưởng phòng|Cục trưởng)\b")
ACT_SPAN = 80  # characters between an actor's first word and its act
# A name after these words is one the act is done with, for or to, not the doer.
_ACTED_WITH = re.compile(r"\b(?:với|cho|của|tại|về|đến|tới|gửi|qua|và)\s*$", re.IGNORECASE)


def acts(sentence: str, act: str) -> bool:
    """Whether the sentence says who does the act asked: an agency or office holder doing it («Sở Tài chính
    quyết định …» for «cơ quan nào quyết định …»; not one it is done with, «phối hợp với Văn phòng … xây dựng»),
    or a lead word before it («Chủ trì, phối hợp … xây dựng quy trình …»)."""
    doers = [m for m in _ACTOR_HEAD.finditer(sentence) if not _ACTED_WITH.search(sentence[:m.start()])]
    return any(re.match(rf"[^.;:|]{{0,{ACT_SPAN}}}?\s{act}\b", fold(sentence[m.end():]))
               for m in [*doers, *_LEAD.finditer(sentence)])


def goods_code(sentence: str, wanted: set[str] = frozenset()) -> str | None:
    """The goods code a sentence settles on («… phân nhóm 8541.41, mã số **8541.41.00** …» ->
    "8541.41.00"): the most detailed, of several such the one nearest the question's words."""
    found = list(_CODE.finditer(sentence))
    if not found:
        return None
    longest = max(len(m.group()) for m in found)
    detailed = [m for m in found if len(m.group()) == longest]
    at = cue_at(Intent.CODE, sentence, wanted) or 0
    return min(detailed, key=lambda m: abs(m.start() - at)).group()


Candidate = tuple[Passage, float, list[Sentence]]


def _only(candidates: Sequence[Candidate], wanted: Callable[[str], bool],
          in_section: bool = False) -> Sequence[Candidate]:
    """The candidates cut to the sentences `wanted` accepts (read with their passage's section when
    `in_section`), where any is; else all of them."""
    kept = [(p, share, [s for s in cut if wanted(f"{p.section} {s.full}" if in_section else s.full)])
            for p, share, cut in candidates]
    return [c for c in kept if c[2]] if any(c[2] for c in kept) else candidates


def _code_depth(sentence: str) -> int:
    """The length of the most detailed goods code a sentence states (0 for none)."""
    return max((len(m.group()) for m in _CODE.finditer(sentence)), default=0)


def takes_effect(sentence: str) -> str | None:
    """From when the sentence says something applies: «… có hiệu lực thi hành kể từ ngày ký» ->
    "kể từ ngày ký"."""
    found = _TAKES_EFFECT.search(sentence)
    return " ".join(found["when"].split()) if found else None


def _count_of(unit: str) -> str:
    """A number and the unit counted, on folded text («20 (hai mươi) ngày»: the number may be
    spelled out again before its unit)."""
    return rf"\d(?:\S*\s+|[\d.,]*(?={_CLOSE_UP}))(?:\([^)]{{0,40}}\)\s+)?{unit}\b"


def asked_unit(question: str) -> str | None:
    """The unit a "how many" question counts, as a pattern on folded text: «bao nhiêu trạm 5G»
    -> "tram"; «trong bao lâu», «tối đa bao lâu» -> any unit of time."""
    folded = fold(question)
    if _HOW_LONG.search(folded):
        return TIME_UNITS
    if _WHICH_HOURS.search(folded):
        return _UNIT_SPELLINGS["gio"]
    found = _ASKED_UNIT.search(folded)
    if not found:
        return "dong" if _FEE_ASKED.search(folded) else None
    unit = _UNIT_SPELLINGS.get(found.group(1), re.escape(found.group(1)))
    if _ROLES.match(folded, found.start(1)):
        return rf"(?:{unit}|nguoi)"
    # people asked as «người» are counted by their role too («không quá 03 (ba) nhân viên …»)
    return rf"(?:nguoi|{_ROLES.pattern})" if unit == "nguoi" else unit


# «cỡ chữ bao nhiêu», «kích thước thân máy là bao nhiêu»: a figure asked of a thing named before the asking
# words, which the sentence giving it writes right after the name («cỡ chữ từ 13 đến 14», «thân máy (Dài x
# Rộng x Dày) 43 mm …»).
_MEASURED = re.compile(r"\b((?!(?:cua|cho|theo|tai|ve|voi|la|duoc)\b)[a-z]+ [a-z]+)(?: (?:la|duoc|co|khoang|toi da|toi thieu))* bao nhieu\s*\W*$")
MEASURE_SPAN = 25  # folded characters between the thing's name and its figure


def measured(question: str) -> str | None:
    """A pattern for the figure of the thing a question measures («cỡ chữ bao nhiêu?» -> "co chu … 13"), or None."""
    found = _MEASURED.search(fold(question))
    if not found or found.group(1).split()[-1] in FILLER:  # «cỡ chữ» (folded «co chu») may open with one
        return None
    return rf"\b{found.group(1)}\b[^.;]{{0,{MEASURE_SPAN}}}?\d"


def cue_at(intent: Intent, sentence: str, wanted: set[str] = frozenset(), unit: str | None = None) -> int | None:
    """Where in the sentence the asked kind of fact is (a date, a figure of the unit asked, an
    agency): of several, the one with most of the question's words around it."""
    if intent is Intent.RECIPIENT:
        sent = recipient(sentence)
        return sent.start() if sent else None
    pattern = {Intent.DEADLINE: _DATE, Intent.EFFECTIVE: _DATE, Intent.AMOUNT: _FIGURE,
               Intent.RESPONSIBLE: _LEAD, Intent.CODE: _CODE, Intent.FORM: _FORM}.get(intent)
    found = list(pattern.finditer(sentence)) if pattern else []
    if unit and len(fold(sentence)) == len(sentence):  # «bao nhiêu thuê bao»: «500.000 thuê bao»
        found = list(re.finditer(_count_of(unit), fold(sentence))) or found
    if not found and intent is Intent.DEADLINE:
        found = list(_PERIOD.finditer(sentence))
    if not found:
        return None
    near = [len(wanted & set(syllables(sentence[max(0, m.start() - CUE_SPAN):m.end() + CUE_SPAN])))
            for m in found]
    return found[near.index(max(near))].start()


def excerpt(sentence: str, limit: int, at: int | None) -> str:
    """The sentence cut to `limit` characters around position `at` (its start when None)."""
    text = " ".join(sentence.split())
    if len(text) <= limit:
        return text
    start = 0 if at is None or at < limit * 2 // 3 else max(0, min(at - limit // 3, len(text) - limit))
    head = "… " if start else ""
    if start:
        start = text.find(" ", start) + 1
    body = text[start:start + limit]
    tail = " …" if start + limit < len(text) else ""
    if tail:
        body = body.rsplit(" ", 1)[0]
    return f"{head}{body}{tail}"


def _time_cell(sentence: str) -> bool:
    return any(_TIME_HEADER.search(fold(part.split(":", 1)[0])) and ":" in part
               for part in sentence.split("; "))


# «c) Cơ quan nhận báo cáo: UBND tỉnh …», «- Hình thức nộp hồ sơ: …»: a field and its label.
_FIELD = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?P<label>[^\W\d_][^:;.,()|]{2,60}?)\s*:\s*\S")
MAX_LABEL_WORDS = 10
MIN_LABEL_WORDS = 3  # «Hình thức:», «Nội dung:» alone say too little of what they hold
MIN_LABEL_SHARE = 0.6
# The words a label uses for the kind of fact a question asks, whatever words the question uses
# («trong bao lâu» → «Thời hạn giải quyết», «cơ quan nào thực hiện» → «Cơ quan thực hiện …»).
_LABEL_WORDS = {
    Intent.DEADLINE: {"thoi", "han", "gian", "tien", "do"},
    Intent.RESPONSIBLE: {"co", "quan", "don", "vi", "chu", "tri", "thuc", "hien", "trach", "nhiem"},
    Intent.RECIPIENT: {"co", "quan", "noi", "nhan", "tiep", "nop"},
    Intent.CRITERIA: {"tieu", "chi", "chuan", "dieu", "kien", "yeu", "cau"},
    Intent.EFFECTIVE: {"hieu", "luc"},
}
_HOW = re.compile(r"\b(?:cach nao|cach thuc|hinh thuc|phuong thuc|bang cach)\b")
# The thing whose value a question asks, right before its asking words: «… với lý do gì», «nhà sản xuất mặt hàng này
# là ai», «trọng lượng bao nhiêu»; and a field's label in a line or a row's cell («- Lý do: …», «| Nhà sản xuất: …»).
_ASKED_FIELD = re.compile(r"(?P<thing>(?:\b\w+ ){1,8})(?:gi|nao|ai|bao nhieu)\s*\W*$")
_OF_THIS = re.compile(r"(?:(?:\s+\w+){1,2}\s+(?:nay|ay))?(?:\s+(?:la|co|duoc))?$")
_FIELD_LABELS = re.compile(r"(?:^|\|\s*|\n)\W{0,3}(?:[a-zđ\d]{1,3}[.)]\s*)?([^\W\d_][^:;.,()|\n]{1,40}?)\s*:\s*\S")
# A line that states the manner asked by «theo hình thức nào», «theo những cách nào»: its label names it,
# with a colon or as a title over its items («c) Hình thức nộp hồ sơ - Trực tiếp; - Qua dịch vụ công ích; …»).
_MANNER_LINE = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:hinh thuc|cach thuc|phuong thuc)\b[^:;.|]{0,60}?"
                          r"(?::|\s[-–]\s)")


# «nộp bằng cách nào», «gửi theo hình thức nào»: the manner of handing something in, which a line labelled with
# another manner («Hình thức khen thưởng: Bằng khen …») does not state.
_SUBMITTING = re.compile(r"\b(nop|gui|chuyen)\b(?:\s+\w+){0,4}?\s+(?:bang|theo)\s+(?:nhung\s+|cac\s+)?"
                         r"(?:cach|hinh thuc|cach thuc|phuong thuc)\b")


def submitting(question: str) -> str | None:
    """The verb of handing in that a manner question asks about («nộp», «gửi», «chuyển»), if it asks one."""
    found = _SUBMITTING.search(fold(question))
    return found.group(1) if found else None


def field_label(sentence: Sentence) -> str:
    """What a line says it holds: the label before its colon («Thời gian niêm yết công khai»);
    "" for prose, a table, or a run of more than two fields."""
    found = _FIELD.match(sentence.text)
    # a table (a row read with its headers, a label over a table) is no field of its own
    if found and "|" not in sentence.text and sentence.text.count(": ") + sentence.text.count(":\n") <= 2:
        return found["label"]
    return ""


_SETTLING = re.compile(r"\bgiai quyet\b")
# A step of a procedure's table: «Bước 3», «B3 | …», «Số TT: B3; Trình tự: …».
_STEP_LINE = re.compile(r"(?<!\w)(?:Bước\s+\d{1,2}|B\d{1,2})(?!\w)")


class SentenceScorer:
    """Scores sentences for one question (see the module's docstring)."""

    def __init__(self, question: Question, title_words: Iterable[str] = (),
                 weights: Weights = Weights(), named: bool = False, units: UnitSentences | None = None) -> None:
        self.question = question
        self.units = units
        self.weights = weights
        # Within a document the question names the rank says less; so it does for when a document
        # takes effect, said once near its end, in a passage search rarely ranks.
        self.rank = weights.named_rank if named or question.intent is Intent.EFFECTIVE else weights.rank
        # The document's number and place say which document, not which of its sentences.
        about = _ASKING_WORDS.sub(" ", spelled_out(without_places(without_refs(question))))
        asked = topic_terms(about)
        if question.intent is Intent.EFFECTIVE:
            asked -= _EFFECT_WORDS
        framing = set(title_words) | _FRAME_WORDS
        self.wanted = (asked - INTENT_WORDS - framing) or (asked - INTENT_WORDS) or asked
        # «ngoài tuyển dụng, điều động thì … còn … những việc gì»: what is set aside is no part of the answer
        folded = fold(question.text)
        besides = _BESIDES.search(folded)
        self.besides = topic_terms(besides["what"]) - FILLER if besides else set()
        self.wanted = (self.wanted - self.besides) or self.wanted
        # The document's title words say little about which of its sentences answers: they
        # count, but for less.
        self.framed = (asked - INTENT_WORDS) & framing - self.wanted
        # Word pairs likewise: «phát động phong trào» as a phrase still counts, for less.
        # (a negation is kept: «không sử dụng ngân sách» is not «sử dụng ngân sách»)
        asked_pairs = {p for p in pairs(about) if not set(p) & FILLER or p[0] == "khong" and p[1] not in FILLER}
        self.pairs = {p for p in asked_pairs if not set(p) <= framing | INTENT_WORDS}
        self.framed_pairs = {p for p in asked_pairs - self.pairs if not set(p) <= INTENT_WORDS}
        self.unit = asked_unit(question.text) if question.intent is Intent.AMOUNT else None
        self.measured = measured(question.text) if question.intent is Intent.AMOUNT and not self.unit else None
        self.cue_weight = {Intent.EFFECTIVE: weights.effective, Intent.RECIPIENT: weights.recipient}.get(
            question.intent, weights.intent)
        # After a time («25 ngày làm việc kể từ ngày nhận …») come its anchor's words, not a qualifier.
        counts_things = self.unit and self.unit != TIME_UNITS and not re.fullmatch(TIME_UNITS, self.unit)
        said = self._qualifier_words() if counts_things else []
        self.qualifiers = set(said)
        self.qualifier_pairs = set(zip(said, said[1:]))
        self.label_words = set(syllables(spelled_out(folded))) | self._kind_words()
        asked_field = _ASKED_FIELD.search(folded)
        # what it is asked of may follow («nhà sản xuất mặt hàng này là ai»): the label ends where the thing does
        self.field_asked = _OF_THIS.sub("", asked_field["thing"].strip()) if asked_field else ""
        self.manner = question.intent is Intent.GENERAL and bool(_HOW.search(folded))
        self.submitting = submitting(question.text) if self.manner else None
        self.through = question.intent is Intent.RECIPIENT and asks_through(question.text)
        self.act = asked_act(question.text) if question.intent is Intent.RESPONSIBLE else None
        # «thủ tục … được giải quyết trong bao nhiêu ngày», «thời hạn giải quyết …»: the time a whole procedure takes
        self.settling = question.intent in (Intent.DEADLINE, Intent.AMOUNT) and bool(_SETTLING.search(folded))
        case = _ASKED_CASE.search(folded)
        self.case = {w for w in syllables(case["case"]) if w not in FILLER} if case else set()
        self.rarity: dict[object, float] = {}  # every word counts alike until `weigh` has seen the candidates
        self._read: dict[str, tuple[set[str], set[tuple[str, str]]]] = {}

    def _kind_words(self) -> set[str]:
        """The words a field's label uses for the kind of fact asked."""
        intent = self.question.intent
        if intent is Intent.AMOUNT and self.unit == TIME_UNITS:  # «bao lâu» asks a time
            intent = Intent.DEADLINE
        words = set(_LABEL_WORDS.get(intent, ()))
        if _HOW.search(fold(self.question.text)):
            words |= {"hinh", "thuc", "cach", "phuong"}
        return words

    def label(self, sentence: Sentence) -> float:
        """How well the line's label names what is asked: a field («Thời gian niêm yết công khai:
        10 ngày làm việc») answers in few words, so it shares few with the question, while a long
        sentence around it shares many; a field named by the very words the question asks about
        («… đề xuất bãi bỏ với lý do gì?» and «- Lý do: Trong 05 năm liên tục …») answers whatever its length."""
        if self.field_asked and any(self._names_asked(label) for label in _FIELD_LABELS.findall(sentence.text)):
            return self.weights.label
        words = self._label_words(field_label(sentence))
        if not words and sentence.heading.endswith(":"):
            # a label on a line of its own above its value («2. Thời gian nộp hồ sơ:»), when it
            # names the kind of fact asked (a unit's heading «1. Sở Y tế:» names none)
            above = _FIELD.match(f"{sentence.heading} …")
            words = self._label_words(above["label"] if above else "")
            words = words if set(words) & self._kind_words() else []
        # a short label counts when it is all the kind of fact asked («Hình thức:» for «hình thức nào»)
        short = 0 < len(words) < MIN_LABEL_WORDS and set(words) <= self._kind_words()
        if not (MIN_LABEL_WORDS <= len(words) <= MAX_LABEL_WORDS or short):
            return 0.0
        share = sum(w in self.label_words for w in words) / len(words)
        return self.weights.label * share if share >= MIN_LABEL_SHARE else 0.0

    def _names_asked(self, label: str) -> bool:
        """Whether a field's label is the thing the question asks the value of, word for word."""
        words = " ".join(syllables(fold(label)))
        return bool(words) and f" {self.field_asked}".endswith(f" {words}")

    @staticmethod
    def _label_words(label: str) -> list[str]:
        return [w for w in syllables(spelled_out(fold(label))) if w not in FILLER and not w.isdigit()]

    def score(self, sentence: str, passage: Passage, rank_share: float) -> float:
        return self._matching(sentence, passage, rank_share) + self._cue(sentence, passage)

    def _matching(self, sentence: str, passage: Passage, rank_share: float) -> float:
        """Everything but the intent's cue: words, pairs, section, rank, length."""
        w = self.weights
        words, found_pairs = self._terms(sentence)
        weight = self._sum(self.wanted) + w.title * self._sum(self.framed)
        found = self._sum(self.wanted & words) + w.title * self._sum(self.framed & words)
        topic = found / weight if weight else 0.0
        pair_weight = self._sum(self.pairs) + w.title * self._sum(self.framed_pairs)
        paired = (self._sum(self.pairs & found_pairs) + w.title * self._sum(self.framed_pairs & found_pairs)) \
            / pair_weight if pair_weight else 0.0
        in_section = overlap(self.wanted - words, passage.section) if passage.section else 0.0
        score = w.topic * topic + w.pairs * paired + w.section * in_section + self.rank * rank_share
        if self.units is not None and self.units.acts(sentence, passage.source):
            score += w.unit
        if self.case:
            score += w.case * self._in_case(sentence)
        if self.besides and len(self.besides & words) >= BESIDES_SHARE * len(self.besides):
            score -= w.case  # the line of what the question sets aside

        return score - (w.short if len(sentence) < MIN_SENTENCE_CHARS else 0.0)

    def _cue(self, sentence: str, passage: Passage) -> float:
        if self.measured and re.search(self.measured, spelled_out(fold(sentence))):
            return self.cue_weight  # the figure of the thing measured, right after its name
        manner = _MANNER_LINE.match(fold(sentence)) if self.manner else None
        if manner and (not self.submitting or self.submitting in syllables(manner.group(0))):
            # both the kind of fact asked and a label that names it, however it is set out
            return self.cue_weight + self.weights.label
        cue = self.cue_weight * intent_cue(self.question.intent, sentence, passage, self.unit, self.through, self.act)
        if self.settling and _STEP_LINE.search(sentence):
            cue /= 2  # one step's time is not the time the whole procedure takes
        return cue + self._qualified(sentence) if self.qualifiers and cue else cue

    def _in_case(self, sentence: str) -> float:
        """The share of the words of the case the question puts that a case the sentence sets out holds: of
        «nếu cơ sở không tiếp nhận người thực hành thì …», «Trong trường hợp không tiếp nhận người thực hành, …»
        holds most, a step that only names the same people none."""
        return max((len(self.case & set(syllables(m["case"]))) / len(self.case)
                    for m in _CASE_SET_OUT.finditer(fold(sentence))), default=0.0)

    def _counts(self, sentence: str) -> bool:
        """Whether the sentence states a count of the unit asked («24 giờ», «mười lăm ngày», «336
        mẫu», «| 15 | ngày làm việc»); a cited text's number and date («Quyết định số 12 ngày …») is none."""
        text = fold(_DATE.sub(" ", _CITED_DATE.sub(" ", sentence)))
        return bool(re.search(rf"(?<![\w/])(?<!so )(?:\d+(?:[.,]\d+)*|{_SPELLED}|{_ONE_SPAN}){_UNIT_GAP}(?:\|\s*)?"
                              rf"(?:(?:nghin|ngan|trieu|ty)\s+)?(?:\([^)]{{0,40}}\)\s+)?{self.unit}\b", text))

    def _qualifier_words(self) -> list[str]:
        """The words after the unit a question counts, up to a preposition, in order: «bao nhiêu thủ tục
        hành chính mới ban hành trong …» -> «tục hành chính mới ban»."""
        named = _ASKED_NOUN.search(fold(self.question.text))
        return [w for w in syllables(named.group(1))[1:] if w not in FILLER] if named else []

    def _qualified(self, sentence: str) -> float:
        """How much of what the question says of the counted thing follows a count of it: of «16
        thủ tục hành chính mới ban hành và 06 thủ tục hành chính bị bãi bỏ», the count asked about
        by «bao nhiêu thủ tục hành chính mới ban hành» is the first, by «… bị bãi bỏ» the second."""
        folded = spelled_out(fold(sentence))
        counts = re.finditer(_count_of(self.unit), folded)
        return QUALIFIER_WEIGHT * max((self._said_after(syllables(folded[m.end():m.end() + QUALIFIER_SPAN]))
                                       for m in counts), default=0.0)

    def _said_after(self, words: list[str]) -> float:
        """The share of the question's words about the counted thing in the words after a count, and of
        their pairs in order: «… 06 thủ tục hành chính tại … Danh mục TTHC ban hành …» holds the words of
        «thủ tục hành chính mới ban hành» scattered, «16 thủ tục hành chính mới ban hành» holds the phrase."""
        share = len(self.qualifiers & set(words)) / len(self.qualifiers)
        if not self.qualifier_pairs:
            return share
        return (share + len(self.qualifier_pairs & set(zip(words, words[1:]))) / len(self.qualifier_pairs)) / 2

    def supports(self, pick: Pick, about: str = "") -> bool:
        """Whether the sentence itself (with the section it sits in, and `about`: the title of a text
        about the one named) holds most of what is asked, and the kind of fact asked for: the bar for a
        document that only cites the one the question names."""
        topic = overlap(self.wanted, f"{about} {pick.passage.section} {pick.quoted}")
        needs_cue = self.question.intent in (Intent.DEADLINE, Intent.EFFECTIVE, Intent.AMOUNT, Intent.RECIPIENT,
                                             Intent.RESPONSIBLE, Intent.CODE)
        cue = intent_cue(self.question.intent, pick.quoted, pick.passage, self.unit, self.through)
        return topic >= SUPPORT_SHARE and (cue > 0 or not needs_cue)

    def _terms(self, sentence: str) -> tuple[set[str], set[tuple[str, str]]]:
        """The sentence's folded words and word pairs, read once per question."""
        found = self._read.get(sentence)
        if found is None:
            text = spelled_out(fold(sentence))
            found = self._read[sentence] = (set(syllables(text)), pairs(text))
        return found

    def _sum(self, terms: Iterable[object]) -> float:
        return sum(self.rarity.get(t, 1.0) for t in terms)

    def weigh(self, texts: Sequence[str]) -> None:
        """Weigh the question's words and pairs by how few of the candidate sentences hold them:
        in a document about «giải thưởng Hải Thượng Lãn Ông» every step names the prize, and only
        the words of the step asked for («gửi hồ sơ về Hội đồng cơ sở») tell the steps apart."""
        asked = self.wanted | self.framed | self.pairs | self.framed_pairs
        held: dict[object, int] = dict.fromkeys(asked, 0)
        for text in texts:
            words, found_pairs = self._terms(text)
            for term in asked & (words | found_pairs):
                held[term] += 1
        n = len(texts)
        # Between 1 (in every sentence) and 2 (in none): a rare word counts more, never so much that
        # one incidental word («nộp» where the deadline says «trình») outweighs the rest.
        self.rarity = {t: 1.0 + math.log((n + 1) / (1.0 + count)) / math.log(n + 2) for t, count in held.items()}

    def best(self, candidates: Sequence[Candidate]) -> Pick:
        """The best sentence among (passage, rank share, its sentences); preambles only when
        nothing else is there. The intent's cue (a deadline parse) is the costly part, so it is
        added only for the sentences that could still win."""
        folded = fold(self.question.text)
        # «căn cứ quyết định nào», «theo đề nghị tại công văn nào»: the grounds a preamble names are the answer
        proposal = bool(_WHOSE_PROPOSAL.search(folded))
        numbers = [number.casefold() for number in cited_numbers(self.question.text)]  # the texts it names
        own = {p.doc_number.casefold() for p, _, _ in candidates if p.doc_number}
        provided = [number for number in numbers if number not in own]
        provision = bool(provided) and bool(_WHICH_PROVISION.search(folded))
        grounds = proposal or provision or bool(_WHICH_TEXT.search(folded))
        replied = bool(_WHOM_REPLIED.search(folded))
        if self.question.intent is Intent.CODE:
            # The code a customs notice settles on is said once, after the goods' description
            # that matches the question better: only a sentence stating a code answers, and of the
            # codes the most detailed («mã số 8517.62.59», not the subheading «8517.62» it walks through).
            depth = max((_code_depth(s.full) for _, _, cut in candidates for s in cut), default=0)
            candidates = _only(candidates, lambda text: bool(depth) and _code_depth(text) == depth)
        elif self.question.intent is Intent.FORM:
            # «kê khai theo mẫu nào»: only a sentence naming a form answers
            candidates = _only(candidates, lambda text: bool(_FORM.search(text)))
        elif self.unit and not _HOW_OFTEN.search(folded):
            # «trong thời hạn bao lâu», «bao nhiêu mẫu»: only a sentence that counts the unit
            # asked answers, however well another matches the question's words.
            candidates = _only(candidates, self._counts)
        elif _WHICH_REPEALED.search(folded):
            # an item of a list under «Điều 1. Bãi bỏ …» repeals what it cites, too
            candidates = _only(candidates, lambda text: bool(_REPEALS_NUMBER.search(text)), in_section=True)
        elif provision:
            candidates = _only(candidates, lambda text: bool(_PROVISION.search(text))
                               and all(number in text.casefold() for number in provided))
        elif proposal:
            candidates = _only(candidates, lambda text: bool(_PROPOSAL_LINE.match(fold(text))))
        elif grounds:
            candidates = _only(candidates, lambda text: any(number.casefold() not in numbers
                                                            for number in cited_numbers(text)))
        elif _ANSWERS_TO.search(folded):
            # «giám đốc trung tâm chịu trách nhiệm trước ai»: only a line that says before whom answers
            candidates = _only(candidates, lambda text: bool(_ANSWERS_TO.search(fold(text))))
        elif _ISSUED_WHEN.search(folded) and numbers:
            # «công văn 5106/CT-CS mà Cục Thuế dẫn chiếu ban hành ngày nào»: the date a sentence gives the
            # number asked («… công văn số 5106/CT-CS ngày 12/11/2025 …»), where one does
            candidates = _only(candidates, lambda text: any(
                number in cited.group().casefold() for cited in _CITED_DATE.finditer(text) for number in numbers))
        elif UNTIL_ASKED.search(folded):
            candidates = _only(candidates, lambda text: bool(_UNTIL.search(text)))
        elif self.question.intent is Intent.DEADLINE and _WHICH_DATE.search(folded):
            candidates = _only(candidates, lambda text: bool(_DATE.search(_CITED_DATE.sub(" ", text))))
        self.weigh([s.full for _, _, cut in candidates for s in cut])
        scored = [(self._matching(s.full, passage, share) + self.label(s), s, passage)
                  for passage, share, cut in candidates for s in cut]
        scored.sort(key=lambda item: item[0], reverse=True)
        reach = float("-inf")  # a sentence matching less than this cannot overtake the best
        # the most a cue can add; a close runner-up is quoted too
        most = self.cue_weight + (QUALIFIER_WEIGHT if self.qualifiers else 0.0) \
            + (self.weights.label if self.manner else 0.0)
        best: Pick | None = None
        second: Pick | None = None
        fallback: Pick | None = None
        for matching, sentence, passage in scored:
            if matching < reach:
                break  # even the largest cue cannot lift it above the best found so far
            pick = Pick(sentence.text, passage, matching + self._cue(sentence.full, passage), sentence.heading)
            if cannot_lead(sentence.text) and not ((grounds or replied) and is_preamble(sentence.text)):
                fallback = pick if fallback is None or pick.score > fallback.score else fallback
            elif best is None or pick.score > best.score:
                best, second = pick, best
                reach = best.score - most - CLOSE_SCORE
            elif second is None or pick.score > second.score:
                second = pick
        if best is not None and second is not None and close_pair(best, second):
            return replace(best, also=second.sentence)
        chosen = best or fallback
        assert chosen is not None  # a passage always has at least one sentence
        return chosen


# «UBND cấp xã» in a question is the «Ủy ban nhân dân cấp xã» of the sentence that answers it.
_SHORT_NAMES = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan"}
_SHORT_NAME = re.compile(r"\b(?:ubnd|hdnd)\b")


def spelled_out(folded: str) -> str:
    """Folded text with the short names of councils and committees spelled out."""
    return _SHORT_NAME.sub(lambda m: _SHORT_NAMES[m.group(0)], folded)


def without_refs(question: Question) -> str:
    """The question without the document numbers it names ("kế hoạch 0124" -> "")."""
    return strip_refs(fold(question.text), question.refs)
