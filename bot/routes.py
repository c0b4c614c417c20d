"""Local contact routes: who and how, here, for a partner or situation in one wijk.

Pure domain code: checking a route (the same rules for the chat and for YAML import), and the
YAML form used by `wijkwijzer routes export/import`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import yaml

from bot import contacts
from bot.areas import Areas
from bot.knowledge import KnowledgeBase
from bot.privacy import find_personal_data

STALE_AFTER = dt.timedelta(days=183)  # about six months
YAML_FIELDS = ("id", "wijk", "entry", "organisation", "phone", "email", "website", "hours",
               "note", "internal", "checked")


class RouteError(ValueError):
    """A route cannot be saved; the message (Dutch) says why."""


class RouteFileError(ValueError):
    """A routes file that cannot be read as one (the message, in English, says why)."""


MAX_FILE_BYTES = 4 * 1024 * 1024  # thousands of routes; a bigger file is a mistake


class _TextLoader(yaml.BaseLoader):
    """Every value as text (an unquoted 0201234567 must not become an octal number); a key
    given twice is an error (the second would silently win); aliases are refused (a route
    file needs none, and nested aliases can blow up to gigabytes: the "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_TextLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                            _TextLoader.construct_mapping)


def parse_routes_file(data: bytes) -> Any:
    """The YAML of a routes file, from its bytes: UTF-8 (with or without BOM) or UTF-16 with a
    BOM, as spreadsheet programs save it."""
    if len(data) > MAX_FILE_BYTES:
        raise RouteFileError(f"file too large ({len(data):,} bytes, at most "
                             f"{MAX_FILE_BYTES:,})")
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise RouteFileError("not UTF-8 text: save the file as UTF-8") from exc
    try:
        return yaml.load(text, Loader=_TextLoader)  # builds text only: safe
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise RouteFileError(f"not valid YAML{where}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise RouteFileError("not valid YAML") from exc


@dataclass(frozen=True, slots=True)
class RouteDraft:
    """A checked route, ready to be stored."""

    wijk_id: str
    entry_id: str  # a partner or a situation
    organisation: str
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: str = ""
    note: str = ""
    internal: bool = False

    def fields(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Route(RouteDraft):
    id: int = 0
    added_by: str = ""
    created: str = ""
    checked: str = ""

    def draft(self) -> RouteDraft:
        """The editable part, without id and bookkeeping."""
        return RouteDraft(self.wijk_id, self.entry_id, self.organisation, self.phone, self.email,
                          self.website, self.hours, self.note, self.internal)

    def is_stale(self, today: dt.date) -> bool:
        try:
            checked = dt.date.fromisoformat(self.checked[:10])
        except ValueError:
            return True
        return today - checked > STALE_AFTER


def check_route(raw: dict[str, Any], kb: KnowledgeBase, areas: Areas) -> RouteDraft:
    """The same validation for the chat and for import: known wijk and entry, valid contact."""
    wijk_id = str(raw.get("wijk") or raw.get("wijk_id") or "").strip()
    entry_id = str(raw.get("entry") or raw.get("entry_id") or "").strip()
    if areas.get(wijk_id) is None:
        raise RouteError(f"Onbekende wijk '{wijk_id}'.")
    entry = kb.get(entry_id)
    if entry is None or entry.kind not in ("partner", "situation"):
        raise RouteError(f"'{entry_id}' is geen partner of situatie uit de kennisbank.")
    try:
        contact = contacts.Contact.checked(
            str(raw.get("organisation") or ""), str(raw.get("phone") or ""),
            str(raw.get("email") or ""), str(raw.get("website") or ""),
            str(raw.get("hours") or ""))
        note = contacts.text(str(raw.get("note") or ""), "De notitie")
    except contacts.ContactError as exc:
        raise RouteError(str(exc)) from exc
    found = list(dict.fromkeys(f.kind for f in find_personal_data(note)))
    if found:  # the whole wijk reads a note: it is no place for a pupil's or parent's data
        raise RouteError(
            f"De notitie lijkt persoonsgegevens te bevatten ({', '.join(found)}). Zet hier geen "
            "gegevens van leerlingen, ouders of collega's; een werknummer of -adres hoort in "
            "zijn eigen veld.")
    internal = raw.get("internal", False)
    if isinstance(internal, str):
        internal = {"true": True, "ja": True, "false": False, "nee": False, "": False}.get(
            internal.strip().lower(), internal)
    if not isinstance(internal, bool):
        raise RouteError("'internal' moet true of false zijn.")
    return RouteDraft(wijk_id, entry_id, contact.organisation, contact.phone, contact.email,
                      contact.website, contact.hours, note, internal)


def to_yaml_item(route: Route) -> dict[str, Any]:
    return {"id": route.id, "wijk": route.wijk_id, "entry": route.entry_id,
            "organisation": route.organisation, "phone": route.phone, "email": route.email,
            "website": route.website, "hours": route.hours, "note": route.note,
            "internal": route.internal, "checked": route.checked[:10]}


def contact_line(route: RouteDraft) -> str:
    """One line with every way to reach the route, for answers and lists."""
    parts = [route.organisation]
    parts += [p for p in (route.phone, route.email, route.website) if p]
    if route.hours:
        parts.append(f"inloop: {route.hours}")
    return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do; nothing is written while `problems` is not empty."""

    adds: tuple[RouteDraft, ...]
    changes: tuple[tuple[int, RouteDraft], ...]
    unchanged: int
    problems: tuple[str, ...]


def plan_import(items: Any, existing: dict[int, Route], kb: KnowledgeBase,
                areas: Areas) -> ImportPlan:
    """Check every item with the chat's rules and work out adds and changes (by id)."""
    if not isinstance(items, list):
        return ImportPlan((), (), 0, ("expected a top-level 'routes:' list",))
    adds: list[RouteDraft] = []
    changes: list[tuple[int, RouteDraft]] = []
    unchanged = 0
    problems: list[str] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(f"route {number}: expected fields such as wijk, entry, organisation")
            continue
        try:
            draft = check_route(item, kb, areas)
        except RouteError as exc:
            problems.append(f"route {number}: {exc}")
            continue
        route_id = item.get("id")
        if isinstance(route_id, str) and route_id.strip().isdigit():
            route_id = int(route_id)
        if route_id in (None, ""):
            adds.append(draft)
        elif not isinstance(route_id, int) or route_id not in existing:
            problems.append(f"route {number}: id {route_id!r} does not exist (leave it out to "
                            "add a new route)")
        elif existing[route_id].draft() == draft:
            unchanged += 1
        else:
            changes.append((route_id, draft))
    return ImportPlan(tuple(adds), tuple(changes), unchanged, tuple(problems))


def plate_statuses(routes: list[Route], kb: KnowledgeBase,
                   marks: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """For the praatplaat: a partner with a local route in the wijk is there now; an editor's
    mark (now or wanted) says so explicitly."""
    statuses: dict[str, str] = {}
    for route in routes:
        entry = kb.get(route.entry_id)
        if entry is not None and entry.kind == "partner":
            statuses[entry.id] = "now"
    for entry_id, (status, _) in (marks or {}).items():
        statuses[entry_id] = status
    return statuses


def last_change(routes: list[Route], kb: KnowledgeBase,
                marks: dict[str, tuple[str, str]] | None = None) -> str:
    """The date of the newest data behind a picture (dd-mm-yyyy), never today's date."""
    dates = [r.checked[:10] for r in routes] + [at[:10] for _, at in (marks or {}).values()]
    latest = max(dates, default=kb.last_reviewed.isoformat())
    return f"{latest[8:10]}-{latest[5:7]}-{latest[:4]}"
