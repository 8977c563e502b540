"""Whose document: the province, city or ministry a question names, and a document's own.

A question about «kế hoạch của tỉnh Nghệ An» must not be answered with the date of a similar
plan of another province. Names are matched on folded text, so «Nghe An», «TP.HCM» and
«Thành phố Hồ Chí Minh» all count. Since 1/7/2025 several provinces were merged; documents of
2025 use both the old and the new names, so both are listed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from bot.retrieval.vietnamese import fold, has_diacritics, nfc

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
# count only after «tỉnh» or «thành phố», or typed as a name: every syllable capitalised
# («Thái Bình quy định …», «Huế»), and not after a commune's or a street's word («xã Hòa Bình»).
_NEEDS_PREFIX = {"hoa binh", "hue", "thai binh", "long an"}
_LOCAL_WORDS = ("xã|phường|thị trấn|thôn|ấp|bản|khu|tổ|đường|phố|quận|huyện|thị xã|cầu|sông|núi|công viên|chợ|"
                "trường|bệnh viện|khu phố|tổ dân phố|công ty|hotel")
# Typed with marks, «cơ quan Thái Bình» and «cho Thái Bình» name no district and no market.
_LOCAL_UNIT = re.compile(rf"(?:\b(?:{_LOCAL_WORDS})\s+)$", re.IGNORECASE)
_LOCAL_UNIT_FOLDED = re.compile(rf"(?:\b(?:{fold(_LOCAL_WORDS)})\s+)$")
_ALIASES = {"hanoi": "ha noi", "danang": "da nang", "saigon": "ho chi minh", "tp.hcm": "ho chi minh", "tphcm": "ho chi minh", "tp hcm": "ho chi minh", "hcm": "ho chi minh",
            "hcmc": "ho chi minh", "sai gon": "ho chi minh", "thu do": "ha noi", "tp hn": "ha noi",
            "tp.hn": "ha noi", "tphn": "ha noi", "hn": "ha noi", "daklak": "dak lak", "dac lac": "dak lak",
            "daknong": "dak nong", "thua thien hue": "hue", "thua thien - hue": "hue", "tt hue": "hue",
            "tt-hue": "hue", "tt.hue": "hue", "co do hue": "hue", "dai noi hue": "hue",
            "ba ria - vung tau": "ba ria vung tau", "ba ria-vung tau": "ba ria vung tau",
            "brvt": "ba ria vung tau", "br-vt": "ba ria vung tau", "bac can": "bac kan", "dac nong": "dak nong",
            "kontum": "kon tum",
            # cities people name for their province, where the merger of 2025 left it as it was
            "nha trang": "khanh hoa", "da lat": "lam dong", "ha long": "quang ninh", "pleiku": "gia lai",
            "buon ma thuot": "dak lak", "thu duc": "ho chi minh",
            # cities named for the province they were in before the merger of 2025: the documents
            # of the province that absorbed it are no answer for them unless they name them
            "vung tau": "ba ria vung tau", "thu dau mot": "binh duong", "bien hoa": "dong nai",
            "quy nhon": "binh dinh", "phan thiet": "binh thuan", "my tho": "tien giang", "rach gia": "kien giang",
            "phu quoc": "kien giang", "long xuyen": "an giang", "chau doc": "an giang", "cao lanh": "dong thap",
            "tuy hoa": "phu yen", "tam ky": "quang nam", "sa pa": "lao cai", "sapa": "lao cai",
            "mong cai": "quang ninh", "cam pha": "quang ninh", "uong bi": "quang ninh", "phan rang": "ninh thuan",
            "bao loc": "lam dong", "sam son": "thanh hoa", "viet tri": "phu tho", "vinh yen": "vinh phuc"}
_PREFIX = r"(?:tinh|thanh pho|tp\.?|t\.p\.?|ubnd tinh|ubnd thanh pho|ubnd tp\.?)\s+"
_NAME_ALT = "|".join(sorted((re.escape(n) for n in _PROVINCES), key=len, reverse=True))
_PLACE = re.compile(rf"(?<!\w)(?P<prefix>{_PREFIX})?(?P<name>{_NAME_ALT})(?!\w)")
_ALIAS = re.compile("|".join(rf"(?<!\w){re.escape(a)}(?!\w)" for a in sorted(_ALIASES, key=len, reverse=True)))

# Ministries and central agencies that issue documents, by the folded words after «Bộ».
# Their names as people write them, folded for matching; two are also written with their punctuation.
_MINISTRY_NAMES = {fold(n): n for n in """Công an|Quốc phòng|Ngoại giao|Nội vụ|Tư pháp|Tài chính|Công Thương|
Nông nghiệp và Môi trường|Nông nghiệp và Phát triển nông thôn|Tài nguyên và Môi trường|Xây dựng|Giao thông vận tải|
Khoa học và Công nghệ|Giáo dục và Đào tạo|Y tế|Văn hóa Thể thao và Du lịch|Dân tộc và Tôn giáo|
Thông tin và Truyền thông|Kế hoạch và Đầu tư|Lao động Thương binh và Xã hội""".replace("\n", "").split("|")}
# Central agencies that issue documents as ministries do, by their folded names and as people shorten them.
_AGENCIES = {"ngan hang nha nuoc": "Ngân hàng Nhà nước Việt Nam", "bao hiem xa hoi viet nam": "Bảo hiểm xã hội Việt Nam",
             "thanh tra chinh phu": "Thanh tra Chính phủ", "kiem toan nha nuoc": "Kiểm toán Nhà nước"}
_AGENCY_FORMS = {"ngan hang nha nuoc viet nam": "ngan hang nha nuoc", "ngan hang nha nuoc": "ngan hang nha nuoc",
                 "nhnn": "ngan hang nha nuoc", "bao hiem xa hoi viet nam": "bao hiem xa hoi viet nam",
                 "bhxh viet nam": "bao hiem xa hoi viet nam", "bhxh vn": "bao hiem xa hoi viet nam",
                 "thanh tra chinh phu": "thanh tra chinh phu", "kiem toan nha nuoc": "kiem toan nha nuoc"}
# (not the code that ends a number: «15/2025/TT-NHNN» names the circular, not its issuer as the one asked)
_AGENCY = re.compile(r"(?<![\w/-])(?:" + "|".join(re.escape(f) for f in sorted(_AGENCY_FORMS, key=len, reverse=True))
                     + r")(?![\w/-])")
_MINISTRIES = [*_MINISTRY_NAMES, "van hoa, the thao va du lich", "lao dong - thuong binh va xa hoi", *_AGENCIES]
_MINISTRY_ALT = "|".join(sorted((re.escape(m) for m in _MINISTRIES), key=len, reverse=True))
# «của Bộ Y tế», «Bộ Y tế ban hành», «công văn Bộ Tài chính»: the ministry as the issuer.
_MINISTRY = re.compile(rf"(?<!\w)bo (?P<name>{_MINISTRY_ALT})(?!\w)")
# The kinds of text a ministry issues, as questions name them (folded).
_TEXT_KINDS = "ke hoach|chi thi|cong van|quyet dinh|thong tu|thong bao|cong dien"
_OWN_MINISTRY = re.compile(rf"(?:(?:\bcua|\bdo|\bthuoc|(?:{_TEXT_KINDS}|huong dan)(?: so \S+)?)\s+|^\W*)"
                           rf"bo (?P<name>{_MINISTRY_ALT})(?!\w)"
                           # or by its verb of issuing, wherever it stands: «… thì Bộ Y tế quy định thế nào»
                           rf"|(?<!\w)bo (?P<issuing>{_MINISTRY_ALT}) (?=quy dinh|ban hanh|huong dan\b)")


def _counted(match: re.Match[str], text: str, folded: str) -> bool:
    """Whether a province's name found in the folded text names the province."""
    name = match["name"]
    if name not in _NEEDS_PREFIX or match["prefix"]:
        return True
    if len(text) != len(folded):
        return False  # folding NFC text keeps every letter's place; marks typed apart cannot tell
    before = text[:match.start()]
    local = _LOCAL_UNIT if has_diacritics(text) else _LOCAL_UNIT_FOLDED
    if local.search(before):
        return False
    typed = text[match.start("name"):match.end("name")]
    return all(word[0].isupper() for word in typed.split())


