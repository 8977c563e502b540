"""Whose document: the province, city or ministry a question names, and a document's own.

A question about «kế hoạch của tỉnh Nghệ An» must not be answered with the date of a similar
plan of another province. Names are matched on folded text, so «Nghe An», «TP.HCM» and
«Thành phố Hồ Chí Minh» all count. Since 1/7/2025 several provinces were merged; documents of
2025 use both the old and the new names, so both are listed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from bot.retrieval.vietnamese import fold

# Provinces and centrally-governed cities, old names and new.
_PROVINCE_NAMES = """Hà Nội|Hồ Chí Minh|Hải Phòng|Đà Nẵng|Cần Thơ|Huế|An Giang|Bà Rịa Vũng Tàu|Bắc Giang|Bắc Kạn|
Bạc Liêu|Bắc Ninh|Bến Tre|Bình Định|Bình Dương|Bình Phước|Bình Thuận|Cà Mau|Cao Bằng|Đắk Lắk|Đắk Nông|
Điện Biên|Đồng Nai|Đồng Tháp|Gia Lai|Hà Giang|Hà Nam|Hà Tĩnh|Hải Dương|Hậu Giang|Hòa Bình|Hưng Yên|
Khánh Hòa|Kiên Giang|Kon Tum|Lai Châu|Lâm Đồng|Lạng Sơn|Lào Cai|Long An|Nam Định|Nghệ An|Ninh Bình|
Ninh Thuận|Phú Thọ|Phú Yên|Quảng Bình|Quảng Nam|Quảng Ngãi|Quảng Ninh|Quảng Trị|Sóc Trăng|Sơn La|
Tây Ninh|Thái Bình|Thái Nguyên|Thanh Hóa|Tiền Giang|Trà Vinh|Tuyên Quang|Vĩnh Long|Vĩnh Phúc|Yên Bái"""
_DISPLAY = {fold(name): name for name in _PROVINCE_NAMES.replace("\n", "").split("|")}
_PROVINCES = list(_DISPLAY)
# Names that are also ordinary words («hòa bình» is peace, «huế» alone is rare in questions)
# count only after «tỉnh» or «thành phố».
_NEEDS_PREFIX = {"hoa binh", "hue", "thai binh", "long an"}
_ALIASES = {"tp.hcm": "ho chi minh", "tphcm": "ho chi minh", "tp hcm": "ho chi minh", "hcm": "ho chi minh",
            "sai gon": "ho chi minh", "thu do": "ha noi", "tp hn": "ha noi", "daklak": "dak lak",
            "dac lac": "dak lak", "thua thien hue": "hue", "ba ria - vung tau": "ba ria vung tau",
            "brvt": "ba ria vung tau", "bac can": "bac kan", "dac nong": "dak nong", "kontum": "kon tum",
            # cities people name for their province, where the merger of 2025 left it as it was
            "nha trang": "khanh hoa", "da lat": "lam dong", "ha long": "quang ninh", "pleiku": "gia lai",
            "buon ma thuot": "dak lak", "thu duc": "ho chi minh"}
_PREFIX = r"(?:tinh|thanh pho|tp\.?|t\.p\.?|ubnd tinh|ubnd thanh pho|ubnd tp\.?)\s+"
_NAME_ALT = "|".join(sorted((re.escape(n) for n in _PROVINCES), key=len, reverse=True))
_PLACE = re.compile(rf"(?<!\w)(?P<prefix>{_PREFIX})?(?P<name>{_NAME_ALT})(?!\w)")
_ALIAS = re.compile("|".join(rf"(?<!\w){re.escape(a)}(?!\w)" for a in sorted(_ALIASES, key=len, reverse=True)))

# Ministries and central agencies that issue documents, by the folded words after «Bộ».
_MINISTRIES = """cong an|quoc phong|ngoai giao|noi vu|tu phap|tai chinh|cong thuong|nong nghiep va moi truong|
nong nghiep va phat trien nong thon|tai nguyen va moi truong|xay dung|giao thong van tai|khoa hoc va cong nghe|
giao duc va dao tao|y te|van hoa, the thao va du lich|van hoa the thao va du lich|dan toc va ton giao|
thong tin va truyen thong|ke hoach va dau tu|lao dong - thuong binh va xa hoi|lao dong thuong binh va xa hoi
""".replace("\n", "").split("|")
_MINISTRY_ALT = "|".join(sorted((re.escape(m) for m in _MINISTRIES), key=len, reverse=True))
# «của Bộ Y tế», «Bộ Y tế ban hành», «công văn Bộ Tài chính»: the ministry as the issuer.
_MINISTRY = re.compile(rf"(?<!\w)bo (?P<name>{_MINISTRY_ALT})(?!\w)")
_OWN_MINISTRY = re.compile(rf"(?:\bcua|\bdo|\bthuoc|^|(?:ke hoach|chi thi|cong van|quyet dinh|thong tu|"
                           rf"huong dan|thong bao|cong dien)(?: so \S+)?)\s+bo (?P<name>{_MINISTRY_ALT})(?!\w)")


def places(text: str) -> set[str]:
    """Folded names of the provinces and cities the text names."""
    folded = fold(text)
    found = {_ALIASES[m.group(0)] for m in _ALIAS.finditer(folded)}
    for match in _PLACE.finditer(folded):
        name = match["name"]
        if name in _NEEDS_PREFIX and not match["prefix"]:
            continue
        found.add(_ALIASES.get(name, name))
    return found


def without_places(text: str) -> str:
    """The folded text with the places it names taken out ("kế hoạch của tỉnh Nghệ An về …")."""
    folded = _ALIAS.sub(" ", fold(text))
    return _PLACE.sub(lambda m: m.group(0) if m["name"] in _NEEDS_PREFIX and not m["prefix"] else " ", folded)


def asked_ministries(question: str) -> set[str]:
    """Ministries the question names as a document's issuer («của Bộ Y tế»)."""
    return {m["name"] for m in _OWN_MINISTRY.finditer(fold(question))}


