"""Turn loaded text (scraped markdown, portal pages, plain files) into a searchable body + metadata.

Order matters: portal banners go first (they contain their own "Số hiệu" tables), then the
official header and the closing ("Nơi nhận:", signature) are set aside as metadata, then what
remains is re-flowed: hard-wrapped lines joined into paragraphs, markdown tables into
"cell | cell" rows, portal noise dropped.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from bot.ingestion import metadata as md
from bot.ingestion.document import CleanDocument

# --- line level --------------------------------------------------------------------------------
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")
_EMPHASIS = re.compile(r"(?<!\()\*+(?!\))|__+")
_HEADING_HASHES = re.compile(r"^\s*#{1,6}(?:\s+|$)")
_ONLY_PUNCT = re.compile(r"^[\W_]*$")
_DASH_RULE = re.compile(r"-{3,}")
_TABLE_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")

# Portal noise, one pattern per kind; matched against a whole line after markdown is stripped.
# Tails are bounded: a sentence that merely starts like a banner ("Bản quyền tác giả là …") is text.
_NOISE = re.compile("|".join([
    r"Lượt xem\s*:?\s*[\d.,]*",
    r"Lượt (?:thích|đọc|truy cập)\s*:?\s*[\d.,]*",
    r"Trang\s+\d+\s*/\s*\d+.{0,20}",
    r"Tin (?:đã đưa|liên quan|khác|mới|cùng chuyên mục)\s*:?",
    r"(?:In|Gửi) bài(?: viết)?|In trang|Bản in|Gửi email|Chia sẻ(?: bài viết)?\s*:?.{0,40}",
    r"Xem theo ngày\s*:?.{0,30}",
    r"(?:Quay lại|Về đầu trang|Đầu trang|Trở về|Xem thêm|Tải về|Tải xuống)\s*:?",
    r"(?:Thứ\s+(?:\d|hai|ba|tư|năm|sáu|bảy)|Chủ nhật)\s*,?\s*(?:ngày\s+)?\d{1,2}/\d{1,2}/\d{4}.{0,40}",
    r"\d{1,2}/\d{1,2}/\d{4}\s*(?:\||-)?\s*\d{1,2}:\d{2}.{0,30}",
    r"(?:Copyright|©).{0,150}|Bản quyền\s+(?:thuộc|©|\d{4}).{0,150}",
    r"(?:Trang chủ|Home)\s*(?:[>»/|›].*)?",
    r"Quý khách cần hỏi thêm thông tin.*",
]), re.IGNORECASE)
_BREADCRUMB = re.compile(r"^[^.;:]{1,40}(?:\s*[>»›]\s*[^.;:>»›]{1,40}){2,}$")
_STRAY_FRAGMENT = re.compile(r"^[a-zà-ỹđ]{1,5}$")

# --- paragraph structure -------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[.:;!?](?:\s*[”\"'’)\]]*)$")
_UPPER_START = r"[\"“(‘'0-9A-ZĐÀ-Ỹ]"
_NEW_ITEM = re.compile(
    r"^(?:[IVXLC]+\.\s|Điều\s+\d+[a-zđ]?\s*[.:]|Chương\s+[IVXLC\d]+\b|Mục\s+\d+\b|Phần\s+(?:thứ|[IVXLC\d])"
    r"|Khoản\s+\d+\.|\d+(?:\.\d+)*[.)]\s*" + _UPPER_START + r"|[a-zđ]\)\s*" + _UPPER_START
    + r"|[-+•–]\s*" + _UPPER_START + r")")
_LETTERS = re.compile(r"[^\W\d_]")

# --- portal (thuvienphapluat.vn) -----------------------------------------------------------------
_PORTAL_PREAMBLE_END = re.compile(r"^Đang tải văn bản")
_PORTAL_FIELD = re.compile(r"^(Số hiệu|Loại văn bản|Nơi ban hành|Người ký|Ngày ban hành|Ngày hiệu lực"
                           r"|Ngày công báo|Số công báo|Ngày hợp nhất|Tình trạng)\s*:\s*(.*)$")
_PORTAL_TRAILER = re.compile(
    r"^(?:Văn bản này chưa cập nhật nội dung Tiếng Anh|Văn bản liên quan$|NỘI DUNG SỬA ĐỔI, HƯỚNG DẪN$"
    r"|FILE ĐƯỢC ĐÍNH KÈM THEO VĂN BẢN|Hãy đăng nhập hoặc đăng ký Thành viên)")
_PORTAL_CAPTION = re.compile(r"^[A-ZĐ]\w*(?:\s\w+){0,3}\s(?:No\.\s)?\d\S*\s(?:năm|ngày|dated)\s")
_ENGLISH_PAYWALL = re.compile(r"\.\.\.\s*\.\.\.\s*\.\.\.\s*Hãy đăng nhập.*$")

# --- closing ---------------------------------------------------------------------------------------
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:", re.IGNORECASE)
_SIGN_ROLE = re.compile(r"^(?:TM\.|KT\.|TL\.|TUQ\.|Q\.|PP\.|T/M|K/T|THỪA LỆNH|THỪA ỦY QUYỀN)", re.IGNORECASE)
_SIGNED_NOTE = re.compile(r"^\(?\s*(?:đã ký|ký tên|ký, đóng dấu|ký và đóng dấu|ký số)[^)]*\)?\s*",
                          re.IGNORECASE)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
_ROW_MARK = "\x00row"
_NUMBER_LINE = re.compile(r"^Số\s*:\s*\S*\d")
PLACE_DATE_CHARS = 80  # a header's place-and-date cell is short; a sentence citing a date is not


@dataclass
class _Parts:
    header: list[str]
    agency: list[str]
    body: list[tuple[str, str]]  # (raw line, text line)
    closing: list[str]


def clean(raw: str) -> CleanDocument:
    """Searchable body (NFC, one paragraph per line) and the metadata set aside from it."""
    raws = normalize_text(raw).split("\n")
    raws, portal = strip_portal(raws)
    pairs = [(r, strip_markup(r)) for r in raws]
    parts = _split_parts(pairs)
    lead_raw = "\n".join(t for _, t in parts.body[:12] if t)
    body_pairs = [(r, "" if is_noise(t) else t) for r, t in parts.body]
    body_pairs = _drop_leading_fragment(_drop_repeats(body_pairs))
    paragraphs = _tidy(_assemble(body_pairs))
    if not parts.header:
        paragraphs = _drop_byline(paragraphs)
    meta = md.build_meta(header_lines=parts.header, agency_lines=parts.agency,
                         lead=paragraphs[:10], lead_raw=lead_raw, closing=parts.closing,
                         portal=portal)
    if meta.title is None and not parts.header and paragraphs and _looks_like_title(paragraphs[0]):
        meta = replace(meta, title=paragraphs[0])
    return CleanDocument(body="\n".join(paragraphs), meta=meta)


def clean_keeping_text(raw: str) -> tuple[CleanDocument, bool]:
    """clean(), except that a text it would empty entirely keeps its own lines: a whole file
    vanishing is a cleaning bug unless every line is noise. The flag says the text was kept."""
    document = clean(raw)
    if document.body.strip():
        return document, False
    kept = [text for text in (strip_markup(line) for line in normalize_text(raw).split("\n"))
            if text and not is_noise(text) and not _ONLY_PUNCT.match(text)]
    if not kept:
        return document, False
    return replace(document, body="\n".join(kept)), True


def normalize_text(text: str) -> str:
    """NFC, Unix line ends, ordinary spaces, no zero-width characters."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).rstrip() for line in text.split("\n"))


