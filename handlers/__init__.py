"""Telegram handlers: translate updates into service calls and replies into messages.

`register` adds every handler in one visible place; the order of the groups matters.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    browse,
    buttons,
    editors,
    errors,
    groups,
    guard,
    info,
    inline,
    mydata,
    plate,
    questions,
    route_edit,
    wijk,
)
from handlers import callbackdata as cb


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    commands = [
        ("start", info.on_start), ("help", info.on_help), ("privacy", info.on_privacy),
        ("over", info.on_over), ("partners", browse.on_partners),
        ("situaties", browse.on_situations), ("tips", browse.on_tips),
        ("tip", browse.on_random_tip), ("zoek", questions.on_search),
        ("wijk", wijk.on_wijk), ("praatplaat", plate.on_praatplaat),
        ("markeren", plate.on_mark), ("kaart", plate.on_kaart),
        ("mijngegevens", mydata.on_my_data),
        ("vergeetmij", mydata.on_forget_me), ("uitnodigen", editors.on_invite),
        ("code", editors.on_code), ("redacteuren", editors.on_editors),
    ]
    app.add_handler(TypeHandler(Update, guard.on_any_update), group=-1)
    # The /route conversation comes first: while it runs, its buttons and texts are its own.
    app.add_handler(route_edit.conversation())
    app.add_handler(CommandHandler("route", route_edit.on_route_elsewhere,
                                   ~filters.ChatType.PRIVATE))
    for name, callback in commands:
        app.add_handler(CommandHandler(name, callback))
    # One handler per feature, each for its own buttons (validated by cb.pattern); what none
    # of them recognises is stale or forged.
    for callback, kinds in [
        (questions.on_answer_button, (cb.OpenEntry, cb.Feedback, cb.Rephrase, cb.Expand)),
        (browse.on_browse_button, (cb.BrowsePartners, cb.BrowseKind, cb.RandomTip)),
        (wijk.on_wijk_button, (cb.ChooseWijk, cb.WijkPage, cb.ChooseSchool)),
        (plate.on_mark_button, (cb.PlateMark,)),
        (editors.on_revoke_button, (cb.Revoke, cb.EditorsPage)),
        (mydata.on_forget_button, (cb.ForgetMe,)),
        (route_edit.on_route_button, (cb.RouteStep,)),
    ]:
        app.add_handler(CallbackQueryHandler(callback, pattern=cb.pattern(*kinds)))
    app.add_handler(CallbackQueryHandler(buttons.on_unknown_button))
    app.add_handler(InlineQueryHandler(inline.on_inline_query))
    app.add_handler(ChatMemberHandler(groups.on_my_membership,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & text, questions.on_private_text))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & text, questions.on_group_text))
    app.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
        questions.on_non_text))
    app.add_error_handler(errors.on_error)
