"""Ingest directive texts into the store: python ingest.py --knowledge DIR --store DIR."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import ConfigError, load_settings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Nạp văn bản chỉ đạo vào kho tra cứu.")
    parser.add_argument("--knowledge", type=Path, help="thư mục văn bản (mặc định: theo config)")
    parser.add_argument("--store", type=Path, help="thư mục kho (mặc định: theo config)")
    parser.add_argument("--config", type=Path, help="tệp cấu hình khác config.yaml")
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="luôn hiện thanh tiến độ")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings(args.config, paths__store=_absolute(args.store),
                                 paths__knowledge=_absolute(args.knowledge))
    except ConfigError as exc:
        print(f"Cấu hình không hợp lệ — {exc}", file=sys.stderr)
        return 2
    knowledge = settings.resolve(settings.paths.knowledge)
    if not knowledge.is_dir():
        print(f"Không tìm thấy thư mục văn bản: {knowledge}", file=sys.stderr)
        return 2

    from bot import app
    from bot.ingestion.pipeline import Ingestor
    from bot.retrieval.vector_store import open_collection

    ingestor = Ingestor(settings, app.embeddings(settings), open_collection(settings),
                        model_id=settings.embedding.model, facts=app.fact_store(settings))
    report = ingestor.run(knowledge, progress=args.progress)
    for rel, reason in report.failed:
        print(f"Bỏ qua {rel}: {reason}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def _absolute(path: Path | None) -> Path | None:
    # Paths given on the command line are relative to where the command runs.
    return path.resolve() if path else None


if __name__ == "__main__":
    sys.exit(main())
