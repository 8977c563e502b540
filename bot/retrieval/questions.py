"""What a question asks: its intent, the documents it names, whether it follows up the last one."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.retrieval.doc_refs import DocRef, find_refs
from bot.retrieval.issuers import without_places
from bot.retrieval.vietnamese import fold, syllables


class Intent(StrEnum):
    DEADLINE = "deadline"    # hạn, khi nào, trước ngày nào
    CRITERIA = "criteria"    # tiêu chí, tiêu chuẩn, điều kiện, hình thức khen thưởng
    RECIPIENT = "recipient"  # gửi về đâu, nộp cho ai
    AMOUNT = "amount"        # bao nhiêu, tỷ lệ, ít nhất
    RESPONSIBLE = "responsible"  # ai chủ trì, đơn vị nào thực hiện, giao cho ai
    EFFECTIVE = "effective"  # có hiệu lực từ khi nào, áp dụng từ ngày nào
    CODE = "code"            # mã số nào (the customs code a notice settles on)
    FORM = "form"            # theo mẫu nào, phụ lục số mấy (the form a text prescribes)
    GENERAL = "general"


# Who a question asks about («ai», «cơ quan nào», «phòng nào» …) and what they do, whatever the act: «cơ quan nào
# quyết định …», «ai được ủy quyền ký …», «hồ sơ do phòng nào của Sở … thụ lý».
_WHO = r"(?:ai|(?:don vi|co quan|so|bo|ban|phong|vu|cuc|cap|ben|to chuc|ca nhan) nao)"
_ACTS = (r"(?:quyet dinh|phe duyet|thu ly|xu ly|cap|ban hanh|ky|tham dinh"
         r"|huong dan|chi dao|de xuat|lap|tong hop|theo doi|kiem tra|giai quyet|cap nhat|niem yet|dang tai|xay dung"
         r"|uy quyen|quy dinh|hoan tat|bo tri|cau hinh|thiet lap|trinh|cong bo)")
# («ai được ủy quyền ký» asks who acts, «ai được cấp thẻ» who receives: after «được» only delegation counts)
_ASKED_ACT = re.compile(rf"\b{_WHO}\s+(?:(?:co trach nhiem|phai|se)\s+|duoc\s+(?=uy quyen))?(?P<act>{_ACTS})\b"
                        rf"|\bdo\s+{_WHO}(?:\s+[^\s.;:?]+){{0,12}}?\s+(?P<passive>{_ACTS})\b")

# «mở cửa trong khung giờ nào»: the hours of a day
WHICH_HOURS = r"\b(?:khung )?gio nao\b"
# Patterns on folded text ("han nop" matches "hạn nộp" and "han nop" alike).
_INTENTS = (
    # «xác định trước mã số nào», «áp mã số hàng hóa nào», «là mã gì», «mã số HS là bao nhiêu», «mã số hải
    # quan là gì»: a code, not a list or a date («mã số thuế là gì» asks no code of goods).
    (Intent.CODE, re.compile(r"\bma(?: so)?(?: hs| hang hoa| hai quan)?(?: la)? (?:nao|gi|bao nhieu)\b|\bma hs\b")),
    # «kê khai theo mẫu nào», «lập theo phụ lục số mấy», «biểu mẫu nào»: a form, named by its number
    (Intent.FORM, re.compile(r"\b(?:(?:bieu )?mau(?: to khai| so)?|phu luc(?: so)?) (?:nao|gi|may|so may)\b")),
    # (not when it asks how much: «phí thẩm định điều kiện kinh doanh là bao nhiêu», «chỉ tiêu … bao nhiêu phần trăm»)
    (Intent.CRITERIA, re.compile(r"^(?!.*\bbao (?:nhieu|lau)\b).*?\b(tieu chi|tieu chuan(?!,? dinh muc)|(?<!du )dieu kien|"
                                 r"hinh thuc khen thuong|doi tuong khen thuong|chi tieu)\b")),
    # («cơ quan đầu mối là ai» asks who leads, «đầu mối tiếp nhận» where to send)
    # «đâu» and «trình» alone, not the words they start («đầu tư», «đầu mối», «trình tự») nor
    # «lần đầu», «bắt đầu», «đầu quý».
    # (nor «chuyên môn», «chuyên gia» folded like «chuyển», nor «về đấu thầu» folded like «về đâu», nor «người
    # đứng đầu», «hàng đầu»)
    (Intent.RECIPIENT, re.compile(r"\b(gui|nop|bao cao|chuyen(?! (?:mon|gia|de|nganh|trach|sau|vien|biet|can)\b)"
                                  r"|cung cap|lien he|trinh(?! tu))\b.*\b(cho ai|(?:(?:ve|o|den|toi) )?(?<!lan )(?<!bat )(?<!ban )"
                                  r"(?<!dot )(?<!mo )(?<!dung )(?<!hang )dau(?! (?:tu|moi|thau|tien|nam|ky|vao|ra|quy|thang|tuan|gio))|"
                                  r"co quan nao|don vi nao|doanh nghiep nao|cong ty nao|"
                                  r"noi nao)\b|\bnoi nhan\b|"
                                  r"\bdau moi tiep nhan\b|\bco quan tiep nhan\b|\bai tiep nhan\b|\bgui ve dau\b")),
    (Intent.RESPONSIBLE, re.compile(r"\b(ai|don vi nao|co quan nao|so nao|ben nao|cap nao)\b.{0,40}"
                                    r"\b(chu tri|phu trach|chiu trach nhiem|thuc hien|tham muu|dau moi|"
                                    r"phoi hop|to chuc|trien khai)\b|\b(chu tri|phu trach|giao|dau moi)\b"
                                    rf".{{0,60}}\b(ai|don vi nao|co quan nao|so nao)\b|{_ASKED_ACT.pattern}")),
    # «có hiệu lực từ khi nào», «áp dụng từ ngày nào»; «hiệu lực bao lâu» asks an amount of time.
    (Intent.EFFECTIVE, re.compile(r"\b(hieu luc|ap dung|thi hanh)\b.{0,40}\b(khi nao|ngay nao|bao gio|"
                                  r"luc nao|thoi diem nao|tu thang nao|tu nam nao)\b|"
                                  r"\b(khi nao|ngay nao|bao gio)\b.{0,20}\b(co hieu luc|ap dung)\b|"
                                  # «bãi bỏ quyết định … từ ngày nào»: from when the repealing text applies
                                  r"\b(bai bo|thay the|het hieu luc)\b(?: (?:toan bo|cac|mot so))? (?:quyet dinh|qd|thong tu|nghi dinh|nghi quyet|"
                                  r"van ban|quy che|quy dinh|chi thi)\b.{0,80}\btu (ngay|thang|khi) nao\b")),
    # (not «gia hạn» an extension, «hạn mức» a ceiling, «hạn ngạch» a quota, «dây hàn» a solder wire)
    (Intent.DEADLINE, re.compile(r"\b((?<!gia )(?<!day )han(?! (?:muc|ngach))|thoi han|han chot|khi nao|bao gio|luc nao"
                                 r"|ngay nao|thang (?:nao|may)|truoc ngay|cham nhat|deadline|thoi gian|"
                                 r"thoi diem|moc thoi gian|dinh ky)\b(?! che)")),
    # «mấy ngày», «mấy bộ» (folded «may»: only before a unit, not «máy» of «nhà máy»)
    (Intent.AMOUNT, re.compile(r"\b(bao nhieu|ty le|it nhat|toi thieu|toi da|so luong|bao lau)\b"
                               r"|\bmay (?:ngay|thang|nam|gio|tuan|phut|lan|nguoi|buoc|bo|ban|muc|loai)\b"
                               rf"|{WHICH_HOURS}")),
)
# How a code question asks, in words every customs notice holds: none says which goods are meant.
CODE_ASKING = re.compile(r"\b(?:xac dinh truoc|ap|nhap khau|xuat khau|hang hoa|ma so|ma hs|ma|la|nao|gi)\b")
# A question that points back: "còn tiêu chí thì sao?", "văn bản đó gửi về đâu?", "đợt này".
_REFERS_BACK = re.compile(r"^(con|the con|vay con|vay|con ve)\b|\bthi sao\b|\b(van ban|ke hoach|chi thi|cong van|"
                          r"quyet dinh|thong bao|huong dan|nghi quyet|cong dien|dot|phong trao|tai lieu|muc|"
                          r"phan|noi dung)\s+(nay|do|tren|vua roi|kia|ay)\b")
# Words that say what is asked (a date, a place, a list, a unit) but not about what: a question
# made only of these ("hạn?", "gửi hồ sơ về đâu?", "ai chủ trì?") cannot stand alone.
_ASKING_PHRASES = re.compile(r"\b(ho so|ket qua|bao cao|tieu chi|tieu chuan|dieu kien|hinh thuc|noi dung|"
                             r"nhiem vu|trach nhiem|thoi gian|thoi han|han chot|don vi|co quan|chu tri|"
                             r"phu trach|thuc hien|yeu cau|ty le|toi thieu|toi da|so luong|dinh ky|"
                             r"bao lau|bao nhieu|bao gio|the nao|ra sao|nhu the nao|noi nhan|dau moi|thong bao)\b")
_ASKING_WORDS = set("""la gi nao cua the nhu co khong khi ve dau o va cac nhung thi sao duoc cho toi minh ai
nay do voi trong theo can phai hay hoi xin vui long giup biet muon noi gom ra cai mot viec han chot ngay
thang nam luc truoc cham nhat deadline diem moc gui nop chuyen trinh nhan it con vay qua bao""".split())


@dataclass(frozen=True)
class Question:
    text: str
    intent: Intent
    refs: tuple[DocRef, ...] = field(default_factory=tuple)
    follow_up: bool = False


# «trong thời hạn bao lâu», «trong bao nhiêu ngày»: a span of time, however the question says «hạn».
_SPAN = re.compile(r"\bbao lau\b|\b(?:bao nhieu|may|toi da|toi thieu)\s+(?:ngay|thang|nam|gio|tuan|phut)\b")


def strip_refs(folded: str, refs: Sequence[DocRef]) -> str:
    """Folded text without the document references it names ("han cua ke hoach 0124" -> "han cua  ")."""
    for ref in refs:
        folded = folded.replace(ref.text, " ")
    return folded


def understand(text: str) -> Question:
    folded = fold(text)
    refs = tuple(find_refs(text))
    # a document's number says nothing of what is asked («công văn 20595/HAN-QLDN5» holds no «hạn»)
    asking = strip_refs(folded, refs)
    intent = next((i for i, pattern in _INTENTS if pattern.search(asking)), Intent.GENERAL)
    if intent is Intent.DEADLINE and _SPAN.search(asking):
        intent = Intent.AMOUNT
    follow_up = not refs and (bool(_REFERS_BACK.search(folded.strip())) or not own_topic(text))
    return Question(text=text, intent=intent, refs=refs, follow_up=follow_up)


def asked_act(text: str) -> str | None:
    """What the one a question asks for does, folded: «cơ quan nào quyết định …» -> "quyet dinh"."""
    found = _ASKED_ACT.search(fold(text))
    return (found.group("act") or found.group("passive")) if found else None


def own_topic(text: str) -> set[str]:
    """The question's words beyond what it asks for: "tiêu chí khen thưởng" -> {khen, thuong}."""
    rest = _ASKING_PHRASES.sub(" ", fold(text))
    return {s for s in syllables(rest) if s not in _ASKING_WORDS and not s.isdigit()}


