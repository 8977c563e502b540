"""Reading the secretariat's list of units: a CSV from Excel or a YAML file, with line numbers.

CSV: a header `code,name` (or `ma,ten` / `mã,tên`, `mã đơn vị,tên đơn vị`) and optional `kind`
(`loai`: so, ubnd_xa, nganh, khac) and `aliases` (`ten khac`, names separated by «;»), comma, semicolon or
tab separated, UTF-8 with or without BOM, else Windows-1258 or Windows-1252 (what Excel on a
Vietnamese Windows saves). YAML: a list of {code, name} or a mapping code: name. Good rows are
returned even when others are bad, each bad one named by its line.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.db.people import UNIT_KINDS, UnitSpec, normalise_code
from bot.retrieval.vietnamese import fold, nfc

ENCODINGS = ("utf-8-sig", "cp1258", "cp1252")
YAML_SUFFIXES = (".yaml", ".yml")
CODE_KEYS = {"code", "ma", "ma don vi", "ma dv"}
NAME_KEYS = {"name", "ten", "ten don vi", "ten dv"}
KIND_KEYS = {"kind", "loai", "loai don vi"}
ALIAS_KEYS = {"aliases", "alias", "ten khac", "ten goi khac", "viet tat"}
MAX_CODE = 32  # the width of units.code
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]*$")


class UnitsFileError(Exception):
    """The file as a whole cannot be read (no header, not CSV/YAML, unknown encoding)."""


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    kind: str | None = None                 # None: the file has no kind for it
    aliases: tuple[str, ...] | None = None  # None: the file has no aliases column


@dataclass
class UnitsFile:
    rows: list[UnitRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)

    def specs(self) -> list[UnitSpec]:
        return [UnitSpec(r.code, r.name, r.kind, r.aliases) for r in self.rows]


def read_units_file(path: Path) -> UnitsFile:
    """The units in a .csv, .yaml or .yml file."""
    return parse_units_file(path.name, path.read_bytes())


def parse_units_file(name: str, data: bytes) -> UnitsFile:
    """The units in the bytes of a file by that name (YAML for .yaml/.yml, else CSV)."""
    text = decode(data)
    if Path(name).suffix.lower() in YAML_SUFFIXES:
        return parse_yaml(text)
    return parse_csv(text)


def decode(data: bytes) -> str:
    """Text of a file saved by whatever the secretariat uses, in NFC."""
    for encoding in ENCODINGS:
        try:
            return nfc(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise UnitsFileError("không đọc được bảng mã của tệp (hãy lưu dạng CSV UTF-8)")


def parse_csv(text: str) -> UnitsFile:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise UnitsFileError("tệp trống")
    header_line = lines[first]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header: list[str] | None = None
    result, seen = UnitsFile(), {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [" ".join(fold(cell).split()) for cell in row]
            code_at = _column(header, CODE_KEYS)
            name_at = _column(header, NAME_KEYS)
            kind_at, alias_at = _column(header, KIND_KEYS), _column(header, ALIAS_KEYS)
            if code_at is None or name_at is None:
                raise UnitsFileError(f"dòng {line}: thiếu tiêu đề cột «code,name» (hoặc «mã,tên»)")
            continue
        _add(result, seen, line, _cell(row, code_at), _cell(row, name_at),
             _cell(row, kind_at) if kind_at is not None else None,
             _cell(row, alias_at) if alias_at is not None else None)
    if header is None:
        raise UnitsFileError("tệp trống")
    return result


def parse_yaml(text: str) -> UnitsFile:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise UnitsFileError(f"không phải YAML hợp lệ ({exc})") from None
    result, seen = UnitsFile(), {}
    if root is None:
        raise UnitsFileError("tệp trống")
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            _add(result, seen, key.start_mark.line + 1, _scalar(key), _scalar(value))
    elif isinstance(root, yaml.SequenceNode):
        for item in root.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                result.problems.append((line, "mỗi mục phải có dạng {code: …, name: …}"))
                continue
            fields = {" ".join(fold(_scalar(k)).split()): _scalar(v) for k, v in item.value}
            code = next((fields[k] for k in CODE_KEYS if k in fields), "")
            name = next((fields[k] for k in NAME_KEYS if k in fields), "")
            kind = next((fields[k] for k in KIND_KEYS if k in fields), None)
            aliases = next((_aliases_text(v) for k, v in item.value
                            if " ".join(fold(_scalar(k)).split()) in ALIAS_KEYS), None)
            _add(result, seen, line, code, name, kind, aliases)
    else:
        raise UnitsFileError("YAML phải là danh sách {code, name} hoặc ánh xạ mã: tên")
    return result


def _column(header: list[str], keys: set[str]) -> int | None:
    return next((i for i, cell in enumerate(header) if cell in keys), None)


def _cell(row: list[str], at: int) -> str:
    return row[at] if at < len(row) else ""


def _aliases_text(node: yaml.Node) -> str:
    """Aliases as one «;»-separated text, from a YAML list or a string."""
    if isinstance(node, yaml.SequenceNode):
        return ";".join(_scalar(item) for item in node.value)
    return _scalar(node)


def _scalar(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) and node.value is not None else ""


def _add(result: UnitsFile, seen: dict[str, int], line: int, code: str, name: str,
         kind: str | None = None, aliases: str | None = None) -> None:
    """Check one row: a problem with its line, or a good row. An empty kind cell is no kind."""
    code, name = normalise_code(code), " ".join(name.split())
    kind_value = "_".join(fold(kind).split()) if kind is not None else None
    problem = _problem(code, name, seen) or _kind_problem(kind_value)
    if problem:
        result.problems.append((line, problem))
        return
    seen[code] = line
    names = None if aliases is None else tuple(
        dict.fromkeys(a for a in (" ".join(p.split()) for p in aliases.split(";")) if a))
    result.rows.append(UnitRow(line, code, name, kind_value or None, names))


def _kind_problem(kind: str | None) -> str | None:
    if kind and kind not in UNIT_KINDS:
        return f"loại đơn vị «{kind}» không hợp lệ: dùng một trong {', '.join(UNIT_KINDS)}"
    return None


def _problem(code: str, name: str, seen: dict[str, int]) -> str | None:
    if not code:
        return "thiếu mã đơn vị"
    if not name:
        return f"thiếu tên đơn vị cho mã {code}"
    if len(code) > MAX_CODE or not _CODE.match(code):
        return (f"mã «{code}» không hợp lệ: chỉ gồm chữ không dấu, số, «-», «_» hoặc «.», "
                f"tối đa {MAX_CODE} ký tự")
    if code in seen:
        return f"mã {code} trùng với dòng {seen[code]}"
    return None
