"""Telegram handlers: translate updates into service calls and replies into messages.

`register` adds every handler in one visible place; the order of the groups matters.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from handlers import (
    browse,
    buttons,
    editors,
    errors,
    groups,
    info,
    inline,
    mydata,
    plate,
    questions,
    route_edit,
    wijk,
)


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
    # The /route conversation comes first: while it runs, its buttons and texts are its own.
    app.add_handler(route_edit.conversation())
    for name, callback in commands:
        app.add_handler(CommandHandler(name, callback))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
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
