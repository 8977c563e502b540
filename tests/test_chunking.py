"""Structure-aware chunking: section paths, budgets, and that no text is lost."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from bot.ingestion.chunking import PREFIX_TOKENS, embedded_text, split_into_chunks
from bot.ingestion.document import Chunk
from tests.conftest import SEED, shared_file

CORPUS_DOCS = 60

_WS = re.compile(r"\s+")


def fake_tokens(text: str) -> int:
    """Roughly XLM-R on Vietnamese: ~2 tokens a syllable, plus <s> and </s>."""
    return len(text.split()) * 2 + 2


def chunk(body: str, max_tokens: int = 400, min_chars: int = 200,
          counter: Callable[[str], int] = fake_tokens) -> list[Chunk]:
    return split_into_chunks(body, max_tokens, counter, min_chars)


def _squash(text: str) -> str:
    return _WS.sub("", text)


def assert_within_budget(chunks: list[Chunk], max_tokens: int,
                         counter: Callable[[str], int] = fake_tokens) -> None:
    for c in chunks:
        assert c.text.strip(), "empty chunk"
        assert counter(embedded_text(c)) + PREFIX_TOKENS <= max_tokens, c


def assert_no_text_lost(body: str, chunks: list[Chunk]) -> None:
    """Every non-empty body line appears, in order, and nothing else is added."""
    joined = "".join(_squash(c.text) for c in chunks)
    lines = [_squash(line) for line in body.splitlines() if line.strip()]
    position = 0
    for line in lines:
        found = joined.find(line, position)
        assert found == position, f"line lost or out of order: {line[:80]!r}"
        position = found + len(line)
    assert position == len(joined)


def section_of(chunks: list[Chunk], needle: str) -> str:
    matches = [c.section for c in chunks if needle in c.text]
    assert len(matches) == 1, (needle, matches)
    return matches[0]


LONG = ("các cơ quan, đơn vị chủ động phối hợp triển khai thực hiện nghiêm túc, hiệu quả "
        "và báo cáo kết quả về Bộ Thông tin và Truyền thông để tổng hợp")

PLAN = f"""Thực hiện Chỉ thị số 17/CT-BTTTT, Bộ Thông tin và Truyền thông ban hành kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao chất lượng công tác thông tin đối ngoại của ngành.
II. NỘI DUNG THI ĐUA
Thi đua hoàn thành xuất sắc nhiệm vụ chính trị được giao.
III. Tiêu chí thi đua
1. Các tiêu chí về tổ chức thực hiện phong trào thi đua ở các Sở:
a) Ban hành kế hoạch phát động phong trào thi đua, {LONG}; {LONG}.
b) Tổ chức sơ kết, tổng kết phong trào thi đua, {LONG}; {LONG}.
c) Khen thưởng kịp thời các tập thể, cá nhân tiêu biểu, {LONG}; {LONG}.
2. Thời gian: trước ngày 31/3/2026 các Sở gửi báo cáo về Bộ.
IV- TỔ CHỨC THỰC HIỆN
Vụ Thi đua - Khen thưởng chủ trì, phối hợp với các đơn vị triển khai kế hoạch này.
"""


def test_roman_numbered_lettered_paths() -> None:
    chunks = chunk(PLAN, max_tokens=160)
    # Each lettered item fits alone, two do not: each is its own chunk.
    assert section_of(chunks, "b) Tổ chức sơ kết") == "III. Tiêu chí thi đua > 1. > b)"
    assert section_of(chunks, "c) Khen thưởng") == "III. Tiêu chí thi đua > 1. > c)"
    # The short lead-in headings travel with the first item they introduce.
    first = next(c for c in chunks if "a) Ban hành" in c.text)
    assert first.text.startswith("III. Tiêu chí thi đua\n1. Các tiêu chí")
    assert first.section == "III. Tiêu chí thi đua"
    assert section_of(chunks, "Thi đua hoàn thành") == "II. NỘI DUNG THI ĐUA"
    assert section_of(chunks, "Vụ Thi đua - Khen thưởng") == "IV. TỔ CHỨC THỰC HIỆN"
    assert section_of(chunks, "Thực hiện Chỉ thị số 17") == ""
    assert_within_budget(chunks, 160)
    assert_no_text_lost(PLAN, chunks)


def test_chunk_text_starts_with_its_item_heading() -> None:
    chunks = chunk(PLAN, max_tokens=160)
    quoted = next(c for c in chunks if "trước ngày 31/3/2026" in c.text)
    assert any(line.startswith("2. Thời gian: trước ngày 31/3/2026") for line in quoted.text.split("\n"))
    assert all(c.text == c.text.strip() and "\n\n" not in c.text for c in chunks)


def test_small_item_with_its_letters_stays_whole() -> None:
    body = """I. NHIỆM VỤ
