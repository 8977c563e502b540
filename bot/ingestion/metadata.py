"""Document facts (số hiệu, type, issuer, date, title, signer) from header, text and closing.

clean() splits a document into header lines, body paragraphs and closing lines; the functions
here read those parts. Every extractor returns None when unsure: a wrong số hiệu in a citation is
worse than none.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Iterable, Sequence

from bot.ingestion.document import DocumentMeta

# A số hiệu: "17/CT-BTTTT", "86/2025/QĐ-UBND", "11520/VPCP-CN", "45-CT/TW", "324/QTR-KTr2".
# Codes may carry lower-case letters ("QĐ-TTg", "TTr-SCT"); spaces occur only around "/".
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*"
DOC_NUMBER = re.compile(
    rf"(?<![\w/])\d{{1,6}}(?:\s?/\s?\d{{4}})?(?:\s?/\s?|-){_CODE}(?:(?:-|\s?/\s?){_CODE})*(?![\w/])")
_SO_LABEL = re.compile(r"\b(?:Luật\s+)?[Ss]ố\s*:?\s*")
_NUMBER_IN_TEXT = re.compile(
    r"\b(?P<type>Chỉ thị|Kế hoạch|Quyết định|Nghị quyết|Thông báo|Thông tư|Nghị định|Công điện"
    r"|Hướng dẫn|Công văn|Báo cáo|Chương trình|Kết luận)\s+(?:số\s+)?(?P<num>" + DOC_NUMBER.pattern + ")",
    re.IGNORECASE)

_VN_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*năm\s+(\d{4})", re.IGNORECASE)
_NUM_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
# A header's place-and-date line, placeholders allowed ("ngày    tháng    năm 2025").
PLACE_DATE = re.compile(r"ngày\s*[\d…\.\s]*tháng\s*[\d…\.\s]*năm\s*(?:\d{4}|20[…\.]*)", re.IGNORECASE)

DOC_TYPES = ("chỉ thị", "kế hoạch", "công văn", "quyết định", "nghị quyết", "thông báo",
             "thông tư", "nghị định", "công điện", "hướng dẫn", "báo cáo", "tờ trình", "luật",
             "pháp lệnh", "chương trình", "đề án", "kết luận", "quy chế", "quy định",
             "thông tư liên tịch", "giấy mời", "biên bản")
_TYPE_HEADING = re.compile(r"^(?:" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")$",
                           re.IGNORECASE)
# The type code inside a số hiệu; a number without one ("1234/UBND-VX") is a công văn.
TYPE_CODES = {
    "CT": "chỉ thị", "KH": "kế hoạch", "QĐ": "quyết định", "NQ": "nghị quyết",
    "TB": "thông báo", "TT": "thông tư", "NĐ": "nghị định", "CĐ": "công điện",
    "HD": "hướng dẫn", "BC": "báo cáo", "TTR": "tờ trình", "CTR": "chương trình",
    "ĐA": "đề án", "KL": "kết luận", "PL": "pháp lệnh", "TTLT": "thông tư liên tịch",
    "GM": "giấy mời", "BB": "biên bản", "QC": "quy chế",
}
_VV = re.compile(r"^\s*V/v\b\s*:?\s*(.*)$", re.IGNORECASE)

_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)|Độc\s+lập\s*-", re.IGNORECASE)
_CHILD_AGENCY = re.compile(
    r"^(?:CỤC|SỞ|VỤ|VĂN PHÒNG|TỔNG CỤC|TRUNG TÂM|CHI CỤC|THANH TRA|KHO BẠC|BAN(?! NHÂN)|"
    r"PHÒNG|THUẾ|BỘ CHỈ HUY|BỆNH VIỆN|TRƯỜNG|VIỆN)\b")
# A line ending in one of these was wrapped inside a name ("VĂN\nPHÒNG", "TỔNG\nCỤC").
_WRAP_PREFIXES = {"VÀ", "VĂN", "TỔNG", "CHI", "ỦY", "UỶ", "BỘ", "HỘI", "THỦ", "CỤC", "SỞ"}
_SMALL_WORDS = {"và", "của", "về", "các", "nhân", "dân", "ban", "hội", "đồng", "chính", "phủ",
                "văn", "phòng", "trung", "ương", "thường", "vụ", "quốc", "ủy", "uỷ", "tỉnh",
                "thành", "phố"}
_PLACE_MARKER = re.compile(r"\b(tỉnh|thành phố|xã|phường|huyện|quận|thị xã|đặc khu)\s+(.+)$")
_FIXED_NAMES = (("chính phủ", "Chính phủ"), ("quốc hội", "Quốc hội"), ("thành phố", "Thành phố"),
                ("trung ương", "Trung ương"), ("việt nam", "Việt Nam"),
                ("Công thương", "Công Thương"))

_SIGN_ROLE = re.compile(r"^(?:TM\.|KT\.|TL\.|TUQ\.|Q\.|PP\.|Thừa lệnh|Thừa ủy quyền)", re.IGNORECASE)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")


def normalize_doc_number(text: str) -> str:
    """Comparable form of a số hiệu: upper case (Đ stays Đ), no spaces."""
    return re.sub(r"\s+", "", text).upper()


def _tidy_number(text: str) -> str:
    return re.sub(r"\s+", "", text)


def number_from_header(header: str) -> str | None:
    """The số hiệu after "Số:" in the header; None for a blank placeholder ("Số: /QĐ-UBND")."""
    for label in _SO_LABEL.finditer(header):
        found = DOC_NUMBER.match(header, label.end())
        if found:
            return _tidy_number(found.group())
    return None


def number_from_text(text: str) -> str | None:
    """A số hiệu named with its type in running text, e.g. "ban hành Chỉ thị số 17/CT-BTTTT"."""
    found = _NUMBER_IN_TEXT.search(text)
    return _tidy_number(found.group("num")) if found else None


def type_code(doc_number: str) -> str | None:
    """The type code of a số hiệu ("QĐ" in "86/2025/QĐ-UBND"), or None if it has none."""
    parts = [p for p in re.split(r"[/-]", normalize_doc_number(doc_number)) if p and not p.isdigit()]
    if not parts:
        return None
    # "45-CT/TW" (party style) and "17/CT-BTTTT" both put the type code first among the letters.
    return parts[0] if parts[0] in TYPE_CODES else None


def type_from_number(doc_number: str | None) -> str | None:
    if not doc_number:
        return None
    code = type_code(doc_number)
    if code:
        return TYPE_CODES[code]
    # "1234/UBND-VX", "11520/VPCP-CN": only the issuing office's code, the mark of a công văn.
    return "công văn" if re.search(r"[A-ZĐ]", doc_number) else None


def type_from_heading(paragraphs: Iterable[str]) -> str | None:
    """The type named by a heading line such as "QUYẾT ĐỊNH" or "KẾ HOẠCH"."""
    for paragraph in paragraphs:
        candidate = paragraph.strip().rstrip(":").strip()
        if _TYPE_HEADING.match(candidate):
            return candidate.lower()
    return None


def parse_date(text: str) -> date | None:
    """The first real date in text: "ngày 19 tháng 11 năm 2025" or "19/11/2025"."""
    for pattern in (_VN_DATE, _NUM_DATE):
        for found in pattern.finditer(text):
            day, month, year = (int(g) for g in found.groups())
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


# A trích yếu broken after such a word goes on in the next paragraph («VỀ» / «VIỆC CÔNG BỐ …»).
_DANGLING = re.compile(r"(?:^|\s)(?:về|việc|và|của|cho|các|tại|trong|theo|với|đối|năm|giai đoạn)$", re.IGNORECASE)
# The line that follows a trích yếu in capitals: the authority that issues it («CHỦ TỊCH ỦY BAN
# NHÂN DÂN TỈNH», «THỦ TƯỚNG CHÍNH PHỦ», «CỤC TRƯỞNG CỤC HẢI QUAN»), never more of the title.
_AUTHORITY = re.compile(r"^(?:CHỦ TỊCH|THỦ TƯỚNG|BỘ\b|TRƯỞNG|CỤC TRƯỞNG|TỔNG|GIÁM ĐỐC|HỘI ĐỒNG|[UỦ]Y BAN|CHÍNH PHỦ|"
                        r"QUỐC HỘI|BAN\b|VĂN PHÒNG|CHÁNH|THƯỜNG TRỰC|NGÂN HÀNG|KIỂM TOÁN|THANH TRA)")


def _title_goes_on(title: str, follower: str) -> bool:
    """Whether the next paragraph still belongs to a trích yếu: it breaks off after «về», «của» …,
    or both are in capitals and the next is no issuing authority («… TỈNH NGHỆ» / «AN»)."""
    if _DANGLING.search(title):
        return True
    return title.isupper() and follower.isupper() and not _AUTHORITY.match(follower)


def title_after_heading(paragraphs: Sequence[str]) -> str | None:
    """The trích yếu: the paragraph after the type heading ("QUYẾT ĐỊNH" -> "Về việc ..."),
    with the next one when it breaks off after «về», «và», «của» ("VỀ" / "VIỆC CÔNG BỐ …")."""
    for i, paragraph in enumerate(paragraphs):
        if _TYPE_HEADING.match(paragraph.strip().rstrip(":").strip()) and i + 1 < len(paragraphs):
            parts: list[str] = []
            for follower in (p.strip() for p in paragraphs[i + 1:]):
                if not follower or follower.lower().startswith(("căn cứ", "kính gửi")):
                    break
                if parts and not _title_goes_on(parts[-1], follower):
                    break
                parts.append(follower)
            return " ".join(parts) or None
    return None


def _recase_agency(text: str) -> str:
    """"ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" -> "Ủy ban nhân dân tỉnh Lai Châu"."""
    lower = re.sub(r"\s+", " ", text).strip().lower()
    place = _PLACE_MARKER.search(lower)
    head, tail = (lower[:place.start(2)], place.group(2)) if place else (lower, "")
    words = head.split(" ")
    # After "bộ", "cục", ",", "và" comes a proper name's first word: "Bộ Khoa học và Công nghệ".
    out: list[str] = []
    for i, word in enumerate(words):
        prev = words[i - 1] if i else ""
        forced = i == 0 or prev in {"bộ", "cục", "sở", "vụ"}
        capital = forced or ((prev in {"và", "tổng"} or prev.endswith(",")) and word not in _SMALL_WORDS)
        out.append(word[:1].upper() + word[1:] if capital else word)
    head_text = " ".join(out)
    tail_text = " ".join(w[:1].upper() + w[1:] for w in tail.split(" ")) if tail else ""
    result = (head_text + tail_text).strip()
    for lower_name, proper in _FIXED_NAMES:
        result = re.sub(rf"(?<=\s){lower_name}\b", proper, result)
    return result


def issuer_from_header(agency_lines: Sequence[str]) -> str | None:
    """The issuing body from the header's left cell; a child unit ("CỤC THUẾ") wins over its parent,
    keeping a provincial committee's place ("UBND THÀNH PHỐ HÀ NỘI / SỞ Y TẾ" -> "Sở Y tế Thành phố
    Hà Nội"): a bare "Sở Y tế" would belong to every province in the store."""
    # The number may share the cell's line ("CHÍNH PHỦ Số: 170/2025/NĐ-CP").
    cut = (_NUMBER_LABEL.split(ln, maxsplit=1)[0].strip() for ln in agency_lines)
    lines = [ln for ln in cut if re.search(r"\w", ln)]
    if not lines:
        return None
    start = 0
    for i in range(1, len(lines)):
        previous_word = lines[i - 1].split()[-1] if lines[i - 1].split() else ""
        if _CHILD_AGENCY.match(lines[i]) and previous_word not in _WRAP_PREFIXES:
            start = i
    joined = " ".join(lines[start:])
    capitals = any(a.isupper() and b.isupper() for a, b in zip(joined, joined[1:]))  # «BỘ Y TẾ» too
    if not capitals or len(joined) > 120:
        return None
    return _recase_agency(joined + _parent_place(lines[:start], joined))


