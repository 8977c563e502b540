"""Incremental ingestion into a real Chroma store, with the fake embedding."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.ingestion.pipeline import Ingestor
from bot.retrieval.vector_store import iter_metadata, open_collection
from tests.conftest import SEED, FakeEmbeddings

PLAN = """ỦY BAN NHÂN DÂN TỈNH AN GIANG
Số: 982/KH-UBND
An Giang, ngày 05 tháng 3 năm 2025

KẾ HOẠCH
Tổ chức phong trào thi đua năm 2025

I. MỤC ĐÍCH, YÊU CẦU
1. Phát động phong trào thi đua sâu rộng trong toàn tỉnh, động viên cán bộ, công chức hoàn thành nhiệm vụ.
2. Việc bình xét khen thưởng phải công khai, dân chủ, đúng người, đúng thành tích.
II. TIÊU CHÍ THI ĐUA
1. Hoàn thành xuất sắc nhiệm vụ chính trị được giao trong năm.
2. Không có cán bộ, công chức vi phạm kỷ luật.
III. TỔ CHỨC THỰC HIỆN
Các sở, ban, ngành gửi báo cáo kết quả về Sở Nội vụ trước ngày 15 tháng 11 năm 2025 để tổng hợp.
"""

LETTER = """Ủy ban nhân dân tỉnh đề nghị các đơn vị rà soát hồ sơ đề nghị khen thưởng
và gửi danh sách về Văn phòng trước ngày 20/4/2025. Đơn vị chậm gửi sẽ không được xét.
"""


def ingest(settings: Settings, encoder: FakeEmbeddings, embed_batch: int = 256):
    ingestor = Ingestor(settings, encoder, open_collection(settings), model_id="fake", embed_batch=embed_batch)
    return ingestor.run(settings.resolve(settings.paths.knowledge), progress=False)


def stored(settings: Settings) -> dict[str, dict]:
    return dict(iter_metadata(open_collection(settings)))


@pytest.fixture
def knowledge(settings: Settings) -> Path:
    folder = settings.resolve(settings.paths.knowledge)
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEED, folder / "chi-thi-17.txt")
    (folder / "ke-hoach-982.md").write_text(PLAN, encoding="utf-8")
    (folder / "sub" / "cong-van.txt").write_text(LETTER, encoding="utf-8")
    (folder / ".hidden.txt").write_text("không nạp tệp ẩn", encoding="utf-8")
    return folder


def test_first_run_adds_every_file_with_metadata(settings, knowledge, fake_embeddings):
    report = ingest(settings, fake_embeddings)

    assert sorted(report.added) == ["chi-thi-17.txt", "ke-hoach-982.md", "sub/cong-van.txt"]
    assert report.ok and not report.updated and not report.removed
    chunks = stored(settings)
    assert report.chunks_embedded == len(chunks) > 3
    plan = [m for m in chunks.values() if m["source"] == "ke-hoach-982.md"]
    assert {m["doc_number"] for m in plan} == {"982/KH-UBND"}
    assert {m["doc_type"] for m in plan} == {"kế hoạch"}
    assert {m["issued_date"] for m in plan} == {"2025-03-05"}
    assert all(len(m["content_hash"]) == 64 for m in plan)
    assert any(m["section"].startswith("II. TIÊU CHÍ THI ĐUA") for m in plan)
    seed = [m for m in chunks.values() if m["source"] == "chi-thi-17.txt"]
    assert {m["doc_number"] for m in seed} == {"17/CT-BTTTT"}


def test_rerun_on_unchanged_files_embeds_nothing(settings, knowledge, fake_embeddings):
    ingest(settings, fake_embeddings)
    before = stored(settings)
    again = FakeEmbeddings()

    report = ingest(settings, again)

    assert len(report.unchanged) == 3 and not (report.added or report.updated or report.removed)
    assert report.chunks_embedded == 0 and again.embedded == []
    assert stored(settings) == before


def test_changed_file_replaces_its_old_chunks(settings, knowledge, fake_embeddings):
    ingest(settings, fake_embeddings)
    (knowledge / "sub" / "cong-van.txt").write_text(
        LETTER.replace("20/4/2025", "30/4/2025"), encoding="utf-8")
    again = FakeEmbeddings()

    report = ingest(settings, again)

    assert report.updated == ["sub/cong-van.txt"] and len(report.unchanged) == 2
    assert again.embedded and all("30/4/2025" in t for t in again.embedded)
    docs = open_collection(settings).get(where={"source": "sub/cong-van.txt"})["documents"]
    assert docs and any("30/4/2025" in d for d in docs)
    assert not any("20/4/2025" in d for d in docs)


def test_removed_file_loses_its_chunks(settings, knowledge, fake_embeddings):
    ingest(settings, fake_embeddings)
    (knowledge / "ke-hoach-982.md").unlink()

    report = ingest(settings, FakeEmbeddings())

    assert report.removed == ["ke-hoach-982.md"]
    assert {m["source"] for m in stored(settings).values()} == {"chi-thi-17.txt", "sub/cong-van.txt"}


class CrashingEmbeddings(FakeEmbeddings):
    """Dies on the n-th batch, as a killed process would between two writes."""

    def __init__(self, crash_on_call: int) -> None:
        super().__init__()
        self.calls = 0
        self.crash_on_call = crash_on_call

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls == self.crash_on_call:
            raise KeyboardInterrupt("simulated kill")
        return super().embed_documents(texts)


def test_crash_midway_leaves_a_usable_store_and_next_run_completes(settings, knowledge, tmp_path):
    ingest(settings, FakeEmbeddings())
    (knowledge / "chi-thi-17.txt").write_text(SEED.read_text(encoding="utf-8") + "\nĐoạn bổ sung mới.",
                                              encoding="utf-8")
    (knowledge / "new.txt").write_text(LETTER.replace("Văn phòng", "Sở Nội vụ"), encoding="utf-8")

    with pytest.raises(KeyboardInterrupt):
        # Small batches, so the kill falls between two writes of the same run.
        ingest(settings, CrashingEmbeddings(crash_on_call=2), embed_batch=2)

    # Usable: every file still has chunks, and a query answers.
    assert {m["source"] for m in stored(settings).values()} >= {"chi-thi-17.txt", "ke-hoach-982.md"}
    hits = open_collection(settings).query(query_embeddings=[FakeEmbeddings().embed_query("khen thưởng")],
                                           n_results=2)
    assert hits["ids"][0]

    resumed = ingest(settings, FakeEmbeddings())
    assert resumed.ok and resumed.chunks_embedded > 0

    # The result equals a clean ingestion of the same folder.
    fresh = settings.model_copy(update={"paths": settings.paths.model_copy(
        update={"store": tmp_path / "fresh"})})
    ingest(fresh, FakeEmbeddings())
    assert set(stored(settings)) == set(stored(fresh))


BAD_FILES = {
    "hong.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref",
    "hong.docx": b"PK\x03\x04 this is not really a zip archive",
    "rong.txt": b"",
    "nhi-phan.txt": bytes(range(256)) * 8,
    "bang-tinh.xlsx": b"PK\x03\x04",
}


def test_bad_files_are_reported_and_the_rest_ingested(settings, knowledge):
    for name, data in BAD_FILES.items():
        (knowledge / name).write_bytes(data)
    (knowledge / "qua-lon.txt").write_text("chữ " * 300_000, encoding="utf-8")
    settings = settings.model_copy(update={"ingest": settings.ingest.model_copy(
        update={"max_file_mb": 1})})

    report = ingest(settings, FakeEmbeddings())

    failed = dict(report.failed)
    assert set(failed) == set(BAD_FILES) | {"qua-lon.txt"}
    assert all(reason.strip() and "\n" not in reason for reason in failed.values())
    assert "PDF" in failed["hong.pdf"] and "DOCX" in failed["hong.docx"]
    assert ".xlsx" in failed["bang-tinh.xlsx"] and "MB" in failed["qua-lon.txt"]
    assert sorted(report.added) == ["chi-thi-17.txt", "ke-hoach-982.md", "sub/cong-van.txt"]


def test_zip_bomb_and_long_pdf_are_reported_and_the_rest_ingested(settings, knowledge, tmp_path):
    import zipfile

    from tests.test_loaders import MB, docx_with_member, pdf_of_pages

    bomb = docx_with_member(tmp_path, "bom.docx", bytes(8 * MB), zipfile.ZIP_DEFLATED)
    shutil.copy(bomb, knowledge / "bom.docx")
    pdf_of_pages(knowledge / "dai.pdf", 3)
    settings = settings.model_copy(update={"ingest": settings.ingest.model_copy(
        update={"max_pdf_pages": 2})})

    report = ingest(settings, FakeEmbeddings())

    failed = dict(report.failed)
    assert set(failed) == {"bom.docx", "dai.pdf"}
    assert "bom nén" in failed["bom.docx"] and failed["dai.pdf"] == "tệp PDF quá nhiều trang (3 > 2 trang)"
    assert sorted(report.added) == ["chi-thi-17.txt", "ke-hoach-982.md", "sub/cong-van.txt"]


def test_symlinks_in_the_knowledge_folder_are_skipped_and_named(settings, knowledge, tmp_path, capsys):
    outside = tmp_path / "ngoai"
    (outside / "mat").mkdir(parents=True)
    (outside / "bi-mat.txt").write_text(LETTER.replace("Văn phòng", "kho bí mật"), encoding="utf-8")
    (outside / "mat" / "ho-so.txt").write_text(PLAN, encoding="utf-8")
    (knowledge / "lien-ket.txt").symlink_to(outside / "bi-mat.txt")
    (knowledge / "sub" / "thu-muc").symlink_to(outside / "mat", target_is_directory=True)

    report = ingest(settings, FakeEmbeddings())

    assert sorted(report.added) == ["chi-thi-17.txt", "ke-hoach-982.md", "sub/cong-van.txt"]
    assert report.ok and {m["source"] for m in stored(settings).values()} == set(report.added)
    err = capsys.readouterr().err
    assert "Bỏ qua lien-ket.txt: đây là liên kết tượng trưng (symlink)" in err
    assert "Bỏ qua sub/thu-muc: đây là liên kết tượng trưng (symlink)" in err


def test_file_that_turns_corrupt_keeps_its_previous_chunks(settings, knowledge):
    ingest(settings, FakeEmbeddings())
    before = {k for k, m in stored(settings).items() if m["source"] == "ke-hoach-982.md"}
    (knowledge / "ke-hoach-982.md").write_bytes(b"\x00\x01\x02" * 100)

    report = ingest(settings, FakeEmbeddings())

    assert [rel for rel, _ in report.failed] == ["ke-hoach-982.md"] and not report.removed
    assert before == {k for k, m in stored(settings).items() if m["source"] == "ke-hoach-982.md"}


# -- deadlines and criteria go to the fact store in the same pass -------------------------------

def facts_of(settings: Settings):
    from bot.db.engine import connect
    from bot.db.facts import FactStore

    return FactStore(connect(settings.database_url))


def ingest_with_facts(settings: Settings, encoder: FakeEmbeddings):
    ingestor = Ingestor(settings, encoder, open_collection(settings), model_id="fake",
                        facts=facts_of(settings))
    return ingestor.run(settings.resolve(settings.paths.knowledge), progress=False)


def test_facts_follow_the_files(settings, knowledge):
    ingest_with_facts(settings, FakeEmbeddings())
    facts = facts_of(settings)
    (deadline,) = facts.obligations(["982/KH-UBND"])
    assert deadline.obligation.deadline.text == "trước ngày 15 tháng 11 năm 2025"
    assert "gửi báo cáo kết quả về Sở Nội vụ" in deadline.obligation.action
    assert [e.criteria.items for e in facts.criteria(["982/KH-UBND"])] == [(
        "Hoàn thành xuất sắc nhiệm vụ chính trị được giao trong năm",
        "Không có cán bộ, công chức vi phạm kỷ luật")]

    plan = knowledge / "ke-hoach-982.md"
    plan.write_text(PLAN.replace("15 tháng 11 năm 2025", "01 tháng 12 năm 2025"), encoding="utf-8")
    (knowledge / "sub" / "cong-van.txt").unlink()
    ingest_with_facts(settings, FakeEmbeddings())

    (deadline,) = facts.obligations(["982/KH-UBND"])
    assert deadline.obligation.deadline.text == "trước ngày 01 tháng 12 năm 2025"
    assert {d.source for d in facts.documents()} == {"chi-thi-17.txt", "ke-hoach-982.md"}


def test_an_empty_fact_store_is_filled_without_embedding_again(settings, knowledge):
    ingest(settings, FakeEmbeddings())  # an older store: chunks but no facts
    encoder = FakeEmbeddings()

    report = ingest_with_facts(settings, encoder)

    assert len(report.unchanged) == 3 and encoder.embedded == []
    assert facts_of(settings).obligations(["982/KH-UBND"])


def test_a_newer_cleaner_or_extractor_rereads_every_file_and_encodes_nothing_again(settings, knowledge, monkeypatch):
    from bot.ingestion import pipeline

    ingest_with_facts(settings, FakeEmbeddings())
    before = stored(settings)
    replaced: list[str] = []
    facts = facts_of(settings)
    monkeypatch.setattr(type(facts), "replace_document", lambda self, source, *args: replaced.append(source))
    monkeypatch.setattr(pipeline, "FACTS_VERSION", "newer extractor")
    encoder = FakeEmbeddings()

    report = ingest_with_facts(settings, encoder)  # the facts only

    assert len(report.unchanged) == 3 and encoder.embedded == [] and stored(settings) == before
    assert sorted(replaced) == ["chi-thi-17.txt", "ke-hoach-982.md", "sub/cong-van.txt"]
    monkeypatch.setattr(pipeline, "PIPELINE_VERSION", "newer cleaner")

    report = ingest_with_facts(settings, encoder)  # every file chunked again, each passage's vector kept

    assert len(report.updated) == 3 and encoder.embedded == []
    assert sorted(m["embed_hash"] for m in stored(settings).values()) == sorted(m["embed_hash"] for m in before.values())


def test_the_versions_follow_the_source_of_what_they_cover(tmp_path):
    from bot.ingestion.pipeline import CODE_ROOT, FACTS_VERSION, PIPELINE_VERSION, code_version

    shutil.copytree(CODE_ROOT / "facts", tmp_path / "facts", ignore=shutil.ignore_patterns("__pycache__"))
    first = code_version("facts", root=tmp_path)
    assert first == code_version("facts")
    extract = tmp_path / "facts" / "extract.py"
    extract.write_text(extract.read_text(encoding="utf-8") + "\n# a change\n", encoding="utf-8")
    assert code_version("facts", root=tmp_path) != first
    assert len({PIPELINE_VERSION, FACTS_VERSION}) == 2


NOISE_ONLY = "Trang chủ > Tin tức > Chỉ đạo điều hành\nLượt xem: 1.234\nIn bài viết\nTrang 1/3\n----------\n"
HEADER_ONLY = "ỦY BAN NHÂN DÂN TỈNH AN GIANG\nSố: 982/KH-UBND\nAn Giang, ngày 05 tháng 3 năm 2025\n"


def test_a_file_cleaning_would_empty_keeps_its_text_and_says_so(settings, knowledge, capsys):
    (knowledge / "chi-co-dau-trang.txt").write_text(HEADER_ONLY, encoding="utf-8")

    report = ingest(settings, FakeEmbeddings())

    assert "chi-co-dau-trang.txt" in report.added and report.ok
    texts = open_collection(settings).get(where={"source": "chi-co-dau-trang.txt"})["documents"]
    assert "Số: 982/KH-UBND" in "\n".join(texts)
    assert "chi-co-dau-trang.txt" in capsys.readouterr().err


def test_a_file_of_only_noise_is_reported_not_ingested(settings, knowledge, capsys):
    (knowledge / "chi-co-rac.txt").write_text(NOISE_ONLY, encoding="utf-8")

    report = ingest(settings, FakeEmbeddings())

    assert dict(report.failed) == {"chi-co-rac.txt": "không còn nội dung nào sau khi làm sạch"}
    assert "chi-co-rac.txt" not in capsys.readouterr().err