def strip_markup(line: str) -> str:
    """Markdown emphasis and heading marks off; table pipes stay for the table pass."""
    text = _HEADING_HASHES.sub("", line)
    text = _EMPHASIS.sub("", text)
    return _SPACES.sub(" ", text).strip()


# --- portal banners ------------------------------------------------------------------------------

def strip_portal(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Cut a legal portal's preamble and trailer; keep its fact table as a metadata fallback."""
    portal: dict[str, str] = {}
    start = _portal_preamble_end(lines)
    if start:
        start, portal = _read_portal_fields(lines, start)
    end = len(lines)
    for i in range(start, len(lines)):
        text = strip_markup(lines[i])
        if _PORTAL_TRAILER.match(text):
            end = i
            break
        if _ENGLISH_PAYWALL.search(text):
            end = i
            break
    end = _drop_portal_caption(lines, start, end)
    return lines[start:end], portal


def _portal_preamble_end(lines: list[str]) -> int:
    head = "\n".join(lines[:20])
    if "THƯ VIỆN PHÁP LUẬT" not in head.upper() and "thuvienphapluat" not in head.lower():
        return 0
    for i, line in enumerate(lines[:80]):
        if _PORTAL_PREAMBLE_END.match(strip_markup(line)):
            return i + 1
    return 0


def _read_portal_fields(lines: list[str], start: int) -> tuple[int, dict[str, str]]:
    """Read "Số hiệu: | 471/QĐ-UBND | ..." pairs; return the line after "Tình trạng"'s value."""
    fields: dict[str, str] = {}
    key: str | None = None
    i = start
    for i in range(start, min(len(lines), start + 80)):
        text = strip_markup(lines[i])
        if not text or text in {"|", "#"}:
            continue
        found = _PORTAL_FIELD.match(text)
        if found:
            key = found.group(1)
            if found.group(2).strip():
                fields[key] = found.group(2).strip()
                key = None
            continue
        if key is None:
            if "Tình trạng" in fields:
                return i, fields
            if not fields:  # a caption line ("Thông tư 45/2025/TT-BYT ...") may precede the table
                continue
            break
        fields[key] = text
        key = None
    return (i if fields else start), fields


def _drop_portal_caption(lines: list[str], start: int, end: int) -> int:
    """The portal repeats the document's name ("Công văn 5348/CT-CS năm 2025 ...") before its trailer."""
    if end == len(lines):
        return end
    i = end - 1
    while i > start and strip_markup(lines[i]) in {"", "|"}:
        i -= 1
    return i if i > start and _PORTAL_CAPTION.match(strip_markup(lines[i])) else end


# --- header and closing --------------------------------------------------------------------------

def _split_parts(pairs: list[tuple[str, str]]) -> _Parts:
    header_end, motto, agency = _find_header(pairs)
    header = [t for _, t in pairs[:header_end]] if header_end else []
    rest = pairs[header_end:]
    start, stop = _find_closing([t for _, t in rest])
    closing = [t for _, t in rest[start:stop]]
    body = rest[:start] + rest[stop:] if stop > start else rest
    return _Parts(header=header, agency=agency, body=body, closing=closing)


def _find_header(pairs: list[tuple[str, str]]) -> tuple[int, int, list[str]]:
    """(index after the header block, index of the motto line, agency lines); (0, -1, []) if none."""
    content = [i for i, (_, t) in enumerate(pairs[:60]) if t and t != "|"]
    motto = next((i for i in content[:15] if md.is_motto_line(pairs[i][1])), -1)
    # A plain-text header may leave out the national motto: agency lines, then "Số: ...".
    anchor = motto if motto >= 0 else next(
        (i for i in content[:8] if _NUMBER_LINE.match(pairs[i][1])), -1)
    if anchor < 0:
        return 0, -1, []
    agency = _agency_lines(pairs, anchor)
    end = anchor + 1
    for i in range(anchor, min(len(pairs), anchor + 25)):
        text = pairs[i][1]
        if i > anchor and md.is_type_heading(text):
            break
        if re.search(r"\bsố\s*:", text, re.IGNORECASE):
            end = max(end, i + 1)
            if text.rstrip(" |").endswith(":") and i + 1 < len(pairs):
                end = max(end, i + 2)
        if _is_place_date(pairs[i - 1][1] if i else "", text) and (i > anchor or motto < 0):
            end = i + 1
            break
    return _extend_with_subject(pairs, end), motto, agency


def _is_place_date(prev: str, text: str) -> bool:
    """The header's place-and-date cell ("Nghệ An, ngày 19 tháng 11 năm 2025", perhaps wrapped
    after "ngày 19"), not a sentence citing a date ("Căn cứ Nghị định … ngày 26 tháng 02 năm 2025 …")."""
    if any(len(cell.strip()) <= PLACE_DATE_CHARS and md.PLACE_DATE.search(cell) for cell in text.split("|")):
        return True
    prev, text = prev.split("|")[-1].strip(), text.split("|")[0].strip()
    return len(prev) + len(text) < PLACE_DATE_CHARS and bool(md.PLACE_DATE.search(f"{prev} {text}"))


def _agency_lines(pairs: list[tuple[str, str]], motto: int) -> list[str]:
    lines: list[str] = []
    for _, text in pairs[:motto + 1]:
        if text.startswith("CỘNG") or re.match(r"^(?:Luật\s+)?Số\b", text):  # motto or number
            break
        if "|" in text.strip("| "):  # "CHÍNH PHỦ------- | CỘNG HÒA ...": the left cell
            text = text.strip("| ").split("|")[0]
        elif md.has_motto(text):
            break
        text = _DASH_RULE.sub("", text).strip(" |")
        if text and not md.has_motto(text):
            lines.append(text)
    return lines


def _extend_with_subject(pairs: list[tuple[str, str]], end: int) -> int:
    """A công văn's "V/v ..." cell may follow the date cell; it belongs to the header."""
    i = end
    while i < len(pairs) and pairs[i][1] in {"", "|"}:
        i += 1
    if i < len(pairs) and pairs[i][1].lower().startswith("v/v"):
        j = i + 1
        while j < len(pairs) and pairs[j][1] not in {"", "|"} and not _SENTENCE_END.search(pairs[j - 1][1]):
            j += 1
        return j
    return end


def _find_closing(texts: list[str]) -> tuple[int, int]:
    """[start, stop) of the "Nơi nhận" list and signature block, or (0, 0)."""
    here = next((i for i, t in enumerate(texts) if is_recipients_heading(t)), -1)
    if here < 0:
        return _trailing_signature(texts)
    start = _signature_before(texts, here)
    stop = _skip_recipients(texts, here + 1)
    stop = _skip_signature(texts, stop)
    return start, stop


def is_recipients_heading(text: str) -> bool:
    """The "Nơi nhận:" line that opens the closing's list of recipients."""
    return bool(_RECIPIENTS.match(text.strip("| ")))


def is_signature_role(text: str) -> bool:
    """A signature block's role line: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "THỪA LỆNH" ..."""
    return bool(_SIGN_ROLE.match(text.strip("| ")))


def _skip_recipients(texts: list[str], i: int) -> int:
    while i < len(texts):
        text = texts[i].strip("| ")
        if texts[i].strip() == "|" or (text and text[0] not in "-+•–" and texts[i - 1].strip().endswith((";", "."))):
            break
        if text and (_SIGN_ROLE.match(text) or (text[0] not in "-+•–" and _is_caps(text))):
            break
        i += 1
    return i


def _is_signature_line(text: str) -> bool:
    return bool(_SIGN_ROLE.match(text) or _SIGNED_NOTE.match(text) or _is_caps(text))


def _is_name(text: str) -> bool:
    text = _SIGNED_NOTE.sub("", text).strip()
    return bool(_NAME.match(text)) and len(text) <= 40


def _skip_signature(texts: list[str], i: int) -> int:
    """Past the signature block that starts at or after i (pipes and blanks skipped)."""
    j = i
    while j < len(texts) and texts[j].strip(" |") == "":
        j += 1
    seen_role = False
    for k in range(j, min(len(texts), j + 10)):
        text = texts[k].strip(" |")
        if not text:
            if seen_role:
                continue
            return i
        if _is_name(text) and seen_role:
            return k + 1
        if _is_signature_line(text):
            seen_role = True
            continue
        return k if seen_role else i
    return i


def _signature_before(texts: list[str], here: int) -> int:
    """A signature cell placed before "Nơi nhận" (name last) belongs to the closing too."""
    k = here - 1
    while k >= 0 and texts[k].strip(" |") == "":
        k -= 1
    if k < 0 or not _is_name(texts[k].strip(" |")):
        return here
    start = k
    for j in range(k - 1, max(-1, k - 8), -1):
        text = texts[j].strip(" |")
        if not text or not _is_signature_line(text):
            break
        start = j
    return start if start < k else here


def _trailing_signature(texts: list[str]) -> tuple[int, int]:
    """No "Nơi nhận": a signature block ("TM. ...", title, name) among the last lines."""
    tail = max(0, len(texts) - 12)
    for i in range(len(texts) - 1, tail - 1, -1):
        text = texts[i].strip(" |")
        if _SIGN_ROLE.match(text):
            stop = _skip_signature(texts, i)
            if stop > i:
                return i, stop
    return 0, 0


# --- body ---------------------------------------------------------------------------------------

def _is_caps(text: str) -> bool:
    letters = _LETTERS.findall(text)
    return len(letters) >= 3 and text.upper() == text


def is_noise(text: str) -> bool:
    if not text or text == "|":
        return False
    cell = text.strip("| ")
    return bool(_NOISE.fullmatch(cell) or _BREADCRUMB.match(cell)
                or (cell and _ONLY_PUNCT.match(cell) and cell not in {"-", "+"}))


def _drop_repeats(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A title printed twice in a row (portal heading + article heading) keeps one copy."""
    out: list[tuple[str, str]] = []
    last = None
    for raw, text in pairs:
        if text and text == last and text != "|":
            continue
        out.append((raw, text))
        if text:
            last = text
    return out


def _drop_leading_fragment(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A scrape cut mid-word leaves a lower-case stub ("uct") before the first real line."""
    for i, (_, text) in enumerate(pairs):
        if not text:
            continue
        if _STRAY_FRAGMENT.match(text):
            return pairs[:i] + [("", "")] + pairs[i + 1:]
        return pairs
    return pairs


def _assemble(pairs: list[tuple[str, str]]) -> list[str]:
    """Paragraphs and table rows from the body lines."""
    pairs = [_inline_row(r, t) for r, t in pairs]
    out: list[str] = []
    row: list[str] = []
    segment: list[tuple[str, str]] = []
    pipes = 0
    bounded = False  # the current segment follows a pipe line

    def close_segment(after_pipes: int) -> None:
        nonlocal bounded
        paragraphs = _unwrap(segment)
        if bounded and after_pipes and len(paragraphs) == 1:
            row.append(paragraphs[0])
        else:
            _flush_row(row, out)
            out.extend(paragraphs)
        segment.clear()

    for raw, text in pairs:
        if text == "|":
            pipes += 1
            continue
        if pipes:
            close_segment(pipes)
            if pipes >= 2:
                _flush_row(row, out)
            bounded, pipes = True, 0
        segment.append((raw, text))
    close_segment(pipes)
    _flush_row(row, out)
    return out


def _inline_row(raw: str, text: str) -> tuple[str, str]:
    """"| a | b |" or "a | b |" as one row; "|---|---|" rows disappear."""
    if "|" not in text or text == "|":
        return raw, text
    cells = [c.strip() for c in text.strip().strip("|").split("|")]
    if cells and all(_TABLE_SEPARATOR_CELL.match(c) or not c for c in cells) and text.count("|") > 1:
        return raw, ""
    cells = [_DASH_RULE.sub("", c).strip() for c in cells]
    cells = [c for c in cells if c and not _TABLE_SEPARATOR_CELL.match(c)]
    return _ROW_MARK, " | ".join(cells)


def _flush_row(row: list[str], out: list[str]) -> None:
    cells = [c for c in row if not _ONLY_PUNCT.match(c)]
    if cells:
        out.append(" | ".join(cells))
    row.clear()


def _unwrap(lines: list[tuple[str, str]]) -> list[str]:
    """Join hard-wrapped lines; a paragraph ends at a blank line, a sentence end or a new item."""
    paragraphs: list[str] = []
    current: list[str] = []
    prev_raw, prev_text = "", ""
    for raw, text in lines:
        if not text:
            _flush(current, paragraphs)
            prev_raw, prev_text = "", ""
            continue
        if current and _starts_paragraph(prev_raw, prev_text, raw, text):
            _flush(current, paragraphs)
        current.append(text)
        prev_raw, prev_text = raw, text
    _flush(current, paragraphs)
    return paragraphs


def _flush(current: list[str], paragraphs: list[str]) -> None:
    if current:
        paragraphs.append(" ".join(current))
        current.clear()


def _starts_paragraph(prev_raw: str, prev: str, raw: str, text: str) -> bool:
    if _ROW_MARK in (prev_raw, raw):
        return True
    if _SENTENCE_END.search(prev):
        return True
    if text[:1].islower() and not _NEW_ITEM.match(text):
        return False  # a sentence going on, even where emphasis marks open or close the line
    if prev_raw.rstrip().endswith("*"):
        return True
    if raw.lstrip().startswith(("*", "#")) and not raw.lstrip().startswith("* "):
        return True
    if _NEW_ITEM.match(text) or md.is_type_heading(prev) or md.is_type_heading(text):
        return True
    return _is_caps(prev) != _is_caps(text)


def _tidy(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        text = _SPACES.sub(" ", paragraph).strip()
        text = re.sub(r"\s+([,.;:])(?=\s|$)", r"\1", text)
        if not text or _ONLY_PUNCT.match(text) or is_noise(text):
            continue
        if out and out[-1] == text:
            continue
        out.append(text)
    return out


def _drop_byline(paragraphs: list[str]) -> list[str]:
    """An article's last line is often just the reporter's name ("Thúy Hằng")."""
    if len(paragraphs) > 1 and _is_name(paragraphs[-1]) and len(paragraphs[-1].split()) <= 4:
        return paragraphs[:-1]
    return paragraphs


def _looks_like_title(text: str) -> bool:
    return len(text) <= 200 and not _SENTENCE_END.search(text)
