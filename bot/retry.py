"""One retry policy for every Bot API call, not only for sending messages.

PTB's AIORateLimiter already waits out 429s (`retry_after`) for every call. This subclass also
retries what a short outage looks like — a 5xx or a dropped connection — with backoff, for every
method: edits, button answers, photos, documents, inline answers. A call that timed out after
it was sent is not repeated when it creates a message (it may have arrived; a duplicate would be
worse than the error, which `handlers.sending.send` and the error handler then report).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest, HTTPXRequest, RequestData

log = logging.getLogger(__name__)


class Journal(Protocol):
    async def admit_fetched(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

ATTEMPTS = 6  # about 0.5 + 1 + 2 + 4 + 8 s of waiting: a short outage is ridden out
FIRST_DELAY = 0.5
MAX_DELAY = 8.0
CREATES_MESSAGES = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage",
                              "forwardMessage", "sendMediaGroup"})


# Telegram allows a bot about 30 messages a second. PTB's default limiter is a bucket of 30
# that refills at 30/s, so a burst reaches 60 in its first second; a bucket of one that refills
# every 1/30 s never passes 31 in any second.
OVERALL_RATE, OVERALL_PERIOD = 1, 1 / 30


class PatientRateLimiter(AIORateLimiter):
    def __init__(self, max_retries: int = 0) -> None:
        super().__init__(overall_max_rate=OVERALL_RATE, overall_time_period=OVERALL_PERIOD,
                         max_retries=max_retries)

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


class QuarantineRequest(HTTPXRequest):
    """getUpdates that survives an update the library cannot read.

    Telegram may send an update that PTB cannot parse (e.g. a poll without fields the current
    Bot API requires, forwarded from an old client). PTB would then fail the whole batch, log
    it in full — message texts and names — and fetch the same batch again, hundreds of times a
    second. Here each update is tried on its own; one that cannot be read is logged once by id
    and kind and replaced by an empty update with the same id, so that polling moves past it
    and every other update is answered.

    With a journal (`bot.journal.JournaledQueue`) each batch is also written down before PTB
    sees it, and so before PTB confirms it to Telegram.
    """

    journal: Journal | None = None

    async def do_request(self, url: str, method: str,
                         request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         ) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, request_data, read_timeout,
                                                   write_timeout, connect_timeout, pool_timeout)
        if status != 200 or not url.endswith("/getUpdates"):
            return status, payload
        try:
            body = json.loads(payload)
        except ValueError:
            return status, payload
        if isinstance(body, dict) and isinstance(body.get("result"), list):
            body["result"] = [_readable(item) for item in body["result"]]
            if self.journal is not None:
                body["result"] = await self.journal.admit_fetched(body["result"])
            payload = json.dumps(body).encode()
        return status, payload


def _readable(item: Any) -> Any:
    try:
        Update.de_json(item, None)
    except Exception:
        kind = next((k for k in item if k != "update_id"), "unknown") \
            if isinstance(item, dict) else type(item).__name__
        update_id = item.get("update_id") if isinstance(item, dict) else None
        log.error("skipped update %s (%s): the library cannot read it", update_id, kind)
        return {"update_id": update_id} if isinstance(update_id, int) else {"update_id": 0}
    return item