_PROVINCE_COMMITTEE = re.compile(r"^(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(?P<place>(?:TỈNH|THÀNH PHỐ)\s+\S.*)$")


def _parent_place(parent: Sequence[str], child: str) -> str:
    """The parent's place, with a space before it (" THÀNH PHỐ HÀ NỘI"), when the parent is a
    provincial committee and the child names no place of its own; else ""."""
    found = _PROVINCE_COMMITTEE.match(" ".join(" ".join(parent).split()))
    if not found or _PLACE_MARKER.search(child.lower()):
        return ""
    return " " + found.group("place")


_ISSUER_IN_TEXT = re.compile(
    r"\b(Bộ\s+(?:[A-ZĐÀ-Ỹ][\wà-ỹđ]*(?:\s+(?:và|,)?\s*[\wà-ỹđ]+){0,6}?)"
    r"|Ủy ban nhân dân\s+(?:tỉnh|thành phố|Thành phố)\s+[A-ZĐÀ-Ỹ][\wà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][\wà-ỹđ]*){0,3}"
    r"|Thủ tướng Chính phủ|Chính phủ|Văn phòng Chính phủ)\s+(?:vừa\s+|đã\s+)?(?:ban hành|có|ký)")


def issuer_from_text(text: str) -> str | None:
    """"Bộ Thông tin và Truyền thông vừa ban hành ..." -> "Bộ Thông tin và Truyền thông"."""
    found = _ISSUER_IN_TEXT.search(text)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else None


