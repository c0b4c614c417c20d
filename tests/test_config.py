"""Settings: `.env` is read, the environment wins, and the token never shows itself."""

from __future__ import annotations

from pathlib import Path

from bot.config import Secret, load_settings, read_dotenv


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


def test_admins_are_parsed_and_garbage_ignored() -> None:
    settings = load_settings({"WIJKWIJZER_ADMINS": "12, 34;x,-5"}, dotenv=Path("/nonexistent"))
    assert settings.admins == frozenset({12, 34, -5})


def test_base_file_url_replaces_the_final_bot() -> None:
    settings = load_settings({"TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot"},
                             dotenv=Path("/nonexistent"))
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
