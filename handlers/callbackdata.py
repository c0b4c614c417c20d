"""Typed callback data for inline buttons, and strict parsing of what comes back.

Telegram returns whatever a client sends, so every button press is parsed as untrusted input:
a version prefix, a known action, well-formed fields, at most 64 bytes. Anything else (an old
button, a button from another bot, forged data) decodes to None and gets a polite notice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

PREFIX = "w1"
MAX_BYTES = 64
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_KINDS = ("situation", "tip", "example", "fact")
_DOMAINS = ("centrum", "school_kinderopvang", "wijk", "gemeente", "regio", "all")
_AGES = ("0-4", "po", "vo", "all")


@dataclass(frozen=True, slots=True)
class OpenEntry:
    entry_id: str


@dataclass(frozen=True, slots=True)
class Feedback:
    entry_id: str
    helpful: bool


@dataclass(frozen=True, slots=True)
class BrowsePartners:
    domain: str  # a praatplaat domain or "all"
    age: str  # an age group or "all"
    page: int


@dataclass(frozen=True, slots=True)
class BrowseKind:
    kind: str
    page: int


@dataclass(frozen=True, slots=True)
class RandomTip:
    pass


@dataclass(frozen=True, slots=True)
class Expand:
    """"Meer" / "Minder" under an answer card: show the whole answer or the short card."""

    entry_id: str
    full: bool


@dataclass(frozen=True, slots=True)
class Rephrase:
    """"Geen van beide" under "Bedoel je…?": ask the user to say it differently."""


@dataclass(frozen=True, slots=True)
class ChooseWijk:
    wijk_id: str  # "" clears the choice


@dataclass(frozen=True, slots=True)
class EditorsPage:
    """A page of the /redacteuren list."""

    page: int


@dataclass(frozen=True, slots=True)
class WijkPage:
    """A page of the /wijk list: the gemeenten of a region (gemeente -1), or a gemeente's
    wijken."""

    gemeente: int
    page: int


@dataclass(frozen=True, slots=True)
class ForgetMe:
    confirmed: bool
    user_id: int  # the requester: only they can answer the question


@dataclass(frozen=True, slots=True)
class Revoke:
    """In /redacteuren: ask before revoking a member's role, revoke, or back to the list."""

    user_id: int
    wijk_id: str
    step: str = "ask"  # ask | yes | back


@dataclass(frozen=True, slots=True)
class RouteStep:
    """A choice inside the /route conversation: the step and the chosen value."""

    step: str  # act | wijk | entry | route | internal | save | undo | cancel | confirm | resume
    value: str  # | field (change one field) | flip (internal on/off) | done (to the preview)
    # | more (another page of a list; the value is the page)


ROUTE_STEPS = ("act", "wijk", "entry", "route", "internal", "save", "undo", "cancel", "confirm",
               "resume", "field", "flip", "done", "more")

@dataclass(frozen=True, slots=True)
class ChooseSchool:
    wijk_id: str
    index: int  # position in the wijk's school list; -1 for "no school"


@dataclass(frozen=True, slots=True)
class PlateMark:
    """Cycle a partner's mark on the praatplaat ("" only turns the page)."""

    entry_id: str
    page: int


Action = (OpenEntry | Feedback | BrowsePartners | BrowseKind | RandomTip | ChooseWijk | WijkPage
          | EditorsPage | ForgetMe
          | Revoke | RouteStep | ChooseSchool | PlateMark | Rephrase | Expand)

_REVOKE_STEPS = {"a": "ask", "y": "yes", "b": "back"}

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"{PREFIX}:a:({_ID})"), "open"),
    (re.compile(rf"{PREFIX}:f:([+-]):({_ID})"), "feedback"),
    (re.compile(rf"{PREFIX}:p:({'|'.join(_DOMAINS)}):({'|'.join(_AGES)}):(\d{{1,3}})"),
     "partners"),
    (re.compile(rf"{PREFIX}:k:({'|'.join(_KINDS)}):(\d{{1,3}})"), "kind"),
    (re.compile(rf"{PREFIX}:t"), "tip"),
    (re.compile(rf"{PREFIX}:n"), "rephrase"),
    (re.compile(rf"{PREFIX}:e:([+-]):({_ID})"), "expand"),
    (re.compile(rf"{PREFIX}:w:((?:{_ID})?)"), "wijk"),
    (re.compile(rf"{PREFIX}:q:(-1|\d{{1,3}}):(\d{{1,3}})"), "wijkpage"),
    (re.compile(rf"{PREFIX}:d:(\d{{1,3}})"), "editorspage"),
    (re.compile(rf"{PREFIX}:x:([yn]):(\d{{1,15}})"), "forget"),
    (re.compile(rf"{PREFIX}:s:({_ID}):(-1|\d{{1,3}})"), "school"),
    (re.compile(rf"{PREFIX}:m:((?:{_ID})?):(\d{{1,2}})"), "mark"),
    (re.compile(rf"{PREFIX}:v:([ayb]):(\d{{1,15}}):({_ID})"), "revoke"),
    (re.compile(rf"{PREFIX}:r:({'|'.join(ROUTE_STEPS)}):((?:{_ID}|\d{{1,12}})?)"), "route"),
)


