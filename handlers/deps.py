"""What every handler needs: the shared services, who the user is, and flood control."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ContextTypes

from bot.areas import Areas
from bot.flood import FloodGate
from bot.journal import UpdateJournal
from bot.local_routes import LocalRoutes, NotAllowedError, Viewer
from bot.outbox import Outbox
from bot.service import Service
from bot.storage import CuratorLog, Storage
from bot.workload import Answerer

WIJK_CACHE = "wijk"  # key in PTB's user_data


@dataclass(slots=True)
class Deps:
    """Shared by all handlers, kept in `application.bot_data["deps"]`."""

    service: Service
    storage: Storage | None = None
    flood: FloodGate = field(default_factory=FloodGate)
    # invitation codes: 3 tries at once, then one every 30 seconds
    secrets_gate: FloodGate = field(default_factory=lambda: FloodGate(rate=1 / 30, burst=3))
    rng: random.Random = field(default_factory=random.Random)
    pace_seconds: float = 0.35  # between messages of one reply: one chat is not throttled by PTB
    entry_examples: tuple[tuple[str, str], ...] = ()  # (entry id, example question)
    areas: Areas | None = None
    local: LocalRoutes | None = None  # the wijk rules: routes, roles, invitations, user data
    curator: CuratorLog | None = None
    outbox: Outbox | None = None  # replies kept through an outage of Telegram
    journal: UpdateJournal | None = None  # fetched updates until handled
    # the service's answering calls, long messages off the event loop
    answerer: Answerer = field(init=False)

    def __post_init__(self) -> None:
        self.answerer = Answerer(self.service)


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    found = context.bot_data["deps"]
    assert isinstance(found, Deps)
    return found


def viewer(update: Update) -> Viewer | None:
    """The user behind an update, and whether only they read the reply (a private chat)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return None
    return Viewer(user.id, chat is not None and chat.type == "private" and chat.id == user.id)


def refusal(context: ContextTypes.DEFAULT_TYPE, exc: NotAllowedError) -> str:
    """The Dutch reason behind a refused action, ready for the chat."""
    return str(exc).replace("{bot}", context.bot.username or "")


async def user_wijk_id(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The user's chosen wijk. The choice lives in the database; user_data mirrors it so that
    most answers need no database round trip (set by /wijk and /code, cleared by /vergeetmij).
    """
    d = deps(context)
    user = update.effective_user
    if d.local is None or user is None:
        return None
    cache = context.user_data if context.user_data is not None else {}
    if WIJK_CACHE not in cache:
        wijk = await d.local.wijk_of(user.id)
        cache[WIJK_CACHE] = wijk.id if wijk else None
    found = cache[WIJK_CACHE]
    return str(found) if found else None


def allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[bool, bool]:
    """Flood control per user: (go on, tell the user to slow down)."""
    user = update.effective_user
    if user is None:
        return True, False
    return deps(context).flood.check(user.id)
