"""Local contact routes in the SQLite file: lookup latency with 10,000 routes, and sustained
writes per second (each write its own transaction with its audit row, as in the chat).

    route look-up p99 with 10,000 routes     target <= 2 ms
    sustained writes per second              (reported)
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.knowledge import load_knowledge  # noqa: E402
from bot.routes import RouteDraft  # noqa: E402
from bot.storage import RouteStore, Storage  # noqa: E402

ROUTES = 10_000
LOOKUPS = 2_000
WRITES = 1_000
RUNS = 3


async def one_run(tmp: Path, run: int) -> tuple[float, float, float]:
    kb = load_knowledge()
    entries = [e.id for e in kb if e.kind in ("partner", "situation")]
    wijken = [f"wijk-{i:03d}" for i in range(200)]
    rng = random.Random(run)
    async with await Storage.open(tmp / f"routes-{run}.sqlite3") as storage:
        routes = RouteStore(storage)
        await storage._db.executemany(
            "INSERT INTO routes (wijk_id, entry_id, organisation, phone, added_by) "
            "VALUES (?, ?, ?, ?, 'bench')",
            [(rng.choice(wijken), rng.choice(entries), f"Organisatie {i}", "020 123 4567")
             for i in range(ROUTES)])
        await storage._db.commit()
        times = []
        for _ in range(LOOKUPS):
            entry = kb.get(rng.choice(entries))
            assert entry is not None
            ids = [entry.id, *entry.partners]
            t0 = time.perf_counter()
            await routes.routes_for(rng.choice(wijken), ids)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        t0 = time.perf_counter()
        for i in range(WRITES):
            await routes.add(RouteDraft(rng.choice(wijken), rng.choice(entries),
                                        f"Nieuw {i}", phone="020 123 4567"), "bench")
        writes = WRITES / (time.perf_counter() - t0)
    return statistics.median(times), times[int(0.99 * len(times))], writes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs = [asyncio.run(one_run(Path(tmp), i)) for i in range(RUNS)]
    p50 = statistics.median(r[0] for r in runs)
    p99 = statistics.median(r[1] for r in runs)
    writes = statistics.median(r[2] for r in runs)
    print(f"route look-up with {ROUTES:,} routes: p50 {p50:.2f} ms, p99 {p99:.2f} ms   "
          "(target p99 <= 2 ms)")
    print(f"sustained route writes (add + audit row, one transaction each): {writes:.0f}/s")


if __name__ == "__main__":
    main()