def places(text: str) -> set[str]:
    """Folded names of the provinces and cities the text names."""
    text = nfc(text)
    folded = fold(text)
    found = {_ALIASES[m.group(0)] for m in _ALIAS.finditer(folded)}
    for match in _PLACE.finditer(folded):
        if _counted(match, text, folded):
            found.add(_ALIASES.get(match["name"], match["name"]))
    return found


def without_places(text: str) -> str:
    """The folded text with the places it names taken out ("kế hoạch của tỉnh Nghệ An về …")."""
    text = nfc(text)
    folded = fold(text)
    # Blanks of the same length keep each letter where the typed text has it.
    folded = _ALIAS.sub(lambda m: " " * len(m.group(0)), folded)
    return _PLACE.sub(lambda m: " " * len(m.group(0)) if _counted(m, text, folded) else m.group(0), folded)


# How ministries are shortened: «Bộ GD&ĐT», «Bộ TT&TT», «Bộ NN&MT», «Bộ Giáo dục», «BYT».
_SHORT_MINISTRIES = {
    "gd&dt": "giao duc va dao tao", "gd-dt": "giao duc va dao tao", "gddt": "giao duc va dao tao",
    "giao duc": "giao duc va dao tao", "tt&tt": "thong tin va truyen thong", "tttt": "thong tin va truyen thong",
    "nn&mt": "nong nghiep va moi truong", "nnmt": "nong nghiep va moi truong",
    "nn&ptnt": "nong nghiep va phat trien nong thon", "nnptnt": "nong nghiep va phat trien nong thon",
    "tn&mt": "tai nguyen va moi truong", "tnmt": "tai nguyen va moi truong",
    "kh&cn": "khoa hoc va cong nghe", "khcn": "khoa hoc va cong nghe",
    "kh&dt": "ke hoach va dau tu", "khdt": "ke hoach va dau tu", "gtvt": "giao thong van tai",
    "ld-tb&xh": "lao dong thuong binh va xa hoi", "ldtbxh": "lao dong thuong binh va xa hoi",
    "lao dong": "lao dong thuong binh va xa hoi", "vh,tt&dl": "van hoa the thao va du lich",
    "vhttdl": "van hoa the thao va du lich", "van hoa": "van hoa the thao va du lich",
    "dt&tg": "dan toc va ton giao", "dttg": "dan toc va ton giao", "ca": "cong an", "qp": "quoc phong"}
