"""The real process under faults: `wijkwijzer run` against the fake Bot API on 127.0.0.1,
killed with SIGKILL under load, or started while Telegram cannot be reached."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import MAX_CONCURRENT_UPDATES
from bot.journal import journal_path
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]


QUESTIONS = 100


def _spawn(fake: FakeTelegram, db: Path, log: Path,
           extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token,
           "TELEGRAM_API_BASE_URL": fake.base_url, "WIJKWIJZER_DB": str(db), **(extra or {})}
    with log.open("ab") as err:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)


def test_a_process_killed_under_load_answers_every_fetched_update_after_restart(
        tmp_path: Path) -> None:
    db, log = tmp_path / "bot.sqlite3", tmp_path / "bot.log"

    async def scenario() -> tuple[int, int, int, int]:
        fake = FakeTelegram()
        await fake.start()
        first = second = None
        try:
            first = _spawn(fake, db, log)
            for i in range(QUESTIONS):
                await fake.push(fake.message(10_000 + i, "wat doet het cjg"))
            await fake.wait_for(lambda: len(fake.sent()) >= 5, timeout=60)
            first.send_signal(signal.SIGKILL)
            first.wait()
            fetched = len(fake.delivered)
            answered_before = len({c.params["chat_id"] for c in fake.sent()})
            second = _spawn(fake, db, log)
            await fake.wait_for(lambda: len({c.params["chat_id"] for c in fake.sent()})
                                >= QUESTIONS, timeout=60)
            await asyncio.sleep(0.5)  # anything answered twice would show by now
            replies = len(fake.sent())
            answered = len({c.params["chat_id"] for c in fake.sent()})
            return fetched, answered_before, answered, replies
        finally:
            for child in (first, second):
                if child is not None and child.poll() is None:
                    child.terminate()  # its stop still talks to the fake: wait off the loop
                    await asyncio.to_thread(child.wait, 30)
            await fake.stop()

    try:
        fetched, before, answered, replies = asyncio.run(scenario())
    except TimeoutError:
        pytest.fail(log.read_text())
    assert fetched == QUESTIONS and before < QUESTIONS  # all fetched, the kill cut it short
    assert answered == QUESTIONS
    # Answered twice: at most the updates being handled at the kill (their replies reached
    # Telegram, their "handled" mark did not reach the disk).
    assert replies - QUESTIONS <= MAX_CONCURRENT_UPDATES
    assert journal_path(db).exists()


def test_a_bot_started_while_telegram_is_unreachable_waits_and_then_answers(
        tmp_path: Path) -> None:
    db, log = tmp_path / "bot.sqlite3", tmp_path / "bot.log"

    async def scenario() -> str:
        fake = FakeTelegram()
        await fake.start()
        await fake.close_port()  # the network is not up yet
        child = _spawn(fake, db, log)
        try:
            await asyncio.sleep(3.0)
            assert child.poll() is None  # still trying, not exited
            await fake.open_port()
            await fake.push(fake.message(4242, "wat doet het cjg"))
            await fake.wait_for(lambda: len(fake.sent()) >= 1, timeout=60)
            return str(fake.sent()[0].params["text"])
        finally:
            if child.poll() is None:
                child.terminate()
                await asyncio.to_thread(child.wait, 30)
            await fake.stop()

    try:
        text = asyncio.run(scenario())
    except TimeoutError:
        pytest.fail(log.read_text())
    assert "Centrum voor Jeugd en Gezin" in text


def test_healthz_answers_while_the_bot_runs(tmp_path: Path) -> None:
    import socket
    import urllib.request

    db, log = tmp_path / "bot.sqlite3", tmp_path / "bot.log"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario() -> tuple[int, str]:
        fake = FakeTelegram()
        await fake.start()
        env = {"WIJKWIJZER_HEALTH_PORT": str(port)}
        child = _spawn(fake, db, log, env)
        try:
            await fake.wait_for(lambda: bool(fake.of("setMyCommands")), timeout=60)

            def get() -> tuple[int, str]:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                            timeout=10) as response:
                    return int(response.status), response.read().decode()
            return await asyncio.to_thread(get)
        finally:
            child.terminate()
            await asyncio.to_thread(child.wait, 30)
            await fake.stop()

    status, body = asyncio.run(scenario())
    assert status == 200 and "ok database: bot.sqlite3, schema" in body
