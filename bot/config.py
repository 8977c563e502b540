"""Configuration: `config.yaml`, overridden by environment variables, validated once."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.yaml"
ENV_PREFIX = "ASSISTANT__"
# Environment names documented in the README (Configuration), mapped to their config keys.
ENV_ALIASES = {
    "CHROMA_HOST": ("store", "chroma_host"),
    "CHROMA_PORT": ("store", "chroma_port"),
    "DATABASE_URL": ("database", "url"),
}


class ConfigError(Exception):
    """Invalid configuration; the message names the offending key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Paths(_Section):
    knowledge: Path = Path("knowledge")
    store: Path = Path("data/store")


class Embedding(_Section):
    model: str = "multilingual-e5-small"
    local_dir: Path = Path("data/models/multilingual-e5-small")
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    batch_size: int = Field(32, ge=1, le=1024)
    device: str = "cpu"
    # onnx-int8: the int8 ONNX copy built by prepare-model; torch: sentence-transformers in fp32.
    runtime: Literal["torch", "onnx-int8"] = "onnx-int8"


class Chunking(_Section):
    max_tokens: int = Field(400, ge=64, le=512)
    min_chars: int = Field(200, ge=0)


class Ingest(_Section):
    max_file_mb: float = Field(20, gt=0)
    # Zip-bomb bounds for .docx, read from the archive's directory before anything is unpacked.
    max_unpacked_mb: float = Field(200, gt=0)
    max_zip_ratio: float = Field(100, gt=1)
    max_pdf_pages: int = Field(1000, ge=1)
    # A .docx or .pdf whose parse runs longer is stopped and reported (its parser runs in a child).
    max_parse_seconds: float = Field(60, gt=0)
    extensions: list[str] = [".txt", ".md", ".html", ".htm", ".docx", ".pdf"]

    @field_validator("extensions")
    @classmethod
    def _dotted(cls, value: list[str]) -> list[str]:
        return [e.lower() if e.startswith(".") else "." + e.lower() for e in value]


class Store(_Section):
    collection: str = Field("directives", min_length=3)
    chroma_host: str | None = None
    chroma_port: int = Field(8000, ge=1, le=65535)


class Database(_Section):
    url: str | None = None


class Search(_Section):
    top_k: int = Field(3, ge=1, le=50)
    dense_k: int = Field(30, ge=2, le=500)
    lexical_k: int = Field(30, ge=1, le=500)
    dense_weight: float = Field(0.3, ge=0)
    unaccented_dense_weight: float = Field(0.0, ge=0)
    bm25_k1: float = Field(0.6, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)


class Answers(_Section):
    candidates: int = Field(6, ge=1, le=50)
    shown_sources: int = Field(3, ge=1, le=10)
    min_pair_coverage: float = Field(0.35, ge=0, le=1)
    min_dense: float = Field(0.90, ge=0, le=1)
    min_focused_coverage: float = Field(0.6, ge=0, le=1)
    followup_minutes: float = Field(30, gt=0)
    # The messenger bots answer questions in a process of their own (the model loaded there
    # only), so that their CPU work never slows commands; false answers in the bot's process.
    separate_process: bool = True
    # An answer the separate process has not given after this long fails with the apology and
    # the process, presumed stuck, is restarted.
    timeout_s: float = Field(60, gt=0)


class Llm(_Section):
    base_url: str | None = None
    model: str | None = None
    timeout_s: float = Field(20, gt=0)
    temperature: float = Field(0.0, ge=0, le=2)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class Telegram(_Section):
    # Webhook mode when a public URL is set; long polling otherwise. The secret token comes
    # from TELEGRAM_WEBHOOK_SECRET, the bot token from TELEGRAM_BOT_TOKEN.
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = Field(8443, ge=1, le=65535)
    # The bot's @username, for the dashboard's invite links and QR codes
    # (https://t.me/<username>?start=<code>); the bot itself learns it from Telegram.
    username: str | None = None

    @field_validator("username")
    @classmethod
    def _bare(cls, value: str | None) -> str | None:
        name = (value or "").strip().lstrip("@")
        if name and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name):
            raise ValueError(f"'{value}': a Telegram username is 4-32 letters, digits or _")
        return name or None