_SHORT_MINISTRY = re.compile(r"(?<!\w)bo (?P<short>" + "|".join(
    re.escape(k) for k in sorted(_SHORT_MINISTRIES, key=len, reverse=True)) + r")(?![\w&,-])")
# The codes that end their numbers, typed for the ministry («công văn của BYT»); not «BTC» nor
# «BCT», which mostly mean a «ban tổ chức» and the «Bộ Chính trị».
_CODE_MINISTRIES = {"byt": "y te", "bnv": "noi vu", "bxd": "xay dung", "bca": "cong an", "bqp": "quoc phong",
                    "btp": "tu phap", "bgddt": "giao duc va dao tao", "btttt": "thong tin va truyen thong",
                    "bkhcn": "khoa hoc va cong nghe", "bnnmt": "nong nghiep va moi truong"}
_CODE_MINISTRY = re.compile(r"(?<![\w/-])(?P<code>" + "|".join(_CODE_MINISTRIES) + r")(?![\w/-])")


def _full_ministries(text: str) -> str:
    """The folded text with the ministries' short names written out («bo gd&dt» -> «bo giao duc va
    dao tao»); a full name is left as it is («Bộ Giáo dục và Đào tạo»)."""
    def full(m: re.Match[str]) -> str:
        return m.group(0) if _MINISTRY.match(m.string, m.start()) else f"bo {_SHORT_MINISTRIES[m['short']]}"
    text = _SHORT_MINISTRY.sub(full, fold(text))
    # an agency is matched as a ministry is: «của Ngân hàng Nhà nước», «NHNN hướng dẫn …»
    text = _AGENCY.sub(lambda m: f"bo {_AGENCY_FORMS[m.group(0)]}", text)
    return _CODE_MINISTRY.sub(lambda m: f"bo {_CODE_MINISTRIES[m['code']]}", text)


