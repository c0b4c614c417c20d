"""Settings: `.env` is read, the environment wins, and the token never shows itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Secret, SettingsError, load_settings, read_dotenv


def test_dotenv_values_are_read_with_quotes_comments_and_export(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text('# comment\nexport TELEGRAM_BOT_TOKEN="123:abc"\nWIJKWIJZER_DB=/x.db # here\n'
                   "not a line\n", encoding="utf-8")
    assert read_dotenv(env) == {"TELEGRAM_BOT_TOKEN": "123:abc", "WIJKWIJZER_DB": "/x.db"}


def test_the_environment_wins_over_dotenv(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("WIJKWIJZER_DB=/from-file.db\n", encoding="utf-8")
    settings = load_settings({"WIJKWIJZER_DB": "/from-env.db"}, dotenv=env)
    assert settings.db_path == Path("/from-env.db")


def test_a_missing_dotenv_is_fine(tmp_path: Path) -> None:
    settings = load_settings({}, dotenv=tmp_path / "absent")
    assert not settings.token and settings.knowledge_dir is None


def test_the_token_never_shows_in_repr_or_str() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:secret"}, dotenv=Path("/nonexistent"))
    assert "123:secret" not in repr(settings) and "123:secret" not in str(settings.token)
    assert settings.token.reveal() == "123:secret"
    assert repr(Secret("")) == "Secret('')"


def test_admins_are_parsed_and_a_wrong_id_is_one_clear_error() -> None:
    settings = load_settings({"WIJKWIJZER_ADMINS": "12, 34;-5"}, dotenv=Path("/nonexistent"))
    assert settings.admins == frozenset({12, 34, -5})
    with pytest.raises(SettingsError, match="WIJKWIJZER_ADMINS: 'x' is not a Telegram user id"):
        load_settings({"WIJKWIJZER_ADMINS": "12, x"}, dotenv=Path("/nonexistent"))


def test_base_file_url_replaces_the_final_bot() -> None:
    settings = load_settings({"TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot"},
                             dotenv=Path("/nonexistent"))
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"


def test_every_variable_can_come_from_the_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("WIJKWIJZER_WIJKEN=/etc/wijkwijzer/wijken.yaml\n"
                   "WIJKWIJZER_WEBHOOK_SECRET=s3cret\nWIJKWIJZER_HEALTH_PORT=8080\n",
                   encoding="utf-8")
    settings = load_settings({}, dotenv=env)
    assert settings.wijken_path == Path("/etc/wijkwijzer/wijken.yaml")
    assert settings.webhook_secret.reveal() == "s3cret" and settings.health_port == 8080
    assert settings.sources["WIJKWIJZER_WIJKEN"] == str(env)


def test_config_shows_where_each_value_came_from_and_hides_secrets(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("WIJKWIJZER_WEBHOOK_SECRET=s3cret\nWIJKWIJZER_DB=/file.db\n",
                   encoding="utf-8")
    shown = {name: (value, source) for name, value, source in
             load_settings({"WIJKWIJZER_DB": "/env.db"}, dotenv=env).shown()}
    assert shown["WIJKWIJZER_DB"] == ("/env.db", "environment")
    assert shown["WIJKWIJZER_WEBHOOK_SECRET"] == ("(set, hidden)", str(env))
    assert shown["WIJKWIJZER_STARTUP_RETRIES"] == ("8", "default")
    assert "s3cret" not in repr(shown)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("WIJKWIJZER_HEALTH_PORT", "abc", "not a whole number from 1 to 65535"),
    ("WIJKWIJZER_STARTUP_RETRIES", "-1", "not a whole number"),
    ("TELEGRAM_API_BASE_URL", "127.0.0.1:8081/bot", "not an http(s) URL"),
    ("TELEGRAM_BOT_TOKEN", "paste token here", "not a bot token"),
])
def test_a_wrong_value_names_its_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=f"{name}: .*{re.escape(message)}"):
        load_settings({name: value}, dotenv=Path("/nonexistent"))


def test_nothing_but_the_settings_reads_the_environment() -> None:
    root = Path(__file__).resolve().parents[1]
    readers = [f"{path.relative_to(root)}:{n}" for folder in ("bot", "handlers")
               for path in sorted((root / folder).rglob("*.py"))
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if re.search(r"os\.environ(?!\.setdefault\(\"PTB_)|getenv\(", line)]
    assert all(r.startswith("bot/config.py:") for r in readers), readers
