"""Builds the shared services (embedding model, vector store) from the settings."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.embedding import E5Embeddings


def model_location(settings: Settings) -> str:
    """The configured model name or path, with the offline e5 alias resolved to its folder."""
    from bot.embedding import resolve_model

    return resolve_model(settings.embedding.model, settings.resolve(settings.embedding.local_dir))


def embeddings(settings: Settings) -> "E5Embeddings":
    from bot.embedding import E5Embeddings

    e = settings.embedding
    return E5Embeddings(model_location(settings), query_prefix=e.query_prefix,
                        passage_prefix=e.passage_prefix, batch_size=e.batch_size, device=e.device)


def prepare_model(settings: Settings) -> Path | None:
    """Build the offline e5 folder when the config names it; a hub model needs nothing here."""
    from bot.model_setup import prepare_model as build

    if settings.embedding.model != "multilingual-e5-small":
        return None
    return build(settings.resolve(settings.embedding.local_dir))