# «văn bản của Ngân hàng Nhà nước», «công văn số … do Bộ Y tế ban hành»: the ministry owns the text asked for.
# (not «theo hướng dẫn của Bộ Nội vụ»: what a province's own plan follows)
_DOCUMENT_OF_MINISTRY = re.compile(rf"\b(?:{_TEXT_KINDS}|van ban|quy che)(?: so \S+)? (?:cua|do) "
                                   rf"bo (?P<name>{_MINISTRY_ALT})(?!\w)")


def owning_ministries(question: str) -> set[str]:
    """Ministries the question names as the owner of the document it asks about («theo văn bản của
    Ngân hàng Nhà nước»), not as the actor of a task («Bộ Tài chính phải …»)."""
    return {_same(m["name"]) for m in _DOCUMENT_OF_MINISTRY.finditer(_full_ministries(question))}


def asked_ministries(question: str) -> set[str]:
    """Ministries the question names as a document's issuer («của Bộ Y tế», «của Bộ GD&ĐT»)."""
    return {_same(m["name"] or m["issuing"]) for m in _OWN_MINISTRY.finditer(_full_ministries(question))}


def ministries(text: str) -> set[str]:
    return {_same(m["name"]) for m in _MINISTRY.finditer(_full_ministries(text))}


def ministry_name(name: str) -> str:
    """A folded ministry's name as people write it: "y te" -> "Bộ Y tế"."""
    return _AGENCIES.get(name) or f"Bộ {_MINISTRY_NAMES.get(name, name)}"


def _same(name: str) -> str:
    """One spelling for a ministry's name («văn hóa, thể thao …» and «văn hóa thể thao …»)."""
    return name.replace(",", "").replace(" - ", " ")


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


# Where a letter's reader lives («Kính gửi: Bà … (Địa chỉ: Hồ Chí Minh; Số ĐT: …)») is no place it answers for.
_POSTAL_ADDRESS = re.compile(r"địa\s+chỉ\s*:[^)\n;|]*", re.IGNORECASE)


def mentioned_places(body: Iterable[str]) -> set[str]:
    """Every place a text names, but in a postal address."""
    return {name for text in body for name in places(_POSTAL_ADDRESS.sub(" ", text))}


# A district's or town's committee or council as the issuer asked («UBND quận 1», «Ủy ban nhân dân huyện Bình
# Chánh»): since the 2025 reform no such level issues anything, and the store holds the province's texts.
_NAME_WORD = r"(?!(?:ban|quy|ve|co|da|phai|thi|la)\b)[a-z]+"  # not the verb after the name («… quận 1 ban hành»)
_DISTRICT = re.compile(r"(?<!\w)(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)\s+(?:quan|huyen|thi xa)"
                       rf"\s+(?:\d{{1,2}}(?!\w)|{_NAME_WORD}(?:\s+{_NAME_WORD})?)")


def asked_district(text: str) -> str | None:
    """The district-level body a text names, as typed («UBND quận 1»), or None."""
    text = nfc(text)
    match = _DISTRICT.search(fold(text))
    return text[match.start():match.end()] if match else None


def display(name: str) -> str:
    """A folded place name as people write it: "nghe an" -> "Nghệ An"."""
    return _DISPLAY.get(name, name)
