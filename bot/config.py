"""Settings from the environment and an optional `.env` file (the environment wins)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class Secret:
    """A value that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; comments, blank lines, `export ` and quotes handled; bad lines skipped."""
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return values
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key.isidentifier():
            values[key] = value
    return values


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "wijkwijzer" / "wijkwijzer.sqlite3"


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret
    api_base_url: str | None
    db_path: Path
    knowledge_dir: Path | None
    admins: frozenset[int]
    # start-up attempts (each rides out ~15 s itself) while Telegram cannot be reached, e.g.
    # when the service starts before the network: about four minutes before giving up
    startup_retries: int = 8
    # an HTTP /healthz for orchestrators (any mode), off unless a port is given
    health_port: int | None = None
    health_listen: str = "127.0.0.1"

    @property
    def base_file_url(self) -> str | None:
        """PTB's base_file_url: the final '/bot' of the base URL becomes '/file/bot'."""
        if not self.api_base_url:
            return None
        url = self.api_base_url.rstrip("/")
        return url[: -len("/bot")] + "/file/bot" if url.endswith("/bot") else url + "/file/bot"


def _admins(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            ids.add(int(part))
    return frozenset(ids)


def load_settings(env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
    merged = dict(read_dotenv(dotenv or Path.cwd() / ".env"))
    merged.update(env if env is not None else os.environ)
    knowledge = merged.get("WIJKWIJZER_KNOWLEDGE", "").strip()
    db = merged.get("WIJKWIJZER_DB", "").strip()
    return Settings(
        token=Secret(merged.get("TELEGRAM_BOT_TOKEN", "").strip()),
        api_base_url=merged.get("TELEGRAM_API_BASE_URL", "").strip() or None,
        db_path=Path(db).expanduser() if db else default_db_path(),
        knowledge_dir=Path(knowledge).expanduser() if knowledge else None,
        admins=_admins(merged.get("WIJKWIJZER_ADMINS", "")),
        startup_retries=_count(merged.get("WIJKWIJZER_STARTUP_RETRIES", ""), 8),
        health_port=_count(merged.get("WIJKWIJZER_HEALTH_PORT", ""), 0) or None,
        health_listen=merged.get("WIJKWIJZER_HEALTH_LISTEN", "").strip() or "127.0.0.1",
    )


def _count(raw: str, default: int) -> int:
    raw = raw.strip()
    return int(raw) if raw.isdigit() else default
