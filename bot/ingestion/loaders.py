"""Read a knowledge file into plain NFC text, whatever its format or legacy encoding.

Every failure is a LoadError whose message is one Vietnamese line an official can act on.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterator

from bot.ingestion.document import LoadError
from bot.ingestion.parse_worker import ParseWorker

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + (".docx", ".pdf")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.05
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w:.-]+)", re.IGNORECASE)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "button", "select", "template", "svg")
_NOISE_ATTR = re.compile(r"menu|(?<![a-z])nav|breadcrumb|footer|share|social|comment|sidebar|banner"
                         r"|related|pager|pagination|advert|(?<![a-z])ads?(?![a-z])", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)"
                           r"\s*(?:!\s*important\s*)?(?:;|$)", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4",
               "h5", "h6", "blockquote", "pre", "br", "tr", "table", "dd", "dt", "dl", "hr",
               "center", "address", "figure", "figcaption"}


# A member this large must compress at most max_zip_ratio : 1; smaller ones may compress better
# (a short, repetitive styles.xml does) without being a threat.
_ZIP_RATIO_GRACE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class LoadLimits:
    """Bounds on what parsing a file may cost, beyond its size on disk (ingest.* in config)."""

    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: float = 100.0
    max_pdf_pages: int = 1000
    max_parse_seconds: float = 60.0


# Formats whose parsers cannot be interrupted run in a child process under the time bound.
_BOUNDED_SUFFIXES = {".docx", ".pdf"}
_WORKER = ParseWorker()


def load_text(path: Path, max_bytes: int, limits: LoadLimits | None = None) -> str:
    """The text of one knowledge file, NFC; raises LoadError with the reason."""
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise LoadError(f"định dạng không hỗ trợ ({suffix or 'không có phần mở rộng'})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"không đọc được tệp ({exc.strerror or exc})") from exc
    if size == 0:
        raise LoadError("tệp rỗng")
    if size > max_bytes:
        raise LoadError(f"tệp quá lớn ({_megabytes(size)} MB > {_megabytes(max_bytes)} MB)")
    limits = limits or LoadLimits()
    if suffix in _BOUNDED_SUFFIXES:
        text = _WORKER.parse(loader, path, limits, limits.max_parse_seconds)
    else:
        text = loader(path, limits)
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise LoadError("tệp không có nội dung chữ")
    return text


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    shown = f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return shown.replace(".", ",")


# --- plain text ------------------------------------------------------------------------------------

def _load_plain(path: Path, limits: LoadLimits) -> str:
    data = path.read_bytes()
    text = decode_bytes(data)
    if not text.strip():
        raise LoadError("tệp chỉ có khoảng trắng, không có nội dung")
    return text


def _load_markdown(path: Path, limits: LoadLimits) -> str:
    """Markdown as written, less the raw HTML a reader never sees (comments, hidden elements,
    scripts): it could carry instructions meant for a model rather than for people."""
    text = _load_plain(path, limits)
    if "<" not in text:
        return text
    finder = _HiddenMarkup(text)
    kept, at = [], 0
    for start, end in finder.spans():
        if start >= at:
            kept.append(text[at:start])
            at = end
    kept.append(text[at:])
    visible = "".join(kept)
    if not visible.strip():
        raise LoadError("tệp chỉ có nội dung ẩn, không có nội dung hiển thị")
    return visible


# Elements whose content a rendered page never shows, whatever their attributes.
_UNSEEN_TAGS = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg"}
_NOT_A_TAG = re.compile(r"<(?![A-Za-z][A-Za-z0-9-]*(?:\s|/?>)|/[A-Za-z][A-Za-z0-9-]*\s*>|!--)")
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
              "track", "wbr"}


class _HiddenMarkup(HTMLParser):
    """Character spans of raw HTML in a Markdown text that a reader does not see."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self._found: list[tuple[int, int]] = []
        self._open: tuple[str, int, int] | None = None  # hidden tag, its start, nesting depth

    def spans(self) -> list[tuple[int, int]]:
        # Only what CommonMark reads as raw HTML is markup: «a<b.» or «< 5%» stays text. The
        # stand-in character keeps every offset.
        self.feed(_NOT_A_TAG.sub("‹", self.text))
        self.close()
        if self._open is not None:  # never closed: hidden to the end, as a browser shows it
            self._found.append((self._open[1], len(self.text)))
        return sorted(self._found)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        if self._open is not None:
            if tag == self._open[0]:
                self._open = (tag, self._open[1], self._open[2] + 1)
            return
        if tag in _UNSEEN_TAGS or _hides(dict(attrs)):
            if tag in _VOID_TAGS:
                self._found.append((start, start + len(self.get_starttag_text() or "")))
            else:
                self._open = (tag, start, 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._open is None and (tag in _UNSEEN_TAGS or _hides(dict(attrs))):
            start = self._offset()
            self._found.append((start, start + len(self.get_starttag_text() or "")))

    def handle_endtag(self, tag: str) -> None:
        if self._open is None or tag != self._open[0]:
            return
        name, start, depth = self._open
        if depth > 1:
            self._open = (name, start, depth - 1)
            return
        end = self.text.find(">", self._offset())
        self._found.append((start, len(self.text) if end < 0 else end + 1))
        self._open = None

    def handle_comment(self, data: str) -> None:
        if self._open is None:
            start = self._offset()
            end = self.text.find("-->", start)
            self._found.append((start, len(self.text) if end < 0 else end + 3))


def _hides(attrs: dict[str, str | None]) -> bool:
    """The hidden attribute, aria-hidden="true" or an inline display:none / visibility:hidden."""
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM or NUL pattern), else Windows-1258; binary is refused."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:].decode("utf-8", errors="replace"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data.decode("utf-16", errors="replace"))
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(data.decode(utf16, errors="replace"))
    if b"\x00" in data:
        raise LoadError("tệp nhị phân, không phải văn bản")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Vietnamese legacy files are Windows-1258 (base letters + combining tone marks).
    return _checked(data.decode("cp1258", errors="replace"))


