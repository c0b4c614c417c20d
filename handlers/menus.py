"""The command menu per person: editors and admins see their own commands in their private
chat (a command scope for that chat), everybody else the common menu. Set when a role is
granted, at start for the admins of the settings, and taken away with the role."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot import texts

log = logging.getLogger(__name__)


def menu(role: str | None) -> list[BotCommand]:
    extra = (texts.EDITOR_COMMANDS + texts.ADMIN_COMMANDS if role == "admin"
             else texts.EDITOR_COMMANDS if role == "editor" else ())
    return [BotCommand(name, text) for name, text in (*texts.COMMANDS, *extra)]


async def set_menu(bot: Bot, user_id: int, role: str | None) -> None:
    """The menu of this user's private chat for their role (None: back to the common one).
    A user who never opened the bot has no chat yet: nothing to do, not an error."""
    scope = BotCommandScopeChat(user_id)
    try:
        if role in ("editor", "admin"):
            for language in (None, "nl"):
                await bot.set_my_commands(menu(role), scope=scope, language_code=language)
        else:
            for language in (None, "nl"):
                await bot.delete_my_commands(scope=scope, language_code=language)
    except TelegramError as exc:
        log.info("menu of a user not set (%s)", exc.__class__.__name__)
