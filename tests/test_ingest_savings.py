"""Work ingestion saves: identical passages are encoded once, boilerplate chunks not at all."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.ingestion.boilerplate import is_boilerplate
from bot.ingestion.pipeline import Ingestor
from bot.retrieval.vector_store import MODEL_KEY, RUNTIME_KEY, iter_metadata, open_collection
from tests.conftest import FakeEmbeddings

SHARED = ("II. HIỆU LỰC THI HÀNH\nNghị quyết này có hiệu lực thi hành từ ngày được thông qua. Các cơ quan "
          "theo thẩm quyền khẩn trương triển khai thực hiện, bảo đảm đúng tiến độ và báo cáo kết quả.")
FORM_CLOSING = ("THƯ KÝ HỘI ĐỒNG\n(Ký và ghi rõ họ tên)\nCHỦ TỊCH HỘI ĐỒNG\n(Ký và ghi rõ họ tên)\n"
                "Mẫu số 37\nBỘ VĂN HÓA, THỂ THAO\nVÀ\nDU LỊCH\n................(A).............\n"
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


def document(title: str, own: str) -> str:
    # Article 1 long enough to fill a chunk of its own: article 2 is then a chunk by itself.
    return f"{title}\n\nI. NHIỆM VỤ\n{' '.join([own] * 9)}\n\n{SHARED}\n"


def run(settings: Settings, encoder: FakeEmbeddings):
    ingestor = Ingestor(settings, encoder, open_collection(settings), model_id="fake")
    return ingestor.run(settings.resolve(settings.paths.knowledge), progress=False)


@pytest.fixture
def knowledge(settings: Settings) -> Path:
    folder = settings.resolve(settings.paths.knowledge)
    folder.mkdir(parents=True)
    own = ["Ủy ban nhân dân tỉnh giao Sở Nội vụ chủ trì tổng hợp kết quả thi đua của các đơn vị trong năm.",
           "Sở Tài chính bố trí kinh phí khen thưởng từ nguồn ngân sách tỉnh theo phân cấp hiện hành."]
    for i, text in enumerate(own):
        (folder / f"nghi-quyet-{i}.txt").write_text(document(f"NGHỊ QUYẾT SỐ {i + 1}", text), encoding="utf-8")
    return folder


def test_identical_passages_of_two_documents_are_encoded_once(settings, knowledge, fake_embeddings):
    report = run(settings, fake_embeddings)

    texts = [text for text in fake_embeddings.embedded if "HIỆU LỰC THI HÀNH" in text]
    assert len(texts) == 1, fake_embeddings.embedded
    stored = dict(iter_metadata(open_collection(settings)))
    assert report.chunks_embedded == len(stored) and report.chunks_encoded == len(stored) - 1
    got = open_collection(settings).get(include=["documents", "embeddings"])
    shared = [e for d, e in zip(got["documents"], got["embeddings"]) if "HIỆU LỰC THI HÀNH" in d]
    assert len(shared) == 2 and list(shared[0]) == list(shared[1])
    assert "1 đoạn trùng nội dung dùng lại vectơ đã có" in report.summary()


def test_an_edited_file_reuses_the_vectors_of_its_unchanged_passages(settings, knowledge, fake_embeddings):
    run(settings, fake_embeddings)
    path = knowledge / "nghi-quyet-0.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("SỐ 1", "SỐ 1 (SỬA ĐỔI)"), encoding="utf-8")
    encoder = FakeEmbeddings()

    report = run(settings, encoder)

    assert report.updated == ["nghi-quyet-0.txt"]
    assert len(encoder.embedded) == 1 and "SỬA ĐỔI" in encoder.embedded[0]
    assert report.chunks_encoded == 1 and report.chunks_embedded > 1


def test_every_passage_records_what_embedded_it(settings, knowledge, fake_embeddings):
    run(settings, fake_embeddings)
    metas = [meta for _, meta in iter_metadata(open_collection(settings))]
    assert metas and all(m[MODEL_KEY] == "fake" and m[RUNTIME_KEY] == "other" for m in metas)


def test_a_form_closing_is_neither_embedded_nor_stored(settings, knowledge, fake_embeddings, monkeypatch):
    # The chunker decides where a form's closing lands; here it is given a chunk of its own.
    from bot.ingestion import pipeline
    from bot.ingestion.document import Chunk

    chunks = [Chunk("Biên bản họp Hội đồng thẩm định ghi rõ thành phần và kết luận của Chủ tịch Hội đồng.", "PHỤ LỤC I"),
              Chunk(FORM_CLOSING, "PHỤ LỤC I"),
              Chunk("Đơn đề nghị cấp giấy phép hoạt động bảo tàng ngoài công lập gửi cơ quan có thẩm quyền.", "PHỤ LỤC II")]
    monkeypatch.setattr(pipeline, "split_into_chunks", lambda *args: list(chunks))
    for path in knowledge.iterdir():
        path.unlink()
    (knowledge / "quyet-dinh.txt").write_text("Quyết định ban hành mẫu biên bản.", encoding="utf-8")

    report = run(settings, fake_embeddings)

    assert report.chunks_skipped == 1 and "bỏ qua 1 đoạn chỉ gồm nơi nhận, chữ ký" in report.summary()
    assert not [t for t in fake_embeddings.embedded if "THƯ KÝ HỘI ĐỒNG" in t]
    stored = open_collection(settings).get(include=["documents", "metadatas"])
    assert sorted(d[:6] for d in stored["documents"]) == ["Biên b", "Đơn đề"]
    assert {m["chunk_count"] for m in stored["metadatas"]} == {2}
    assert run(settings, FakeEmbeddings()).unchanged == ["quyet-dinh.txt"]


def test_a_document_of_boilerplate_only_keeps_it(settings, knowledge, fake_embeddings, monkeypatch):
    from bot.ingestion import pipeline
    from bot.ingestion.document import Chunk

    monkeypatch.setattr(pipeline, "split_into_chunks", lambda *args: [Chunk(FORM_CLOSING, "")])
    report = run(settings, fake_embeddings)
    assert report.ok and report.chunks_skipped == 0 and report.chunks_embedded == 2


@pytest.mark.parametrize("text", [
    FORM_CLOSING,
    "Nơi nhận:\n- Như trên;\n- Vụ Kế hoạch - Tài chính;\n- Lưu: VT, TTTV.\nCỤC TRƯỞNG\n(Ký tên, đóng dấu)",
    "CÁ NHÂN ĐƯỢC KIỂM TRA\n(Ký và ghi rõ họ tên;\nký, đóng dấu và ghi rõ họ tên, chức vụ người ký (nếu là tổ chức))\n"
    "TRƯỞNG ĐOÀN KIỂM TRA\n(Ký và ghi rõ họ tên, chức vụ người ký)",
    "(Ký và ghi rõ họ tên)\nCHỦ TỊCH HỘI ĐỒNG\n(Ký và ghi rõ họ tên) Mẫu số 37",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # a form's repeated header, left alone by the chunker
])
def test_boilerplate(text: str) -> None:
    assert is_boilerplate(text)


@pytest.mark.parametrize("text", [
    # Prose before the closing keeps the chunk: it is the document's last instruction.
    "Cục Trồng trọt và Bảo vệ thực vật trình Bộ trưởng phê duyệt./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
    "CỤC TRƯỞNG\n(Ký tên, đóng dấu)",
    # A list of tasks is not a list of recipients.
    "II. ĐỀ XUẤT, KIẾN NGHỊ\n- Đề nghị công bố hết dịch trên địa bàn;\n- Giải pháp quản lý dịch hại bền vững.",
    # Headings alone, without a recipients or signature line, are not a closing.
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nKẾ HOẠCH",
    "Ký kết quy chế phối hợp giữa Sở Nội vụ và Ban Thi đua - Khen thưởng trong quý I năm 2026.",
])
def test_not_boilerplate(text: str) -> None:
    assert not is_boilerplate(text)
