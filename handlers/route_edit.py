"""/route: editors add, change and remove a wijk's contact routes in a guided conversation,
with a preview, a confirmation and an undo button. Every field is checked as it is typed, and
the whole route once more before it is saved (the same rules as `wijkwijzer routes import`)."""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import contacts, texts
from bot.local_routes import NotAllowedError, Undo, Viewer
from bot.routes import RouteDraft, RouteError, contact_line
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.deps import deps, refusal, viewer
from handlers.render import esc
from handlers.sending import private_only, send

log = logging.getLogger(__name__)

(ACTION, WIJK, ENTRY_QUERY, ENTRY_PICK, ROUTE_PICK, FIELD, INTERNAL, PREVIEW, REMOVE,
 MENU) = range(10)
FIELDS: tuple[tuple[str, str], ...] = (
    ("organisation", "Naam van de organisatie of functie"),
    ("phone", "Telefoonnummer (werk)"),
    ("email", "E-mailadres (werk)"),
    ("website", "Website"),
    ("hours", "Inlooptijden"),
    ("note", "Korte notitie"),
)
FIELD_ICONS = {"organisation": "🏢", "phone": "📞", "email": "✉️", "website": "🌐",
               "hours": "🕘", "note": "📝"}
KEY = "route_edit"
TIMEOUT_SECONDS = 600  # a form left alone for ten minutes ends


def _button(label: str, step: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:60], callback_data=cb.encode(cb.RouteStep(step, value)))


def _state(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    found: dict[str, Any] = context.user_data.setdefault(KEY, {})
    return found


async def _editable_wijken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    d = deps(context)
    who = viewer(update)
    if who is None or not who.private or d.local is None:
        return []
    return await d.local.editable_wijken(who.user_id)


def _who(update: Update) -> Viewer:
    who = viewer(update)
    assert who is not None
    return who


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                 markup: InlineKeyboardMarkup | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, text, markup)


def _choice(update: Update) -> cb.RouteStep | None:
    query = update.callback_query
    action = cb.decode(query.data if query else None)
    return action if isinstance(action, cb.RouteStep) else None


