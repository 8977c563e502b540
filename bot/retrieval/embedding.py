"""LangChain embeddings backed by an e5 model (loaded lazily, once per process), run by one of two
runtimes: "torch" (sentence-transformers, fp32) or "onnx-int8" (the int8 ONNX copy that
`prepare-model` builds, run by onnxruntime: faster, in less memory, and without torch; the
figures are in the README).

Importing this module is cheap: torch and sentence-transformers are imported on first use only,
so unit tests and commands that never embed do not pay for them.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

OFFLINE_ALIAS = "multilingual-e5-small"
RUNTIMES = ("torch", "onnx-int8")


def resolve_model(settings_model: str, local_dir: Path) -> str:
    """The offline alias names the folder `prepare_model` builds; hub ids and paths pass through."""
    return str(local_dir) if settings_model == OFFLINE_ALIAS else settings_model


def _is_local(name: str) -> bool:
    return Path(name).is_dir()


def _cache_key(name: str) -> str:
    """One cache entry per folder however it is spelled (relative, trailing slash)."""
    return str(Path(name).resolve()) if _is_local(name) else name


@functools.lru_cache(maxsize=None)
def load_model(name: str, device: str) -> "SentenceTransformer":
    """One SentenceTransformer per (model, device) in this process."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # transformers draws a "Loading weights" bar on every start; keep the console clean,
    # then restore whatever the process had chosen.
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        # A local folder must never fall back to the hub (there is none here).
        return SentenceTransformer(name, device=device, local_files_only=_is_local(name))
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()


@functools.lru_cache(maxsize=None)
def load_tokenizer(name: str, device: str) -> "Tokenizer":
    """A private, never-truncating copy of the model's tokenizer, for counting tokens.

    A local folder is read directly (no model load, no torch); otherwise the loaded model's
    tokenizer is copied, because transformers sets truncation on the shared one per call.
    """
    from tokenizers import Tokenizer

    file = Path(name) / "tokenizer.json"
    if file.is_file():
        tok = Tokenizer.from_file(str(file))
    else:
        tok = Tokenizer.from_str(load_model(name, device).tokenizer.backend_tokenizer.to_str())
    tok.no_truncation()
    tok.no_padding()
    return tok


class E5Embeddings(Embeddings):
    """e5 embeddings with the `query: ` / `passage: ` prefixes the model family was trained with."""

    def __init__(self, model_path_or_name: str, query_prefix: str = "query: ",
                 passage_prefix: str = "passage: ", batch_size: int = 32, device: str = "cpu",
                 runtime: str = "torch") -> None:
        if runtime not in RUNTIMES:
            raise ValueError(f"unknown embedding runtime {runtime!r}; expected one of {RUNTIMES}")
        if runtime != "torch" and not _is_local(str(model_path_or_name)):
            raise ValueError(f"the {runtime} runtime needs a local model folder, not {model_path_or_name!r}")
        self.model_name = str(model_path_or_name)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.device = device
        self.runtime = runtime

    @property
    def runtime_version(self) -> str:
        """What else shapes this runtime's vectors: the int8 copy's recipe."""
        from bot.retrieval.onnx_runtime import RECIPE_VERSION

        return f"recipe {RECIPE_VERSION}" if self.runtime == "onnx-int8" else ""

    @property
    def model(self) -> "SentenceTransformer":
        return load_model(_cache_key(self.model_name), self.device)

    def _encode(self, texts: Sequence[str], prefix: str) -> "np.ndarray":
        if self.runtime == "onnx-int8":
            from bot.retrieval.onnx_runtime import load_encoder

            return load_encoder(_cache_key(self.model_name)).encode([prefix + t for t in texts])
        return self.model.encode(list(texts), prompt=prefix, batch_size=self.batch_size,
                                 normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)

    def encode_passages(self, texts: Sequence[str]) -> "np.ndarray":
        """Passage embeddings as a float32 array [len(texts), dim] (for benchmarks)."""
        return self._encode(texts, self.passage_prefix)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], self.query_prefix)[0].tolist()

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text` as a passage (prefix and <s> </s> included, untruncated)."""
        tok = load_tokenizer(_cache_key(self.model_name), self.device)
        return len(tok.encode(self.passage_prefix + text, add_special_tokens=True).ids)

    def __repr__(self) -> str:
        return f"E5Embeddings({self.model_name!r}, device={self.device!r}, runtime={self.runtime!r})"