def signer_from_closing(lines: Sequence[str]) -> str | None:
    """The person's name at the foot of the signature block."""
    for line in reversed(lines):
        text = line.strip().strip("()").strip()
        if text.lower().startswith("đã ký"):
            text = text[5:].strip(" )")
        if _NAME.match(text) and len(text) <= 40:
            return text
    return None


def recipients_from_closing(lines: Sequence[str]) -> tuple[str, ...]:
    """The "Nơi nhận:" list items, without their dashes and trailing punctuation."""
    items: list[str] = []
    started = False
    for line in lines:
        text = line.strip(" |")
        if re.match(r"^Nơi nhận\s*:", text, re.IGNORECASE):
            started = True
            text = text.split(":", 1)[1].strip()
            if not text:
                continue
        if not started:
            continue
        if _SIGN_ROLE.match(text) or (text[:1] not in "-+•" and text.isupper() and len(text) > 3):
            break
        # Inline lists ("- Chính phủ; - Bộ Tài chính;") split on the dashes.
        for piece in re.split(r"(?:^|\s)[-+•]\s+", text):
            piece = piece.strip().rstrip(";.,").strip()
            if piece:
                items.append(piece)
    return tuple(items)


def is_type_heading(text: str) -> bool:
    return bool(_TYPE_HEADING.match(text.strip().rstrip(":").strip()))