class Zalo(_Section):
    # Same for Zalo: ZALO_BOT_TOKEN, ZALO_WEBHOOK_SECRET.
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = Field(8444, ge=1, le=65535)
    # Polling deletes a webhook already set only when this is true (or with --drop-webhook).
    drop_webhook: bool = False


class Web(_Section):
    # The secretariat's dashboard (`python -m bot web`): where it listens, and the address
    # people open (behind a proxy, the public https one). Sign-in links from /web or
    # `web-login` last link_minutes and work once; a session ends after idle_minutes unused.
    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    base_url: str | None = None
    link_minutes: int = Field(10, ge=1, le=60)
    idle_minutes: int = Field(120, ge=5, le=60 * 24 * 30)
    max_upload_mb: int = Field(20, ge=1, le=200)

    @property
    def address(self) -> str:
        return (self.base_url or f"http://{self.listen}:{self.port}").rstrip("/")


class Access(_Section):
    # Admins (the secretariat) by messenger account: "telegram:<user id>", "zalo:<user id>".
    admins: list[str] = []
    # Per person and minute, counted in the database (every worker shares them): messages and
    # button presses of any kind, commands, and questions (search and maybe a paid model call).
    messages_per_minute: int = Field(30, ge=1)
    commands_per_minute: int = Field(20, ge=1)
    questions_per_minute: int = Field(6, ge=1)
    # Questions one process answers at once; beyond that the asker is told the bot is busy.
    concurrent_questions: int = Field(4, ge=1, le=64)
    # Days an invite code stays valid.
    invite_days: int = Field(7, ge=1, le=365)
    # Wrong /dangky codes one account may type in an hour, and all accounts together, before
    # registration waits for the next hour (for that account, or for everyone).
    failed_registrations_per_hour: int = Field(5, ge=1)
    failed_registrations_per_hour_all: int = Field(100, ge=1)

    @field_validator("admins")
    @classmethod
    def _qualified(cls, value: list[str]) -> list[str]:
        for entry in value:
            channel, _, user = str(entry).partition(":")
            if channel not in ("telegram", "zalo", "console") or not user:
                raise ValueError(f"'{entry}': expected telegram:<user id> or zalo:<user id>")
        return [str(e) for e in value]


class Reports(_Section):
    # Minutes after a report during which its author may correct it (a new row; history kept).
    correction_minutes: int = Field(1440, ge=0)
    max_text_chars: int = Field(1000, ge=10, le=4000)
    max_file_mb: float = Field(10, gt=0, le=50)
    file_types: list[str] = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png"]
    # Obligations whose deadline passed at most this many days ago can still be reported on.
    past_days: int = Field(60, ge=0)
    # A dialog (report, broadcast) left untouched this long is forgotten.
    dialog_hours: int = Field(24, ge=1)


class Reminders(_Section):
    enabled: bool = True
    # Days before a deadline when the units that have not finished are reminded (0 = on the day).
    offsets_days: list[int] = [7, 3, 1, 0]
    # Hour of the day (Vietnam time) at which reminders go out.
    hour: int = Field(8, ge=0, le=23)
    # Days after a missed deadline when the overdue notice goes out (0 = none).
    overdue_days: int = Field(1, ge=0)
    # A reminder missed while the bot was down is still sent this many hours late (never after
    # the next reminder of the same deadline is due).
    grace_hours: int = Field(24, ge=1, le=168)
    # How often the plan is checked, in seconds.
    check_seconds: int = Field(300, ge=1)