# «Quy chế … của tỉnh X: …», «Kế hoạch … quy định …»: a question that opens with a document's
# kind and what it is about names that document by its title.
_KINDS = (r"ke hoach|quy che|dieu le|quy dinh|quy tac|ket luan|chi thi|quyet dinh|de an|chuong trinh|"
          r"huong dan|nghi quyet|thong bao|cong van|phuong an|thong tu|nghi dinh")
_NAMED_TITLE = re.compile(rf"^\W*(?:theo\s+)?(?:{_KINDS})\s+(?P<title>[^:?]+?)\s*"
                          r"(?::|\b(?:quy dinh|co hieu luc|giao|dat muc tieu)\b)")


def named_title(question: Question) -> str | None:
    """What the document the question opens with is about, as its title would say it
    («Quy tắc ứng xử của công chức hải quan …: …» -> "ung xu cua cong chuc hai quan …");
    None when the question does not open by naming a document."""
    text = fold(question.text)
    for ref in question.refs:
        text = text.replace(ref.text, " " * len(ref.text))
    # «Hà Nội, kế hoạch …: …» opens with its place: the document is named after it.
    unplaced = without_places(question.text)
    start = len(_OPENING.match(unplaced).group()) if len(unplaced) == len(text) else 0
    found = _NAMED_TITLE.match(_unmarked_title_ends(question.text, text)[start:])
    return text[start + found.start("title"):start + found.end("title")].strip() or None if found else None


# A question that asks in this many words after a colon describes its document before it.
DESCRIBED_ASKING_WORDS = 4


def described(question: Question) -> str:
    """What a question says of its document before the colon that opens a whole question («Quảng Trị,
    phân định thôn, xã …: UBND cấp xã gửi … trong bao lâu?»), but the words it asks with again."""
    head, colon, asked = question.text.rpartition(":")
    if not colon or len(asked.split()) < DESCRIBED_ASKING_WORDS:
        return ""
    again = set(syllables(fold(asked)))
    return " ".join(word for word in syllables(fold(head)) if word not in again)


_OPENING = re.compile(r"[\W_]*")
# «giáo dục» folds to the verb «giao», «đạt» to «đặt»: where the marks are typed, these words do
# not end a title (without marks the question cannot tell, and the verb is assumed).
_LOOK_ALIKES = re.compile(r"giáo|đạt", re.IGNORECASE)


def _unmarked_title_ends(original: str, folded: str) -> str:
    """`folded` with the look-alikes of title-ending verbs masked (NFC folds char for char)."""
    if len(original) != len(folded):
        return folded
    for match in _LOOK_ALIKES.finditer(original):
        folded = folded[:match.start()] + "#" * len(match.group()) + folded[match.end():]
    return folded