def has_motto(text: str) -> bool:
    return bool(_MOTTO.search(text))


# The motto block's own shape: the state's name in capitals (possibly wrapped after any word),
# "Độc lập - Tự do - Hạnh phúc", and at most the place and date beside them in the same cell.
_MOTTO_CELL = re.compile(
    r"^(?P<name>CỘNG\s+H(?:ÒA|OÀ)(?:\s+XÃ(?:\s+HỘI(?:\s+CHỦ(?:\s+NGHĨA(?:\s+VIỆT(?:\s+NAM)?)?)?)?)?)?)?"
    r"\s*(?P<motto>Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc)?\s*(?P<rest>.*)$")
_RULE = re.compile(r"[-–_=*.]{3,}")
_NUMBER_LABEL = re.compile(r"\bSố\s*:")
MOTTO_DATE_CHARS = 60


def is_motto_line(text: str) -> bool:
    """The header's national motto line, alone or as a table row beside the agency's cell; never a
    sentence that names the Republic ("Quốc kỳ nước Cộng hòa xã hội chủ nghĩa Việt Nam …")."""
    cells = [_RULE.sub(" ", cell).strip() for cell in text.split("|")]
    cells = [cell for cell in cells if cell]
    if not cells or len(cells) > 2:
        return False
    return (any(_is_motto_cell(cell) for cell in cells)
            and all(_is_motto_cell(cell) or _is_agency_cell(cell) for cell in cells))