class Delivery(_Section):
    # Messenger limits (Telegram: about 30/s overall, 1/s per chat, 20/min per group).
    telegram_per_second: float = Field(30, gt=0)
    telegram_chat_interval_s: float = Field(1.0, ge=0)
    telegram_group_per_minute: int = Field(20, ge=1)
    zalo_per_second: float = Field(10, gt=0)
    zalo_chat_interval_s: float = Field(1.0, ge=0)
    # Attempts before a message is marked failed (429s wait and do not count).
    max_attempts: int = Field(5, ge=1)
    # Seconds after which a message claimed by a worker that died is sent again, and after which
    # a delivery leader that stopped renewing its lease is replaced by another process.
    lease_s: int = Field(60, ge=5)
    # Seconds between looks at the outbox when it is empty.
    poll_s: float = Field(2.0, gt=0)
    # Messages the delivery leader (the one process sending a messenger's outbox) has in flight
    # at once, each to another chat. One keeps "a crash repeats at most one message"; over a
    # slow network (a round trip of 1/30 s or more) raise it to reach the limit, knowing that
    # after a crash each message in flight may arrive twice.
    in_flight: int = Field(1, ge=1, le=32)


class Tasks(_Section):
    # Days a document takes to reach the units: "trong 10 ngày kể từ ngày nhận" is estimated
    # as issue date + this margin + 10 days, and marked as an estimate.
    delivery_margin_days: int = Field(3, ge=0, le=30)
    # A new document's tasks are proposed to the secretariat; true tracks them as they come.
    auto_track: bool = False
    # Coordinating units (phối hợp) are reminded, offered the task in /baocao and counted in
    # /tonghop like the lead (chủ trì); false: the lead only.
    include_coordinating: bool = True


class Retention(_Section):
    # Days questions (with their answers and votes) are kept for `gaps`, and the audit log.
    questions_days: int = Field(180, ge=1)
    audit_days: int = Field(730, ge=1)


class Settings(_Section):
    paths: Paths = Paths()
    embedding: Embedding = Embedding()
    chunking: Chunking = Chunking()
    ingest: Ingest = Ingest()
    store: Store = Store()
    database: Database = Database()
    search: Search = Search()
    answers: Answers = Answers()
    llm: Llm = Llm()
    telegram: Telegram = Telegram()
    zalo: Zalo = Zalo()
    access: Access = Access()
    reports: Reports = Reports()
    reminders: Reminders = Reminders()
    delivery: Delivery = Delivery()
    tasks: Tasks = Tasks()
    web: Web = Web()
    retention: Retention = Retention()
    base_dir: Path = ROOT

    def resolve(self, path: Path) -> Path:
        """Relative paths in the config are relative to the config file's folder."""
        return path if path.is_absolute() else self.base_dir / path

    @property
    def store_dir(self) -> Path:
        return self.resolve(self.paths.store)

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.store_dir / 'assistant.db'}"


def _env_overrides(environ: dict[str, str]) -> list[tuple[tuple[str, str], str]]:
    found = [(keys, environ[name]) for name, keys in ENV_ALIASES.items() if environ.get(name)]
    for name, value in environ.items():
        if name.startswith(ENV_PREFIX):
            parts = name[len(ENV_PREFIX):].lower().split("__")
            if len(parts) != 2:
                raise ConfigError(f"{name}: expected {ENV_PREFIX}<SECTION>__<KEY>")
            found.append(((parts[0], parts[1]), value))
    return found


def _apply(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    section = data.setdefault(keys[0], {})
    if not isinstance(section, dict) or len(keys) != 2:
        raise ConfigError(f"config key '{'.'.join(keys)}': expected <section>.<key>")
    section[keys[1]] = value


def _parse_env(raw: str) -> Any:
    """Environment values are YAML scalars: "20" is 20, "null" is None, "[.txt]" a list."""
    try:
        return yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        return raw


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Read the config file, apply environment overrides, validate; one clear error if invalid."""
    path = Path(path) if path else DEFAULT_CONFIG
    environ = dict(os.environ if environ is None else environ)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    for keys, raw in _env_overrides(environ):
        _apply(data, keys, _parse_env(raw))
    # Command-line overrides such as paths__store=Path(...), already typed.
    for dotted, value in overrides.items():
        if value is not None:
            _apply(data, tuple(dotted.split("__")), value)
    data["base_dir"] = path.resolve().parent
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"config key '{key}': {err['msg']}") from None
