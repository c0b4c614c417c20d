"""The whole Telegram stack under load: PTB, the handlers and the service, against the fake
Bot API server over HTTP on 127.0.0.1 (in its own process, as Telegram would be), with rate
limiting off.

    burst: updates per second for a burst from 50 simulated users   target >= 300/s
    p99 time from update to reply at an offered 150 updates/s        target <= 50 ms
    peak RSS of the bot process                                      target <= 150 MB

A bare PTB echo bot runs the same burst for comparison.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.app import (  # noqa: E402
    CONNECTION_POOL_SIZE,
    MAX_CONCURRENT_UPDATES,
    App,
    BotOptions,
    build_application,
    freeze_heap,
)
from bot.config import load_settings  # noqa: E402
from bot.flood import FloodGate  # noqa: E402
from bot.service import Service  # noqa: E402
from bot.storage import Storage  # noqa: E402
from handlers.render import reply_messages  # noqa: E402
from tests.benchmarks.run import questions  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

USERS = 50
BURST = 1500
RATE = 150
SECONDS = 10
RUNS = 5
FACTORY = FakeTelegram()  # makes update bodies; the server runs in its own process


class Remote:
    """The fake Bot API server in a child process, driven over its control routes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}/bot"

    def _post(self, action: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/_control/{action}",
                                         json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    async def push(self, updates: list[dict[str, Any]]) -> None:
        await asyncio.to_thread(self._post, "push", {"updates": updates})

    async def count(self) -> int:
        return int((await asyncio.to_thread(self._post, "count", {}))["count"])

    async def sent(self, since: int) -> list[tuple[int, float]]:
        result = await asyncio.to_thread(self._post, "sent", {"since": since})
        return [(int(c), float(t)) for c, t in result["sent"]]

    async def wait_count(self, count: int, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while await self.count() < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)


@contextmanager
def remote_fake() -> Iterator[Remote]:
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        child = subprocess.Popen([sys.executable, "-m", "tests.fake_telegram", str(port_file)],
                                 cwd=ROOT)
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.02)
            yield Remote(int(port_file.read_text()))
        finally:
            child.terminate()
            child.wait(timeout=10)


def single_message_questions(service: Service) -> list[str]:
    """Questions whose reply is one message, so that each update has exactly one reply."""
    return [q for q in questions() if q.strip() and len(reply_messages(service.ask(q))) == 1]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message and update.effective_message.text:
        # escaped: the fake refuses a stray "<" as Telegram does with HTML
        await update.effective_message.reply_text(html.escape(update.effective_message.text))


async def _running(remote: Remote, service: Service | None,
                   tmp: Path) -> tuple[App, Storage | None]:
    if service is None:
        app: App = (ApplicationBuilder().token(FACTORY.token).base_url(remote.base_url)
                    .concurrent_updates(MAX_CONCURRENT_UPDATES)
                    .connection_pool_size(CONNECTION_POOL_SIZE).build())
        app.add_handler(MessageHandler(filters.TEXT, _echo))
        storage = None
    else:
        settings = load_settings({"TELEGRAM_BOT_TOKEN": FACTORY.token,
                                  "TELEGRAM_API_BASE_URL": remote.base_url},
                                 dotenv=tmp / "none")
        storage = await Storage.open(tmp / f"bench-{time.monotonic_ns()}.sqlite3")
        app = build_application(settings, service, storage,
                                BotOptions(rate_limit=False, pace_seconds=0.0))
        app.bot_data["deps"].flood = FloodGate(rate=1e9, burst=10**9)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    return app, storage


async def _stop(app: App, storage: Storage | None) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)
    if storage is not None:
        await storage.close()


def _updates(qs: list[str], count: int) -> list[dict[str, Any]]:
    return [FACTORY.message(1 + i % USERS, qs[i % len(qs)]) for i in range(count)]


async def burst(remote: Remote, service: Service | None, qs: list[str], tmp: Path) -> float:
    app, storage = await _running(remote, service, tmp)
    before = await remote.count()
    updates = _updates(qs, BURST)
    t0 = time.perf_counter()
    await remote.push(updates)
    await remote.wait_count(before + BURST)
    elapsed = time.perf_counter() - t0
    await _stop(app, storage)
    return BURST / elapsed


async def steady(remote: Remote, service: Service, qs: list[str],
                 tmp: Path) -> tuple[float, float]:
    """p50 and p99 milliseconds from update to reply at an offered RATE updates/s."""
    app, storage = await _running(remote, service, tmp)
    before = await remote.count()
    pushed: dict[int, deque[float]] = defaultdict(deque)
    total = RATE * SECONDS
    updates = _updates(qs, total)
    start = time.monotonic()
    for i, update in enumerate(updates):
        delay = start + i / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        chat = int(update["message"]["chat"]["id"])
        pushed[chat].append(time.monotonic())
        await remote.push([update])
    await remote.wait_count(before + total)
    sent = await remote.sent(before)
    await _stop(app, storage)
    latencies = sorted((at - pushed[chat].popleft()) * 1000 for chat, at in sent)
    return (statistics.median(latencies),
            latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))])


def main() -> None:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    service = Service.load()
    qs = single_message_questions(service)
    freeze_heap()  # as `wijkwijzer run` does
    print(f"{len(qs)} single-message questions, {USERS} users, rate limiting off, "
          f"fake Bot API in its own process, medians of {RUNS} runs")
    with remote_fake() as remote, tempfile.TemporaryDirectory() as tmp:
        echoes, fulls = [], []
        for _ in range(RUNS):  # interleaved, so that drift of the machine hits both alike
            echoes.append(asyncio.run(burst(remote, None, qs, Path(tmp))))
            fulls.append(asyncio.run(burst(remote, service, qs, Path(tmp))))
        echo, full = statistics.median(echoes), statistics.median(fulls)
        print(f"burst of {BURST} updates: Wijkwijzer {full:.0f} updates/s, bare PTB echo bot "
              f"{echo:.0f} updates/s (ratio {full / echo:.2f})   (target >= 300/s)")
        print("  runs: Wijkwijzer " + ", ".join(f"{x:.0f}" for x in fulls)
              + "; echo " + ", ".join(f"{x:.0f}" for x in echoes))
        runs = [asyncio.run(steady(remote, service, qs, Path(tmp))) for _ in range(RUNS)]
    p50 = statistics.median(r[0] for r in runs)
    p99 = statistics.median(r[1] for r in runs)
    print(f"offered {RATE} updates/s for {SECONDS} s: update-to-reply p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms   (target p99 <= 50 ms)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the bot process: {rss:.0f} MB   (target <= 150 MB)")


if __name__ == "__main__":
    main()
