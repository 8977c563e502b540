"""Body-line retention (issue #18): what ingestion keeps of a document's body text."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.ingestion.retention import body_lines, comparable, lost_lines, measure_retention
from tests.conftest import ROOT, shared_file

HEADER = """| **ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH** ------- | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** Độc lập - Tự do - Hạnh phúc --------------- |
Số: 2820/QĐ-UBND
*V/v triển khai thực hiện Đề án chuyển đổi số trong công tác
quản lý văn bản và hồ sơ công việc năm 2025*
*Thành phố Hồ Chí Minh, ngày 19 tháng 11 năm 2025*

Các sở, ngành thực hiện nhiệm vụ được giao trong Đề án chuyển đổi số của Thành phố.
"""

CLOSING = """Điều 3. Các sở, ngành chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:
- Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính);
- Thường trực HĐND, UBND các xã, phường, đặc khu,
các đơn vị sự nghiệp trực thuộc Thành phố;
- Lưu: VT, KSTTHC.

TM. ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH
KT. CHỦ TỊCH
Nguyễn Lộc Hà
"""


def test_header_block_lines_are_not_body_lines() -> None:
    assert body_lines(HEADER) == [
        "Các sở, ngành thực hiện nhiệm vụ được giao trong Đề án chuyển đổi số của Thành phố."]


def test_recipients_and_signature_are_not_body_lines() -> None:
    assert body_lines(CLOSING) == ["Điều 3. Các sở, ngành chịu trách nhiệm thi hành Quyết định này./."]


def test_a_body_sentence_naming_the_republic_is_a_body_line() -> None:
    clause = "đ) Đưa nạn nhân ra khỏi biên giới của nước Cộng hòa xã hội chủ nghĩa Việt Nam;"
    title = "Tội mua bán người dưới 16 tuổi"  # 30 characters: a body line too
    assert body_lines(f"{title}\n\n{clause}\n") == [title, clause]


def test_a_line_is_found_across_a_chunk_boundary_and_a_missing_one_is_listed() -> None:
    lines = [comparable("Các đơn vị gửi báo cáo   về Sở Nội vụ trước ngày 15 tháng 12 ."),
             "Một dòng không có trong văn bản đã lưu, dài hơn ba mươi ký tự."]
    chunks = ["Các đơn vị gửi báo cáo về Sở Nội vụ", "trước ngày 15 tháng 12."]
    assert lost_lines(lines, chunks) == [lines[1]]


def test_a_document_that_yields_no_chunk_is_named() -> None:
    result = measure_retention([("rac.txt", "Lượt xem: 1.234\nIn bài viết\n"),
                                ("dieu-13.txt", "Quốc kỳ nước Cộng hòa xã hội chủ nghĩa Việt Nam hình chữ nhật.\n")],
                               max_tokens=400, min_chars=200)
    assert result.dropped == ["rac.txt"]
    assert (result.documents, result.body_lines, result.kept_lines, result.lost) == (2, 1, 1, [])


def test_alqac_and_corpus_keep_their_body_text(tmp_path: Path, settings: Settings,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    corpus, alqac = shared_file("corpus/official-docs.jsonl"), shared_file("eval/alqac/corpus.jsonl").parent
    sys.path.insert(0, str(ROOT / "bench"))
    import ingest_speed as bench

    started = time.perf_counter()
    results = bench.retention(corpus, alqac, tmp_path, settings)
    with capsys.disabled():
        print(f"\nretention in {time.perf_counter() - started:.1f} s: " +
              "; ".join(f"{name} {result.summary()}" for name, result in results.items()))
    law, docs = results["alqac"], results["corpus"]
    assert (law.documents, docs.documents) == (3000, 431)
    assert not law.dropped and not docs.dropped
    assert law.share == 1.0, law.lost
    # Measured after issue #18: 88,286 / 88,286 corpus body lines kept.
    assert docs.share >= bench.RETENTION_GOALS["corpus"], docs.lost