def ministries(text: str) -> set[str]:
    return {m["name"] for m in _MINISTRY.finditer(fold(text))}


# «Sở Ngoại vụ», «Sở Nông nghiệp và Môi trường», «Bộ Tài chính»: a unit a question is about.
_UNIT = re.compile(rf"(?<!\w)(?:so|bo) (?P<name>{_MINISTRY_ALT}|ngoai vu)(?!\w)")


def named_units(text: str) -> dict[str, str]:
    """The departments and ministries a text names: folded name -> the words as typed
    («Sở Ngoại vụ»)."""
    folded = fold(text)
    same = len(folded) == len(text)  # folding NFC text keeps every letter's place
    return {m["name"]: text[m.start():m.end()] if same else m.group(0) for m in _UNIT.finditer(folded)}


# Central bodies: their documents address provinces rather than belong to one.
_NATIONAL = re.compile(r"^(?:thu tuong|chinh phu|van phong chinh phu|bo |quoc hoi|uy ban thuong vu quoc hoi|"
                       r"ban bi thu|bo chinh tri|ban chap hanh trung uong|toa an nhan dan toi cao|"
                       r"vien kiem sat nhan dan toi cao|ngan hang nha nuoc|kiem toan nha nuoc|cuc |tong cuc )")


# «Ban Chỉ đạo Nhà nước về du lịch», «Ban Chỉ đạo quốc gia …»: central wherever the name says so.
_NATIONAL_BOARD = re.compile(r"^ban chi dao (?:nha nuoc|quoc gia|trung uong|cua chinh phu)\b")
# The issuer's code in a number («3621/QĐ-BYT», «224/CĐ-TTg») when the issuer's name is missing.
_NATIONAL_CODES = {"ttg", "cp", "vpcp", "byt", "btc", "bnv", "bct", "bxd", "btttt", "bkhcn", "bgddt", "bnnmt",
                   "bnnptnt", "bca", "bqp", "btp", "bvhttdl", "bldtbxh", "bkhdt", "btnmt", "bgtvt", "bng",
                   "nhnn", "ktnn"}


def is_national(issuer: str | None, doc_number: str | None = None) -> bool:
    """Whether a central body issued the document: by its issuer's name, or else by the issuer's
    code that ends its number."""
    if issuer:
        name = fold(issuer).strip()
        return bool(_NATIONAL.match(name) or _NATIONAL_BOARD.match(name))
    code = re.split(r"[-/]", fold(doc_number or ""))[-1].strip()
    return code in _NATIONAL_CODES


def document_places(issuer: str | None, title: str | None, body: Iterable[str]) -> set[str]:
    """The places a document belongs to: those its issuer or title names, else the place its
    text names most («trên địa bàn tỉnh …»)."""
    own = places(" ".join(p for p in (issuer, title) if p))
    if own:
        return own
    counts: dict[str, int] = {}
    for text in body:
        for name in places(text):
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return set()
    top = max(counts.values())
    return {name for name, n in counts.items() if n == top}


def mentioned_places(body: Iterable[str]) -> set[str]:
    """Every place a text names."""
    return {name for text in body for name in places(text)}


def display(name: str) -> str:
    """A folded place name as people write it: "nghe an" -> "Nghệ An"."""
    return _DISPLAY.get(name, name)