async def on_route_elsewhere(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/route outside a private chat: a pointer there (the conversation itself is private)."""
    await private_only(update, context)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not await _editable_wijken(update, context):
        await _reply(update, context, esc(texts.NOT_ALLOWED))
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[KEY] = {}
    markup = InlineKeyboardMarkup([
        [_button("➕ Nieuwe route", "act", "add")],
        [_button("✏️ Route wijzigen", "act", "change")],
        [_button("🗑 Route verwijderen", "act", "remove")],
        [_button("Stoppen", "cancel")],
    ])
    await _reply(update, context, "<b>Contactroutes beheren</b>\nWat wil je doen?", markup)
    return ACTION


async def on_action(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    choice = _choice(update)
    if choice is None or choice.step != "act" or choice.value not in ("add", "change", "remove"):
        return await cancel(update, context)
    state = _state(context)
    state["action"] = choice.value
    d = deps(context)
    assert d.areas is not None
    editable = await _editable_wijken(update, context)
    state["choices"] = [(w.name, "wijk", w.id) for w in d.areas.wijken if w.id in editable]
    state["prompt"] = "Voor welke wijk?"
    return await _show_choices(update, context, 0, WIJK)


PAGE = 20  # choices per message: Telegram refuses a keyboard of about a hundred buttons


async def _show_choices(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int,
                        stage: int) -> int:
    """The list in the state, one page of buttons with "Vorige"/"Volgende"."""
    state = _state(context)
    choices: list[tuple[str, str, str]] = state["choices"]
    pages = max(1, -(-len(choices) // PAGE))
    page = min(max(page, 0), pages - 1)
    rows = [[_button(label, step, value)]
            for label, step, value in choices[page * PAGE:(page + 1) * PAGE]]
    nav = ([_button(texts.PREVIOUS, "more", str(page - 1))] if page > 0 else []) + \
        ([_button(texts.NEXT, "more", str(page + 1))] if page < pages - 1 else [])
    await _reply(update, context, state["prompt"], InlineKeyboardMarkup(
        [*rows, *([nav] if nav else []), [_button("Stoppen", "cancel")]]))
    return stage


async def on_wijk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    choice = _choice(update)
    if choice is not None and choice.step == "more" and choice.value.isdigit():
        return await _show_choices(update, context, int(choice.value), WIJK)
    if choice is None or choice.step != "wijk" or \
            choice.value not in await _editable_wijken(update, context):
        return await cancel(update, context)
    state = _state(context)
    state["wijk"] = choice.value
    if state["action"] == "add":
        await _reply(update, context, "Voor welke partner of situatie is de route? Typ een paar "
                                      "woorden, bijvoorbeeld <i>wijkteam</i> of <i>verzuim</i>.")
        return ENTRY_QUERY
    d = deps(context)
    assert d.local is not None
    try:
        routes = await d.local.routes_to_edit(_who(update), choice.value)
    except NotAllowedError:
        return await cancel(update, context)
    if not routes:
        await _reply(update, context, "Deze wijk heeft nog geen routes.")
        return await _end(context)
    state["choices"] = [(f"{r.entry_id}: {r.organisation}", "route", str(r.id)) for r in routes]
    state["prompt"] = "Welke route?"
    return await _show_choices(update, context, 0, ROUTE_PICK)


async def on_entry_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    d = deps(context)
    service = d.service
    reply = await d.answerer.ask(message.text if message and message.text else "", top=6)
    options = [(a.id, a.title) for a in reply.answers] + [(s.id, s.title)
                                                         for s in reply.suggestions]
    options = [(i, t) for i, t in dict(options).items()
               if (e := service.kb.get(i)) is not None and e.kind in ("partner", "situation")]
    if not options:
        await _reply(update, context, "Daar vind ik geen partner of situatie bij. Probeer andere "
                                      "woorden.")
        return ENTRY_QUERY
    await _reply(update, context, "Kies de partner of situatie:", InlineKeyboardMarkup(
        [*([_button(t, "entry", i)] for i, t in options[:6]), [_button("Stoppen", "cancel")]]))
    return ENTRY_PICK


async def on_entry_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    choice = _choice(update)
    entry = deps(context).service.kb.get(choice.value) if choice else None
    if choice is None or choice.step != "entry" or entry is None:
        return await cancel(update, context)
    state = _state(context)
    state.update(entry=entry.id, values={}, field=0)
    return await _ask_field(update, context)


async def on_route_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    choice = _choice(update)
    if choice is not None and choice.step == "more" and choice.value.isdigit():
        return await _show_choices(update, context, int(choice.value), ROUTE_PICK)
    d = deps(context)
    assert d.local is not None
    try:
        route = (await d.local.route_to_edit(_who(update), int(choice.value))
                 if choice and choice.value.isdigit() else None)
    except NotAllowedError:
        route = None
    state = _state(context)
    if choice is None or choice.step != "route" or route is None or \
            route.wijk_id != state.get("wijk"):
        return await cancel(update, context)
    state.update(route_id=route.id, entry=route.entry_id, field=0,
                 values=route.draft().fields(), before=route.draft().fields())
    if state["action"] == "remove":
        await _reply(update, context, f"Deze route verwijderen?\n{esc(contact_line(route))}",
                     InlineKeyboardMarkup([[_button("Ja, verwijderen", "save"),
                                            _button("Nee", "cancel")]]))
        return REMOVE
    return await _field_menu(update, context)


async def _field_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Changing a route: one button per field (with its value now), then the preview."""
    values = _state(context)["values"]
    rows = [[_button(f"{FIELD_ICONS[name]} {label.split(' (')[0]}: "
                     f"{values.get(name) or '–'}", "field", name)] for name, label in FIELDS]
    internal = bool(values.get("internal"))
    rows.append([_button(f"🔒 Intern: {'ja' if internal else 'nee'} (wijzig)", "flip")])
    rows.append([_button("✅ Klaar: bekijk en sla op", "done"), _button("Stoppen", "cancel")])
    await _reply(update, context, "<b>Wat wil je wijzigen?</b> Kies een veld.",
                 InlineKeyboardMarkup(rows))
    return MENU


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    choice = _choice(update)
    state = _state(context)
    names = [name for name, _ in FIELDS]
    if choice is not None and choice.step == "field" and choice.value in names:
        state.update(field=names.index(choice.value), single=True)
        return await _ask_field(update, context)
    if choice is not None and choice.step == "flip":
        state["values"]["internal"] = not state["values"].get("internal")
        return await _field_menu(update, context)
    if choice is not None and choice.step == "done":
        return await _preview(update, context)
    return await cancel(update, context)


async def _ask_field(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    state = _state(context)
    name, label = FIELDS[state["field"]]
    current = state["values"].get(name, "")
    hint = (f"Typ <b>.</b> om te houden: <i>{esc(current)}</i>" if current
            else "Typ <b>-</b> om leeg te laten." if name != "organisation" else "")
    await _reply(update, context, f"<b>{esc(label)}</b>\n{hint}".strip())
    return FIELD


async def on_field(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    typed = (message.text or "").strip() if message else ""
    state = _state(context)
    name, _ = FIELDS[state["field"]]
    if name in ("organisation", "note") and looks_like_a_question(typed):
        await _reply(update, context, esc(texts.ROUTE_QUESTION), InlineKeyboardMarkup([[
            _button("Ja, stoppen", "cancel"), _button("Nee, ga verder", "resume")]]))
        return FIELD
    current = state["values"].get(name, "")
    value = current if typed == "." else "" if typed == "-" else typed
    try:
        if name == "organisation":
            value = contacts.text(value, "De naam")
            if not value:
                raise contacts.ContactError("Geef de naam van de organisatie of functie.")
        elif value and name in ("phone", "email", "website"):
            value = {"phone": contacts.phone, "email": contacts.email,
                     "website": contacts.website}[name](value)
        else:
            value = contacts.text(value, "Deze tekst")
    except contacts.ContactError as exc:
        await _reply(update, context, esc(str(exc)))
        return FIELD
    state["values"][name] = value
    if state.pop("single", False):  # changing one field: back to the list of fields
        return await _field_menu(update, context)
    state["field"] += 1
    if state["field"] < len(FIELDS):
        return await _ask_field(update, context)
    await _reply(update, context, "Is dit een <b>interne</b> route, alleen voor schoolpersoneel "
                                  "met een code van de wijk?", InlineKeyboardMarkup([[
                                      _button("Nee, voor iedereen", "internal", "n"),
                                      _button("Ja, intern", "internal", "y")]]))
    return INTERNAL


_QUESTION = re.compile(r"^(wie|wat|hoe|waar|wanneer|welke?|waarom|kan|mag|moet|is|zijn|"
                       r"heeft|who|what|how|where|can|should|is|are)\b", re.IGNORECASE)


def looks_like_a_question(typed: str) -> bool:
    """A question typed in the middle of the form ("wie bel ik bij verzuim?") is not a name."""
    return typed.endswith("?") or (len(typed.split()) >= 4 and bool(_QUESTION.match(typed)))


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """"Nee, ga verder" after a question-like answer: the same field again."""
    choice = _choice(update)
    if choice is None or choice.step != "resume":
        return await cancel(update, context)
    return await _ask_field(update, context)


async def on_timeout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ten quiet minutes end the form; the user hears so, and nothing was saved."""
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, esc(texts.ROUTE_TIMEOUT))
    if context.user_data is not None:
        context.user_data.pop(KEY, None)


def _draft(context: ContextTypes.DEFAULT_TYPE) -> RouteDraft:
    state = _state(context)
    values = dict(state["values"])
    values.update(wijk=state["wijk"], entry=state["entry"])
    d = deps(context)
    assert d.local is not None
    return d.local.check(values)


async def on_internal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    choice = _choice(update)
    if choice is None or choice.step != "internal" or choice.value not in ("y", "n"):
        return await cancel(update, context)
    _state(context)["values"]["internal"] = choice.value == "y"
    return await _preview(update, context)


async def _preview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    try:
        draft = _draft(context)
    except RouteError as exc:
        await _reply(update, context, esc(str(exc)))
        return await _end(context)
    entry = deps(context).service.kb.get(draft.entry_id)
    preview = (f"<b>Voorbeeld</b>\n{esc(entry.title if entry else draft.entry_id)}: "
               f"{esc(contact_line(draft))}" + (f" – {esc(draft.note)}" if draft.note else "")
               + ("\n<i>Intern: alleen voor leden van de wijk.</i>" if draft.internal else ""))
    await _reply(update, context, preview, InlineKeyboardMarkup([[
        _button("Opslaan", "save"), _button("Annuleren", "cancel")]]))
    return PREVIEW


async def on_save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    choice = _choice(update)
    state = _state(context)
    d = deps(context)
    if choice is None or choice.step != "save" or d.local is None or \
            state.get("wijk") not in await _editable_wijken(update, context):
        return await cancel(update, context)
    who = _who(update)
    try:
        if state["action"] == "remove":
            last = await d.local.remove(who, int(state["route_id"]))
            done = "De route is verwijderd."
        elif state["action"] == "add":
            last = await d.local.add(who, _draft(context))
            done = "De route is opgeslagen."
        else:
            shown = d.local.check(_raw(state["before"]))
            last = await d.local.change(who, int(state["route_id"]), _draft(context), shown)
            done = "De route is bijgewerkt."
    except NotAllowedError as exc:
        await _reply(update, context, esc(refusal(context, exc)))
        return await _end(context)
    except RouteError as exc:
        await _reply(update, context, esc(str(exc)))
        return await _end(context)
    except StorageError as exc:
        # The form stays: the "Opslaan" button above works again once the database is back.
        log.warning("route not saved: %s", exc.__class__.__name__)
        await _reply(update, context, esc(texts.STORAGE_BUSY_FORM))
        return PREVIEW if state["action"] != "remove" else REMOVE
    assert context.user_data is not None
    context.user_data["route_undo"] = last
    await _reply(update, context, done, InlineKeyboardMarkup([[
        _button("Ongedaan maken", "undo", str(last.route_id))]]))
    return await _end(context)


def _raw(fields: dict[str, Any]) -> dict[str, Any]:
    """A stored draft's fields in the form `check_route` reads."""
    raw = dict(fields)
    raw.update(wijk=raw.pop("wijk_id"), entry=raw.pop("entry_id"))
    return raw


async def undo(update: Update, context: ContextTypes.DEFAULT_TYPE, action: cb.RouteStep) -> str:
    """The undo button under a saved change: only for the same user, the last change, and
    while they still may edit the wijk."""
    d = deps(context)
    who = viewer(update)
    last = (context.user_data or {}).get("route_undo")
    if who is None or d.local is None or not isinstance(last, Undo) or \
            str(last.route_id) != action.value:
        return texts.STALE_BUTTON
    try:
        await d.local.undo(who, last)
    except NotAllowedError as exc:
        return refusal(context, exc)
    except (StorageError, RouteError):
        return texts.ERROR
    assert context.user_data is not None
    context.user_data.pop("route_undo", None)
    return "Ongedaan gemaakt."


async def _end(context: ContextTypes.DEFAULT_TYPE) -> int:
    if context.user_data is not None:
        context.user_data.pop(KEY, None)
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _reply(update, context, "Gestopt; er is niets veranderd.")
    return await _end(context)


def conversation() -> ConversationHandler[Any]:
    def buttons(callback: Any) -> CallbackQueryHandler[Any, Any]:
        return CallbackQueryHandler(callback, pattern=r"^w1:r:")

    def typed(callback: Any) -> Any:
        return MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
                              callback)

    states: dict[object, list[Any]] = {
        ACTION: [buttons(on_action)],
        WIJK: [buttons(on_wijk)],
        ENTRY_QUERY: [typed(on_entry_query)],
        ENTRY_PICK: [buttons(on_entry_pick)],
        ROUTE_PICK: [buttons(on_route_pick)],
        FIELD: [typed(on_field), buttons(on_resume)],
        MENU: [buttons(on_menu)],
        ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
        INTERNAL: [buttons(on_internal)],
        PREVIEW: [buttons(on_save)],
        REMOVE: [buttons(on_save)],
    }
    with warnings.catch_warnings():
        # PTB warns that CallbackQueryHandlers are tracked per chat and user, not per message:
        # that is what this conversation wants.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("route", start, filters.ChatType.PRIVATE)],
            states=states,
            # /route always answers: in the middle of a form it starts afresh.
            fallbacks=[CommandHandler("stop", cancel), CommandHandler("route", start),
                       buttons(cancel)],
            name="route-edit",
            conversation_timeout=TIMEOUT_SECONDS,
        )


async def send_stale_reminders(context: ContextTypes.DEFAULT_TYPE) -> int:
    """JobQueue callback: every editor hears which routes of their wijk were not checked for
    six months, with a button to confirm each; the number of reminders sent."""
    d = deps(context)
    if d.local is None:
        return 0
    try:
        sent = 0
        for wijk, editors, routes in await d.local.stale_reminders():
            for editor in editors:
                rows = [[_button(f"✔ Klopt nog: {r.organisation}", "confirm", str(r.id))]
                        for r in routes[:10]]
                text = (f"<b>Controleer de contactroutes van {esc(wijk.name)}</b>\n"
                        "Deze zijn al zes maanden niet gecontroleerd. Klopt een route nog, "
                        "druk dan op de knop; anders pas je hem aan met /route.\n"
                        + "\n".join(f"• {esc(contact_line(r))}" for r in routes[:10]))
                await send(context, editor, text, InlineKeyboardMarkup(rows))
                sent += 1
    except StorageError as exc:
        log.warning("stale route reminders not sent: %s", exc)
        return 0
    return sent


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, action: cb.RouteStep) -> str:
    d = deps(context)
    who = viewer(update)
    if who is None or d.local is None or not action.value.isdigit():
        return texts.NOT_ALLOWED
    try:
        await d.local.confirm(who, int(action.value))
    except NotAllowedError as exc:
        return refusal(context, exc)
    except StorageError:
        return texts.ERROR
    return "Bedankt, de route staat weer als gecontroleerd."


async def on_route_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Klopt nog" under a reminder and "Ongedaan maken" under a saved change outlive the
    /route conversation; any other /route button outside it is stale."""
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    match action:
        case cb.RouteStep("confirm", _):
            await query.answer(await confirm(update, context, action), show_alert=True)
        case cb.RouteStep("undo", _):
            await query.answer(await undo(update, context, action), show_alert=True)
        case _:
            await query.answer(texts.STALE_BUTTON, show_alert=True)
