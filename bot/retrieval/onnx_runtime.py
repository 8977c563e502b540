"""e5 passages and questions encoded by the int8 ONNX copy of the model, without torch.

The copy (`onnx/model_qint8.onnx` inside the model folder, built by `prepare-model`) returns the
encoder's last hidden state; pooling is done here as sentence-transformers does it for e5: the
mean over the attention mask, then L2 normalisation. Texts are tokenised by the folder's own
`tokenizer.json`, truncated at the same max length as the torch path.

Each text is run alone: in a padded batch int8 vectors shift with their neighbours (cosine
0.993 to the same text run alone), and on two CPU cores batching bought no speed. A passage's
vector thus depends on its text only, which also lets ingestion reuse it for identical texts.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

ONNX_DIR = "onnx"
INT8_FILE = "model_qint8.onnx"
# Bump when the recipe of bot/retrieval/onnx_export.py changes what the copy computes: the copy
# is rebuilt, and stores it embedded are re-embedded (it is part of their fingerprint).
RECIPE_VERSION = "3"
DEFAULT_MAX_LENGTH = 512


class MissingOnnxModel(RuntimeError):
    """The int8 copy has not been built; the message says how to build it."""


def int8_path(folder: Path) -> Path:
    return Path(folder) / ONNX_DIR / INT8_FILE


def max_length(folder: Path) -> int:
    """The max sequence length sentence-transformers reads from the folder (512 for e5)."""
    config = Path(folder) / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", DEFAULT_MAX_LENGTH))
    return DEFAULT_MAX_LENGTH


class OnnxEncoder:
    """One ONNX Runtime session and tokenizer for one model folder."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = int8_path(folder)
        if not path.is_file():
            raise MissingOnnxModel(
                f"Chưa có bản int8 ONNX của mô hình ({path}); chạy `python -m bot prepare-model` để tạo.")
        self.tokenizer: Tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length(folder))
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # warnings about unused initialisers are not the user's
        self.session: onnxruntime.InferenceSession = ort.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"])

    def encode_one(self, text: str) -> np.ndarray:
        ids = np.asarray([self.tokenizer.encode(text).ids], dtype=np.int64)
        mask = np.ones_like(ids)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0][0]
        vector = hidden.mean(axis=0)  # no padding: every token is under the mask
        return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """[len(texts), dim] float32, unit length; texts already carry their prefix."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.encode_one(t) for t in texts])


@functools.lru_cache(maxsize=None)
def load_encoder(folder: str) -> OnnxEncoder:
    """One session per model folder in this process."""
    return OnnxEncoder(Path(folder))