def _utf16_without_bom(data: bytes) -> str | None:
    """ASCII-heavy UTF-16 has a NUL in every other byte: odd positions for LE, even for BE."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _checked(text: str) -> str:
    """Refuse what decodes but is not text: NULs or many control characters."""
    if "\x00" in text:
        raise LoadError("tệp nhị phân, không phải văn bản")
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) / len(sample) > _MAX_CONTROL_RATIO:
        raise LoadError("tệp nhị phân, không phải văn bản")
    if sample and sample.count("\ufffd") / len(sample) > _MAX_CONTROL_RATIO:
        raise LoadError("không nhận ra bảng mã của tệp văn bản")
    return unicodedata.normalize("NFC", text)


# --- HTML -------------------------------------------------------------------------------------------

def _load_html(path: Path, limits: LoadLimits) -> str:
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise LoadError("tệp nhị phân, không phải văn bản")
    soup = BeautifulSoup(_decode_html(data), "lxml")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_hidden):  # unseen by a reader, so it may carry anything
        tag.decompose()
    for tag in soup.find_all(_is_noise_container):
        tag.decompose()
    root = soup.body or soup
    return "\n".join(line for line in _html_lines(root) if line)


def _decode_html(data: bytes) -> str:
    """The declared <meta charset> if Python knows it, else the plain-text rules."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name = declared.group(1).decode("ascii", errors="ignore")
        try:
            codecs.lookup(name)
            return unicodedata.normalize("NFC", data.decode(name, errors="replace"))
        except LookupError:
            pass
    return decode_bytes(data)


def _is_hidden(tag: object) -> bool:
    attrs = getattr(tag, "attrs", None)
    if not attrs or getattr(tag, "name", "") in {"html", "body"}:
        return False
    return _hides({name: str(value) for name, value in attrs.items()})


