"""Telegram handlers: translate updates into service calls and replies into messages.

The handlers arrive with the Telegram bot; they hold no matching or knowledge logic.
"""
