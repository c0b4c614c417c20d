"""The rate limiter keeps a burst of replies within Telegram's limit for one bot."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.retry import PatientRateLimiter


def test_a_burst_of_replies_never_passes_31_messages_in_any_second() -> None:
    async def scenario() -> list[float]:
        limiter = PatientRateLimiter()
        await limiter.initialize()
        sent: list[float] = []

        async def call(*args: Any, **kwargs: Any) -> bool:
            sent.append(time.monotonic())
            return True

        await asyncio.gather(*(limiter.process_request(call, (), {}, "sendMessage",
                                                       {"chat_id": 1000 + i}, None)
                               for i in range(70)))
        await limiter.shutdown()
        return sent

    sent = asyncio.run(scenario())
    # Slowness can only lower the count: the bound holds on any machine.
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert len(sent) == 70 and busiest <= 31