def _is_agency_cell(cell: str) -> bool:
    """Beside the motto cell: the agency in capitals, perhaps followed by its "Số: ..." line."""
    agency = _NUMBER_LABEL.split(cell, maxsplit=1)[0]
    return agency.upper() == agency


def _is_motto_cell(cell: str) -> bool:
    found = _MOTTO_CELL.match(cell)
    if not found or not (found.group("name") or found.group("motto")):
        return False
    rest = found.group("rest")
    return not rest or (len(rest) <= MOTTO_DATE_CHARS and bool(PLACE_DATE.search(rest)))


def build_meta(*, header_lines: Sequence[str], agency_lines: Sequence[str],
               lead: Sequence[str], lead_raw: str, closing: Sequence[str],
               portal: dict[str, str]) -> DocumentMeta:
    """Combine the evidence; the official header wins, then the text, then the portal's table."""
    header_text = "\n".join(header_lines)
    lead_text = "\n".join(lead)
    number = number_from_header(header_text) if header_text else None
    if not number and not header_text:
        number = number_from_text(lead_text[:1500])
    number = number or _portal_number(portal)

    vv_title = vv_from_lines([*header_lines, *lead[:2]])
    doc_type = type_from_heading(lead[:8]) or ("công văn" if vv_title else None)
    doc_type = doc_type or type_from_number(number)
    if not doc_type and not header_text:
        found = _NUMBER_IN_TEXT.search(lead_text[:1500])
        doc_type = found.group("type").lower() if found else None
    doc_type = doc_type or _portal_type(portal)

    issuer = issuer_from_header(agency_lines) or issuer_from_text(lead_text[:1500])
    issuer = issuer or portal.get("Nơi ban hành")
    issued = parse_date(header_text) if header_text else parse_date(lead_raw)
    issued = issued or parse_date(portal.get("Ngày ban hành", ""))
    title = vv_title or title_after_heading(list(lead[:8]))
    return DocumentMeta(
        doc_number=number, doc_type=doc_type, issuer=issuer, issued_date=issued, title=title,
        signer=signer_from_closing(closing) or portal.get("Người ký"),
        recipients=recipients_from_closing(closing))


def vv_from_lines(lines: Sequence[str]) -> str | None:
    """The "V/v ..." subject of a công văn, continued over wrapped lines up to the date line."""
    for i, line in enumerate(lines):
        found = _VV.match(line)
        if not found:
            continue
        parts = [found.group(1).strip()]
        for follower in lines[i + 1:i + 4]:
            text = follower.strip()
            if not text or "|" in text or PLACE_DATE.search(text) or re.search(r",\s*ngày\b", text):
                break
            if text.lower().startswith(("kính gửi", "số")):
                break
            parts.append(text)
        return re.sub(r"\s+", " ", " ".join(parts)).strip() or None
    return None


def _portal_number(portal: dict[str, str]) -> str | None:
    value = portal.get("Số hiệu", "")
    found = DOC_NUMBER.search(value)
    return _tidy_number(found.group()) if found else None


def _portal_type(portal: dict[str, str]) -> str | None:
    value = portal.get("Loại văn bản", "").strip().lower()
    return value if value in DOC_TYPES else None
