"""Faults, measured on the real process: `wijkwijzer run` against the fake Bot API on
127.0.0.1 (rate limiting and retries as in production).

    SIGKILL under load: updates fetched / answered before the kill / answered after restart
    Telegram away for 30 s (5xx on every call, or nobody listening on the port):
    replies lost of the questions in flight                               target 0
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fake_telegram import FakeTelegram  # noqa: E402

BURST = 500
IN_FLIGHT = 40
OUTAGE_SECONDS = 30.0


def spawn(fake: FakeTelegram, db: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token,
           "TELEGRAM_API_BASE_URL": fake.base_url, "WIJKWIJZER_DB": str(db)}
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        await asyncio.to_thread(child.wait, 60)


def answered(fake: FakeTelegram) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in fake.sent())


async def sigkill(tmp: Path) -> str:
    fake = FakeTelegram()
    await fake.start()
    first = spawn(fake, tmp / "kill.sqlite3")
    for i in range(BURST):
        await fake.push(fake.message(100_000 + i, "wat doet het cjg"))
    await fake.wait_for(lambda: len(fake.sent()) >= 1, timeout=120)
    await asyncio.sleep(0.25)
    first.send_signal(signal.SIGKILL)
    await asyncio.to_thread(first.wait)
    fetched, before = len(fake.delivered), len(answered(fake))
    second = spawn(fake, tmp / "kill.sqlite3")
    with contextlib.suppress(TimeoutError):
        await fake.wait_for(lambda: len(answered(fake)) >= BURST, timeout=180)
    await asyncio.sleep(1.0)
    done = answered(fake)
    await stop(second)
    await fake.stop()
    twice = sum(1 for n in done.values() if n > 1)
    return (f"SIGKILL 0.25 s after the first reply to a burst of {BURST} questions: "
            f"{fetched} fetched, {before} answered before the kill, {len(done)} answered "
            f"after the restart ({BURST - len(done)} never), {twice} answered twice")


async def outage(tmp: Path, kind: str) -> str:
    fake = FakeTelegram()
    await fake.start()
    child = spawn(fake, tmp / f"{kind}.sqlite3")
    await fake.wait_for(lambda: bool(fake.of("setMyCommands")), timeout=60)
    fake.outage(["sendMessage"])  # the questions arrive; the replies cannot leave
    for i in range(IN_FLIGHT):
        await fake.push(fake.message(200_000 + i, "wat doet het cjg"))
    await fake.wait_for(lambda: len(fake.delivered) >= IN_FLIGHT, timeout=60)
    if kind == "5xx":
        fake.outage()
    else:
        fake.restore()
        await fake.close_port()
    await asyncio.sleep(OUTAGE_SECONDS)
    t0 = time.monotonic()
    fake.restore()
    if kind == "closed port":
        await fake.open_port()
    with contextlib.suppress(TimeoutError):
        await fake.wait_for(lambda: len(answered(fake)) >= IN_FLIGHT, timeout=120)
    after = time.monotonic() - t0
    done = answered(fake)
    await stop(child)
    await fake.stop()
    twice = sum(1 for n in done.values() if n > 1)
    return (f"Telegram away {OUTAGE_SECONDS:.0f} s ({kind}), {IN_FLIGHT} questions in flight: "
            f"{IN_FLIGHT - len(done)} replies lost, {twice} sent twice, all sent "
            f"{after:.1f} s after it was back   (target 0 lost)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(asyncio.run(sigkill(Path(tmp))))
        for kind in ("5xx", "closed port"):
            print(asyncio.run(outage(Path(tmp), kind)))


if __name__ == "__main__":
    main()
