"""A process killed with SIGKILL while writing loses nothing it had confirmed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from tests.conftest import ROOT

WRITER = """
import asyncio, sys
from pathlib import Path
from bot.routes import RouteDraft
from bot.storage import RouteStore, Storage

async def main():
    storage = await Storage.open(Path(sys.argv[1]))
    routes = RouteStore(storage)
    i = 0
    while True:
        await routes.add(RouteDraft("voorbeeld-noord", "cjg", f"Route {i}",
                                    phone="020 123 4567"), "test")
        print(i, flush=True)  # confirmed: the transaction is committed
        i += 1

asyncio.run(main())
"""


def test_sigkill_in_the_middle_of_writing_loses_no_confirmed_route(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert child.stdout is not None
    confirmed = -1
    deadline = time.monotonic() + 30
    while confirmed < 200 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.strip().isdigit():
            confirmed = int(line)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    assert confirmed >= 200
    with closing(sqlite3.connect(db)) as conn:
        stored = {row[0] for row in conn.execute("SELECT organisation FROM routes")}
        audit = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert all(f"Route {i}" in stored for i in range(confirmed + 1))
    assert audit >= confirmed + 1
    assert integrity == "ok"