1. Tổ chức tuyên truyền Chỉ thị:
a) Đăng tải trên cổng thông tin điện tử.
b) Phát trên đài truyền thanh cơ sở.
c) In tờ rơi phát cho người dân.
2. Kiểm tra việc thực hiện."""
    chunks = chunk(body, max_tokens=400)
    assert len(chunks) == 1
    assert chunks[0].section == "I. NHIỆM VỤ"
    assert_no_text_lost(body, chunks)


def test_top_level_sections_are_never_packed_together() -> None:
    body = "I. MỤC ĐÍCH\nNâng cao hiệu quả.\nII. YÊU CẦU\nBám sát thực tiễn.\nIII. KINH PHÍ\nNgân sách tỉnh."
    chunks = chunk(body, max_tokens=400)
    assert [c.section for c in chunks] == ["I. MỤC ĐÍCH", "II. YÊU CẦU", "III. KINH PHÍ"]


def test_roman_sections_inside_a_part_are_not_packed_together() -> None:
    body = "PHẦN II\nNỘI DUNG\nI. MỤC TIÊU\nTăng trưởng 8%.\nII. GIẢI PHÁP\nĐẩy mạnh đầu tư công."
    chunks = chunk(body, max_tokens=400)
    assert [c.section for c in chunks] == ["PHẦN II. NỘI DUNG", "PHẦN II. NỘI DUNG > II. GIẢI PHÁP"]
    assert chunks[0].text.startswith("PHẦN II\nNỘI DUNG\nI. MỤC TIÊU")  # the lead-in opens "I."


ARTICLES = f"""Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;
QUYẾT ĐỊNH:
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
1. Quy định này quy định việc tiếp nhận, xử lý văn bản chỉ đạo của Ủy ban nhân dân tỉnh, {LONG}.
2. Đối tượng áp dụng:
a) Các sở, ban, ngành thuộc tỉnh;
đ) Ủy ban nhân dân các xã, phường.
Điều 2: Giải thích từ ngữ
Văn bản chỉ đạo là chỉ thị, công văn, kế hoạch do Ủy ban nhân dân tỉnh ban hành.
Chương II
TỔ CHỨC THỰC HIỆN
Điều 3. Trách nhiệm thi hành
Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này.
"""


def test_articles_clauses_and_chapters() -> None:
    chunks = chunk(ARTICLES, max_tokens=128, min_chars=0)
    # Numbered items inside an article are its clauses (khoản), lettered ones its points.
    # At this small budget the deepest title ("2. Đối tượng áp dụng") is dropped from the
    # path first: the chunk text starts with it anyway.
    assert section_of(chunks, "a) Các sở") == "Chương I. QUY ĐỊNH CHUNG > Điều 1. Phạm vi điều chỉnh > 2."
    assert section_of(chunks, "1. Quy định này") == "Chương I. QUY ĐỊNH CHUNG > Điều 1. Phạm vi điều chỉnh > 1."
    assert section_of(chunks, "Văn bản chỉ đạo là") == "Chương I. QUY ĐỊNH CHUNG > Điều 2. Giải thích từ ngữ"
    assert section_of(chunks, "Chánh Văn phòng") == "Chương II. TỔ CHỨC THỰC HIỆN"
    assert section_of(chunks, "Căn cứ Luật") == ""
    assert_within_budget(chunks, 128)
    assert_no_text_lost(ARTICLES, chunks)


def test_a_chapter_that_fits_is_one_chunk() -> None:
    chunks = chunk(ARTICLES, max_tokens=400)
    chapter_two = [c for c in chunks if c.section.startswith("Chương II")]
    assert len(chapter_two) == 1
    assert chapter_two[0].text.startswith("Chương II\nTỔ CHỨC THỰC HIỆN\nĐiều 3.")


def test_part_and_named_headings() -> None:
    body = ("PHẦN I. ĐÁNH GIÁ CHUNG\nNăm 2025 các đơn vị hoàn thành kế hoạch.\n"
            "Phần thứ hai\nNHIỆM VỤ NĂM 2026\nMục 1. CHUYỂN ĐỔI SỐ\n1.1. Hoàn thiện thể chế số\n"
            f"2.3.1 Nâng cấp hạ tầng dữ liệu dùng chung của tỉnh\nTriển khai trong quý I, {LONG}, {LONG}, {LONG}.")
    chunks = chunk(body, max_tokens=200, min_chars=0)
    assert section_of(chunks, "Năm 2025 các đơn vị") == "PHẦN I. ĐÁNH GIÁ CHUNG"
    assert section_of(chunks, "Triển khai trong quý I") == (
        "Phần thứ hai. NHIỆM VỤ NĂM 2026 > Mục 1. CHUYỂN ĐỔI SỐ > 1.1. Hoàn thiện thể chế số > 2.3.1")
    assert_no_text_lost(body, chunks)


def test_an_attached_document_starts_a_new_top_level_section() -> None:
    body = (f"QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch triển khai, {LONG}.\n"
            f"Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nKẾ HOẠCH\nTriển khai chuyển đổi số năm 2026\n"
            f"I. MỤC ĐÍCH\nBảo đảm đồng bộ, {LONG}.\nII. NHIỆM VỤ\nRà soát hạ tầng, {LONG}.")
    chunks = chunk(body, max_tokens=400)
    assert section_of(chunks, "Điều 2. Quyết định") == ""  # with the preface and Điều 1
    assert section_of(chunks, "Bảo đảm đồng bộ") == "KẾ HOẠCH. Triển khai chuyển đổi số năm 2026"
    assert section_of(chunks, "Rà soát hạ tầng") == "KẾ HOẠCH. Triển khai chuyển đổi số năm 2026 > II. NHIỆM VỤ"
    assert_no_text_lost(body, chunks)


def test_document_title_at_the_top_is_not_a_section() -> None:
    body = "KẾ HOẠCH\nThực hiện Chỉ thị số 17/CT-BTTTT\nI. MỤC ĐÍCH\nNâng cao hiệu quả."
    chunks = chunk(body, max_tokens=400)
    assert [c.section for c in chunks] == ["", "I. MỤC ĐÍCH"]


@pytest.mark.parametrize("line", [
    "31/3/2026. Hạn chót gửi báo cáo tổng kết.",
    "15.11.2025 là hạn nộp hồ sơ.",
    "1.000.000 đồng cho mỗi tập thể đạt giải.",
    "2025. Năm hoàn thành chuyển đổi số.",
    "15.11 hằng năm các đơn vị gửi báo cáo.",
    "Điều 5 được sửa đổi như sau:",
    "Chương trình hành động của tỉnh.",
    "Phụ lục kèm theo Kế hoạch này.",
    "X-quang di động được trang bị cho trạm y tế.",
    "Mục tiêu đến năm 2030.",
])
def test_lines_that_are_not_headings(line: str) -> None:
    # Item 1 nearly fills the budget, so the line gets a chunk of its own and shows its path.
    body = f"II. NỘI DUNG\n1. Tổ chức thực hiện kế hoạch của tỉnh, {LONG}, {LONG}.\n{line}"
    chunks = chunk(body, max_tokens=128, min_chars=0)
    own = next(c for c in chunks if line in c.text)
    assert own.text == line
    assert own.section == "II. NỘI DUNG > 1."
    assert_no_text_lost(body, chunks)
    assert_no_text_lost(body, chunks)


def test_short_items_keep_their_text_in_the_path() -> None:
    body = f"I. NỘI DUNG\n1. Mục đích\n{LONG}, {LONG}, {LONG}.\n2. Yêu cầu:\n{LONG}, {LONG}, {LONG}."
    chunks = chunk(body, max_tokens=200)
    assert section_of(chunks, "2. Yêu cầu") == "I. NỘI DUNG > 2. Yêu cầu"
    assert section_of(chunks, "1. Mục đích") == "I. NỘI DUNG"  # the lead-in "I." travels with it


def test_numbered_line_with_long_prose_is_still_an_item() -> None:
    body = f"I. NỘI DUNG\n1. {LONG}; {LONG}.\n2. {LONG}."
    chunks = chunk(body, max_tokens=100, min_chars=0)
    assert section_of(chunks, f"2. {LONG}") == "I. NỘI DUNG > 2."
    assert_no_text_lost(body, chunks)


def test_over_long_paragraph_is_split_at_sentences_within_budget() -> None:
    sentences = [f"Câu thứ {i} yêu cầu {LONG}." for i in range(12)]
    body = "I. TỔ CHỨC THỰC HIỆN\n1. Giao nhiệm vụ:\n" + " ".join(sentences)
    chunks = chunk(body, max_tokens=128)
    assert len(chunks) > 3
    assert_within_budget(chunks, 128)
    assert_no_text_lost(body, chunks)
    # Cuts fall between sentences: every chunk but the last ends a sentence.
    assert all(c.text.endswith(".") for c in chunks)


def test_a_sentence_longer_than_the_budget_is_split_by_words() -> None:
    body = "Nội dung: " + " ".join(["phối hợp"] * 400)
    chunks = chunk(body, max_tokens=64)
    assert len(chunks) > 10
    assert_within_budget(chunks, 64)
    assert_no_text_lost(body, chunks)


def test_a_word_longer_than_the_budget_is_split_by_characters() -> None:
    def per_char(text: str) -> int:
        return len(text) // 4 + 2
    body = "Đường dẫn: https://example.gov.vn/" + "a" * 2000
    chunks = chunk(body, max_tokens=64, counter=per_char)
    assert_within_budget(chunks, 64, per_char)
    assert_no_text_lost(body, chunks)


def test_tiny_items_are_merged_within_their_parent() -> None:
    items = "\n".join(f"{i}. Sở {name} thực hiện." for i, name in enumerate(
        ["Nội vụ", "Tài chính", "Tư pháp", "Y tế", "Xây dựng"], start=1))
    body = f"III. TỔ CHỨC THỰC HIỆN\n{items}\n1. {LONG}; {LONG}; {LONG}.\nIV. KINH PHÍ\nNgân sách tỉnh."
    chunks = chunk(body, max_tokens=120)
    assert chunks[0].section == "III. TỔ CHỨC THỰC HIỆN"
    assert chunks[0].text.count("Sở") == 5         # the five small items packed together
    assert "Sở" not in chunks[1].text
    assert chunks[-1].section == "IV. KINH PHÍ"    # never merged across top-level sections
    assert_within_budget(chunks, 120)
    assert_no_text_lost(body, chunks)


def test_tiny_tail_merges_back_into_its_neighbour() -> None:
    body = f"I. NHIỆM VỤ\n{LONG}; {LONG}.\nĐơn vị báo cáo kết quả."
    chunks = chunk(body, max_tokens=400, min_chars=100)
    assert len(chunks) == 1


def test_text_without_headings_is_packed_by_paragraph() -> None:
    body = SEED.read_text(encoding="utf-8")
    chunks = chunk(body, max_tokens=400)
    assert len(chunks) > 1
    assert all(c.section == "" for c in chunks)
    assert all(embedded_text(c) == c.text for c in chunks)
    assert_within_budget(chunks, 400)
    assert_no_text_lost(body, chunks)


def test_embedded_text_puts_the_section_on_its_own_line() -> None:
    assert embedded_text(Chunk("a) Nội dung", "I. X > 1.")) == "I. X > 1.\na) Nội dung"
    assert embedded_text(Chunk("Nội dung", "")) == "Nội dung"


def test_empty_body_gives_no_chunks() -> None:
    assert chunk("") == []
    assert chunk("\n  \n") == []


def test_long_titles_are_shortened_at_a_word_boundary() -> None:
    title = "TỔ CHỨC TRIỂN KHAI THỰC HIỆN CÁC NHIỆM VỤ TRỌNG TÂM VỀ CHUYỂN ĐỔI SỐ CỦA TỈNH NĂM 2026"
    chunks = chunk(f"II. {title}\nNội dung.", max_tokens=400)
    section = chunks[0].section
    assert len(section) <= 60 and section.endswith("…") and section.startswith("II. TỔ CHỨC")
    assert f"II. {title}".startswith(section[:-1])


def test_token_counter_is_called_on_pieces_not_the_whole_document() -> None:
    body = "\n".join(f"{i}. {LONG}." for i in range(1, 200))
    calls: list[int] = []

    def counting(text: str) -> int:
        calls.append(len(text))
        return fake_tokens(text)

    chunks = chunk(body, max_tokens=400, counter=counting)
    assert_within_budget(chunks, 400)
    assert max(calls) < len(body) / 5
    assert sum(calls) < 4 * len(body)


def test_budget_holds_when_the_counter_is_not_additive() -> None:
    """A counter that charges extra for long texts: the final exact check must catch it."""
    def superlinear(text: str) -> int:
        words = len(text.split())
        return words * 2 + words * words // 200 + 2

    body = "I. NỘI DUNG\n" + "\n".join(f"{i}. {LONG}." for i in range(1, 40))
    chunks = chunk(body, max_tokens=300, counter=superlinear)
    assert_within_budget(chunks, 300, superlinear)
    assert_no_text_lost(body, chunks)


# --- the shared corpus ---------------------------------------------------------------------

_MARKUP = re.compile(r"\*+|\||^#+\s*")
_SENTENCE_END = re.compile(r"[.;:!?]$")


def unwrap(raw: str) -> str:
    """A minimal stand-in for the cleaner: strip markdown, re-join hard-wrapped paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for raw_line in raw.splitlines():
        line = _MARKUP.sub(" ", raw_line).strip()
        if not line or (current and _SENTENCE_END.search(current[-1]) and line[0].isupper()):
            if current:
                paragraphs.append(" ".join(current))
            current = [line] if line else []
        else:
            current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(_WS.sub(" ", p) for p in paragraphs)


