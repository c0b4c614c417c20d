"""Per-user flood control: a token bucket, kept in memory only (never stored)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass(slots=True)
class FloodGate:
    """`burst` messages at once, then `rate` per second; idle users are forgotten."""

    rate: float = 1.0
    burst: int = 8
    forget_after: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[int, _Bucket] = field(default_factory=dict)

    def check(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, warn): warn is True once per flood, so the user hears why it is slow."""
        now = self.clock()
        self._forget(now)
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn

    def _forget(self, now: float) -> None:
        if len(self._buckets) < 1024:
            return
        stale = [uid for uid, b in self._buckets.items() if now - b.updated > self.forget_after]
        for uid in stale:
            del self._buckets[uid]

    def __len__(self) -> int:
        return len(self._buckets)