def encode(action: Action) -> str:
    match action:
        case OpenEntry(entry_id):
            data = f"{PREFIX}:a:{entry_id}"
        case Feedback(entry_id, helpful):
            data = f"{PREFIX}:f:{'+' if helpful else '-'}:{entry_id}"
        case BrowsePartners(domain, age, page):
            data = f"{PREFIX}:p:{domain}:{age}:{page}"
        case BrowseKind(kind, page):
            data = f"{PREFIX}:k:{kind}:{page}"
        case RandomTip():
            data = f"{PREFIX}:t"
        case Rephrase():
            data = f"{PREFIX}:n"
        case Expand(entry_id, full):
            data = f"{PREFIX}:e:{'+' if full else '-'}:{entry_id}"
        case ChooseWijk(wijk_id):
            data = f"{PREFIX}:w:{wijk_id}"
        case WijkPage(gemeente, page):
            data = f"{PREFIX}:q:{gemeente}:{page}"
        case EditorsPage(page):
            data = f"{PREFIX}:d:{page}"
        case ForgetMe(confirmed, user_id):
            data = f"{PREFIX}:x:{'y' if confirmed else 'n'}:{user_id}"
        case Revoke(user_id, wijk_id, step):
            data = f"{PREFIX}:v:{step[0]}:{user_id}:{wijk_id}"
        case RouteStep(step, value):
            data = f"{PREFIX}:r:{step}:{value}"
        case ChooseSchool(wijk_id, index):
            data = f"{PREFIX}:s:{wijk_id}:{index}"
        case PlateMark(entry_id, page):
            data = f"{PREFIX}:m:{entry_id}:{page}"
    if len(data.encode()) > MAX_BYTES or decode(data) != action:
        raise ValueError(f"cannot encode {action!r} as callback data")
    return data


def pattern(*kinds: type) -> Callable[[object], bool]:
    """For `CallbackQueryHandler(pattern=…)`: the data is a valid button of one of these kinds,
    so that each feature's handler sees only its own buttons."""
    def matches(data: object) -> bool:
        return isinstance(data, str) and isinstance(decode(data), kinds)

    return matches


def decode(data: str | None) -> Action | None:
    """The action behind a button, or None for anything not made by this version of the bot."""
    if not data or len(data.encode("utf-8", errors="replace")) > MAX_BYTES:
        return None
    for pattern, name in _PATTERNS:
        found = pattern.fullmatch(data)
        if found is None:
            continue
        groups = found.groups()
        if name == "open":
            return OpenEntry(groups[0])
        if name == "feedback":
            return Feedback(groups[1], groups[0] == "+")
        if name == "partners":
            return BrowsePartners(groups[0], groups[1], int(groups[2]))
        if name == "kind":
            return BrowseKind(groups[0], int(groups[1]))
        if name == "wijk":
            return ChooseWijk(groups[0])
        if name == "editorspage":
            return EditorsPage(int(groups[0]))
        if name == "wijkpage":
            return WijkPage(int(groups[0]), int(groups[1]))
        if name == "forget":
            return ForgetMe(groups[0] == "y", int(groups[1]))
        if name == "revoke":
            return Revoke(int(groups[1]), groups[2], _REVOKE_STEPS[groups[0]])
        if name == "route":
            return RouteStep(groups[0], groups[1])
        if name == "school":
            return ChooseSchool(groups[0], int(groups[1]))
        if name == "mark":
            return PlateMark(groups[0], int(groups[1]))
        if name == "rephrase":
            return Rephrase()
        if name == "expand":
            return Expand(groups[1], groups[0] == "+")
        return RandomTip()
    return None