def corpus_bodies() -> list[str]:
    with shared_file("corpus/official-docs.jsonl").open(encoding="utf-8") as lines:
        docs = [json.loads(line) for _, line in zip(range(CORPUS_DOCS), lines)]
    return [unwrap(doc["text"]) for doc in docs]


@pytest.mark.parametrize("max_tokens", [400, 128])
def test_corpus_budget_and_no_text_lost(max_tokens: int) -> None:
    sizes: list[int] = []
    sections = 0
    bodies = corpus_bodies()
    for body in bodies:
        chunks = chunk(body, max_tokens=max_tokens)
        assert chunks
        assert_within_budget(chunks, max_tokens)
        assert_no_text_lost(body, chunks)
        sizes.extend(fake_tokens(embedded_text(c)) + PREFIX_TOKENS for c in chunks)
        sections += sum(1 for c in chunks if c.section)
    print(f"\n[max_tokens={max_tokens}] {len(bodies)} docs, {len(sizes)} chunks "
          f"({len(sizes) / len(bodies):.1f}/doc), mean {sum(sizes) / len(sizes):.0f} tokens, "
          f"max {max(sizes)}, with a section path {sections / len(sizes):.0%}")
    assert sections > len(sizes) / 2  # the corpus is structured: most chunks know their place
