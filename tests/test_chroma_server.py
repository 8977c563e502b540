"""Server mode: the same ingestion through Chroma's HTTP client against a real local server."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from bot.config import load_settings
from bot.ingestion.pipeline import Ingestor
from bot.retrieval.vector_store import chroma_folder, close_client, open_client, open_collection
from tests.conftest import SEED, FakeEmbeddings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    binary = Path(sys.executable).parent / "chroma"
    log = (tmp_path / "chroma.log").open("w")
    server = subprocess.Popen([str(binary), "run", "--path", str(tmp_path / "server-data"),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Chroma server did not start: {(tmp_path / 'chroma.log').read_text()}")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_ingest_through_a_chroma_server(tmp_path: Path, chroma_server: int):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    shutil.copy(SEED, knowledge / "chi-thi-17.txt")
    settings = load_settings(environ={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)},
                             paths__store=tmp_path / "store", paths__knowledge=knowledge)

    client = open_client(settings)
    collection = open_collection(settings, client)

    def run(encoder: FakeEmbeddings):
        return Ingestor(settings, encoder, collection, model_id="fake").run(knowledge, progress=False)

    first = run(FakeEmbeddings())
    assert first.added == ["chi-thi-17.txt"] and first.chunks_embedded > 0

    assert collection.count() == first.chunks_embedded
    hit = collection.query(query_embeddings=[FakeEmbeddings().embed_query("thi đua thông tin đối ngoại")],
                           n_results=1, include=["metadatas"])
    assert hit["metadatas"][0][0]["doc_number"] == "17/CT-BTTTT"

    again = run(FakeEmbeddings())
    assert again.unchanged == ["chi-thi-17.txt"] and again.chunks_embedded == 0
    (knowledge / "chi-thi-17.txt").unlink()
    assert run(FakeEmbeddings()).removed == ["chi-thi-17.txt"]
    assert collection.count() == 0
    close_client(client)
    # Nothing was written to the local store folder: the server holds it all.
    assert not chroma_folder(settings.store_dir).exists()
