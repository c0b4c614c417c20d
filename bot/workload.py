"""Bounded cost per question for everybody else.

Matching a question costs about a millisecond, but a message of pages of misspelt words costs
tens (typo correction and compound splitting per word, the safety model over every n-gram).
On the event loop twenty such messages would make every other user wait for all of them. So a
long message is answered in a worker thread, one at a time: the event loop keeps serving the
short questions (Python hands the interpreter back and forth every few milliseconds), and the
senders of long messages wait only for each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from bot.safety import SafetyNotice
from bot.service import Reply, Service

# Up to about two sentences is answered at once: cheaper than a hop to a thread.
HEAVY_CHARS = 280

T = TypeVar("T")


def is_heavy(text: str) -> bool:
    """A message long enough to be answered off the event loop."""
    return len(text) > HEAVY_CHARS


class Answerer:
    """The service's answering calls as the bot makes them: short ones inline, long ones in
    a worker thread that only one long message uses at a time."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._heavy: asyncio.Semaphore | None = None

    async def _run(self, text: str, call: Callable[[], T]) -> T:
        if not is_heavy(text):
            return call()
        if self._heavy is None:  # created in the running loop, not at import
            self._heavy = asyncio.Semaphore(1)
        async with self._heavy:
            return await asyncio.to_thread(call)

    async def ask(self, question: str, top: int = 3, after: str | None = None,
                  wijk: str | None = None) -> Reply:
        return await self._run(question, lambda: self.service.ask(question, top=top,
                                                                  after=after, wijk=wijk))

    async def safety_notice(self, text: str) -> SafetyNotice | None:
        return await self._run(text, lambda: self.service.safety_notice(text))
