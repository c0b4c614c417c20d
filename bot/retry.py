"""One retry policy for every Bot API call, not only for sending messages.

PTB's AIORateLimiter already waits out 429s (`retry_after`) for every call. This subclass also
retries what a short outage looks like — a 5xx or a dropped connection — with backoff, for every
method: edits, button answers, photos, documents, inline answers. A call that timed out after
it was sent is not repeated when it creates a message (it may have arrived; a duplicate would be
worse than the error, which `handlers.sending.send` and the error handler then report).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

ATTEMPTS = 6  # about 0.5 + 1 + 2 + 4 + 8 s of waiting: a short outage is ridden out
FIRST_DELAY = 0.5
MAX_DELAY = 8.0
CREATES_MESSAGES = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage",
                              "forwardMessage", "sendMediaGroup"})


class PatientRateLimiter(AIORateLimiter):
    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]],
                              args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: Any) -> Any:
        delay = FIRST_DELAY
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                      rate_limit_args)
            except BadRequest:
                raise  # the request itself is wrong: repeating it changes nothing
            except TimedOut:
                if endpoint in CREATES_MESSAGES or attempt == ATTEMPTS:
                    raise
            except NetworkError:
                if attempt == ATTEMPTS:
                    raise
            log.warning("%s failed, attempt %d of %d; retrying in %.1f s", endpoint, attempt,
                        ATTEMPTS, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY)
        raise AssertionError("unreachable")
