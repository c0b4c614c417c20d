"""Settings from the environment and an optional `.env` file (the environment wins)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
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


class SettingsError(ValueError):
    """A setting with a value that cannot be used (one line: the variable and why)."""


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    meaning: str
    secret: bool = False


# Every variable Wijkwijzer reads, in the order `wijkwijzer config` shows them. Nothing else
# reads the environment (the .env file counts as environment, the real environment wins).
VARIABLES = (
    Variable("TELEGRAM_BOT_TOKEN", "the bot's token from @BotFather", secret=True),
    Variable("TELEGRAM_API_BASE_URL", "a self-hosted Bot API server (ends in /bot)"),
    Variable("WIJKWIJZER_DB", "the SQLite file"),
    Variable("WIJKWIJZER_KNOWLEDGE", "a knowledge directory replacing the shipped one"),
    Variable("WIJKWIJZER_WIJKEN", "the operator's wijken and local names (YAML)"),
    Variable("WIJKWIJZER_ADMINS", "Telegram user ids of the administrators"),
    Variable("WIJKWIJZER_WEBHOOK_SECRET", "the secret Telegram sends in webhook mode",
             secret=True),
    Variable("WIJKWIJZER_STARTUP_RETRIES", "start-up attempts while Telegram is unreachable"),
    Variable("WIJKWIJZER_HEALTH_PORT", "port of GET /healthz (off when empty)"),
    Variable("WIJKWIJZER_HEALTH_LISTEN", "address of GET /healthz"),
)
KNOWN = frozenset(v.name for v in VARIABLES)


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
    wijken_path: Path | None = None  # None: the shipped example
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    # where each variable's value came from: "environment", the .env file's path, or "default"
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def base_file_url(self) -> str | None:
        """PTB's base_file_url: the final '/bot' of the base URL becomes '/file/bot'."""
        if not self.api_base_url:
            return None
        url = self.api_base_url.rstrip("/")
        return url[: -len("/bot")] + "/file/bot" if url.endswith("/bot") else url + "/file/bot"

    def shown(self) -> list[tuple[str, str, str]]:
        """(variable, value as safe to print, source) for `wijkwijzer config`."""
        values = {
            "TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_BASE_URL": self.api_base_url or "",
            "WIJKWIJZER_DB": str(self.db_path),
            "WIJKWIJZER_KNOWLEDGE": str(self.knowledge_dir or "(shipped)"),
            "WIJKWIJZER_WIJKEN": str(self.wijken_path or "(shipped example)"),
            "WIJKWIJZER_ADMINS": ", ".join(str(a) for a in sorted(self.admins)),
            "WIJKWIJZER_WEBHOOK_SECRET": self.webhook_secret,
            "WIJKWIJZER_STARTUP_RETRIES": str(self.startup_retries),
            "WIJKWIJZER_HEALTH_PORT": str(self.health_port or "(off)"),
            "WIJKWIJZER_HEALTH_LISTEN": self.health_listen,
        }
        rows = []
        for variable in VARIABLES:
            value = values[variable.name]
            text = ("(set, hidden)" if value else "(not set)") if isinstance(value, Secret) \
                else str(value)
            rows.append((variable.name, text, self.sources.get(variable.name, "default")))
        return rows


def _admins(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"WIJKWIJZER_ADMINS: '{part}' is not a Telegram user id "
                                "(numbers, separated by commas)")
        ids.add(int(part))
    return frozenset(ids)


def _number(name: str, raw: str, low: int, high: int) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(f"{name}: '{raw}' is not a whole number from {low} to {high}")
    return int(raw)


def _url(name: str, raw: str) -> str | None:
    raw = raw.strip()
    if raw and not raw.startswith(("http://", "https://")):
        raise SettingsError(f"{name}: '{raw}' is not an http(s) URL")
    return raw or None


def _path(raw: str) -> Path | None:
    raw = raw.strip()
    return Path(raw).expanduser() if raw else None


def load_settings(env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
    """The settings from the environment and a .env file (the environment wins); a wrong
    value raises SettingsError with one line naming the variable."""
    file = dotenv or Path.cwd() / ".env"
    from_file = read_dotenv(file)
    environment = env if env is not None else os.environ
    merged = {**from_file, **{k: v for k, v in environment.items() if k in KNOWN}}
    sources = {k: "environment" if k in environment else str(file)
               for k in merged if k in KNOWN and merged[k].strip()}
    token = merged.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token and (" " in token or ":" not in token):
        raise SettingsError("TELEGRAM_BOT_TOKEN: not a bot token (it looks like "
                            "123456789:AA...; copy it from @BotFather)")
    retries = _number("WIJKWIJZER_STARTUP_RETRIES", merged.get("WIJKWIJZER_STARTUP_RETRIES", ""),
                      0, 1000)
    return Settings(
        token=Secret(token),
        api_base_url=_url("TELEGRAM_API_BASE_URL", merged.get("TELEGRAM_API_BASE_URL", "")),
        db_path=_path(merged.get("WIJKWIJZER_DB", "")) or default_db_path(),
        knowledge_dir=_path(merged.get("WIJKWIJZER_KNOWLEDGE", "")),
        admins=_admins(merged.get("WIJKWIJZER_ADMINS", "")),
        startup_retries=8 if retries is None else retries,
        health_port=_number("WIJKWIJZER_HEALTH_PORT", merged.get("WIJKWIJZER_HEALTH_PORT", ""),
                            1, 65535),
        health_listen=merged.get("WIJKWIJZER_HEALTH_LISTEN", "").strip() or "127.0.0.1",
        wijken_path=_path(merged.get("WIJKWIJZER_WIJKEN", "")),
        webhook_secret=Secret(merged.get("WIJKWIJZER_WEBHOOK_SECRET", "").strip()),
        sources=sources,
    )
