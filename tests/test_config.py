"""config.yaml, environment overrides and the one clear error for invalid config."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG, ConfigError, load_settings


def test_shipped_config_is_valid_and_relative_to_its_folder():
    settings = load_settings(environ={})
    assert settings.store_dir == DEFAULT_CONFIG.parent / "data" / "store"
    assert settings.database_url == f"sqlite:///{settings.store_dir / 'assistant.db'}"
    assert settings.store.chroma_host is None


def test_environment_overrides_config():
    settings = load_settings(environ={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": "8123",
                                      "DATABASE_URL": "postgresql://localhost/test",
                                      "ASSISTANT__CHUNKING__MAX_TOKENS": "300"})
    assert (settings.store.chroma_host, settings.store.chroma_port) == ("127.0.0.1", 8123)
    assert settings.database_url == "postgresql://localhost/test"
    assert settings.chunking.max_tokens == 300


@pytest.mark.parametrize("text, key", [
    ("chunking:\n  max_tokens: 9000\n", "chunking.max_tokens"),
    ("store:\n  chroma_port: not-a-port\n", "store.chroma_port"),
    ("search:\n  top_kk: 3\n", "search.top_kk"),
    ("embeddings:\n  model: x\n", "embeddings"),
])
def test_invalid_config_names_the_key(tmp_path: Path, text: str, key: str):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"'{key}'"):
        load_settings(path, environ={})


def test_invalid_environment_value_names_the_key():
    with pytest.raises(ConfigError, match="'ingest.max_file_mb'"):
        load_settings(environ={"ASSISTANT__INGEST__MAX_FILE_MB": "-1"})


def test_broken_yaml_and_missing_file_are_clear(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("paths: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(bad, environ={})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.yaml", environ={})