def _is_noise_container(tag: object) -> bool:
    attrs = getattr(tag, "attrs", None)
    if not attrs or getattr(tag, "name", "") in {"html", "body"}:
        return False
    values = " ".join([*attrs.get("class", []), str(attrs.get("id", "")), str(attrs.get("role", ""))])
    return bool(values.strip()) and bool(_NOISE_ATTR.search(values))


def _html_lines(node: object) -> Iterator[str]:
    """Block elements become lines; a table row becomes "cell | cell"."""
    from bs4 import NavigableString, Tag

    buffer: list[str] = []

    def flush() -> Iterator[str]:
        text = re.sub(r"\s+", " ", "".join(buffer)).strip()
        buffer.clear()
        if text:
            yield text

    for child in getattr(node, "children", []):
        if isinstance(child, NavigableString):
            if type(child).__name__ in {"Comment", "Doctype", "Declaration", "ProcessingInstruction"}:
                continue
            buffer.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "tr":
                yield from flush()
                cells = [re.sub(r"\s+", " ", c.get_text(" ")).strip()
                         for c in child.find_all(["td", "th"], recursive=False)]
                row = " | ".join(c for c in cells if c)
                if row:
                    yield row
            elif child.name in _BLOCK_TAGS:
                yield from flush()
                yield from _html_lines(child)
            else:
                buffer.append(child.get_text(" ") if child.find(_BLOCK_TAGS) is None
                              else "\n".join(_html_lines(child)))
    yield from flush()


# --- DOCX -------------------------------------------------------------------------------------------

def _load_docx(path: Path, limits: LoadLimits) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_zip(path, limits)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError("tệp DOCX hỏng hoặc không đúng định dạng") from exc
    except Exception as exc:  # lxml and zip errors vary by corruption
        raise LoadError("tệp DOCX hỏng hoặc không đúng định dạng") from exc
    return "\n".join(_docx_blocks(document))


def _check_zip(path: Path, limits: LoadLimits) -> None:
    """Refuse a zip bomb from its directory alone, before anything is decompressed.

    zipfile never inflates a member past the size its directory entry declares, so the declared
    sizes bound what python-docx can read into memory.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError("tệp DOCX hỏng hoặc không đúng định dạng") from exc
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise LoadError(f"tệp DOCX giải nén ra quá lớn ({_megabytes(total)} MB > "
                        f"{_megabytes(limits.max_unpacked_bytes)} MB), có thể là bom nén")
    for member in members:
        if member.file_size <= _ZIP_RATIO_GRACE_BYTES:
            continue
        if member.file_size > limits.max_zip_ratio * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise LoadError(f"tệp DOCX có tỉ lệ nén bất thường ({ratio:.0f}:1 > "
                            f"{limits.max_zip_ratio:g}:1), có thể là bom nén")


def _docx_blocks(document: object) -> Iterator[str]:
    """Paragraphs and table rows in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _docx_table_rows(block)


def _docx_table_rows(table: object) -> Iterator[str]:
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            text = re.sub(r"\s+", " ", cell.text).strip()
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            yield " | ".join(cells)


# --- PDF --------------------------------------------------------------------------------------------

def _load_pdf(path: Path, limits: LoadLimits) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged xref warnings are not news
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise LoadError("tệp PDF có mật khẩu, không đọc được") from exc
        count = len(reader.pages)
        if count > limits.max_pdf_pages:
            raise LoadError(f"tệp PDF quá nhiều trang ({count} > {limits.max_pdf_pages} trang)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise LoadError("tệp PDF hỏng hoặc không đọc được") from exc
    if not pages:
        raise LoadError("tệp PDF hỏng hoặc không đọc được")
    text = "\n\n".join(p.strip() for p in pages)
    if not text.strip():
        raise LoadError("PDF không có lớp chữ (ảnh quét?)")
    return text


_LOADERS: dict[str, Callable[[Path, LoadLimits], str]] = {
    ".txt": _load_plain, ".md": _load_markdown,
    ".html": _load_html, ".htm": _load_html,
    ".docx": _load_docx, ".pdf": _load_pdf,
}
