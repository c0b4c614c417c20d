"""Telegram HTML: escaped, valid for Telegram's parser, and split within its limits."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.service import Answer, Reply, Section, Service
from handlers.render import MESSAGE_LIMIT, answer_blocks, pack, reply_messages, tg_len
from tests.fake_telegram import check_text, parse_html


def _answer(text: str, title: str = "Titel") -> Answer:
    return Answer("x", "tip", title, (Section(None, (text,)), Section("Label", (text, text),
                                                                         "bullets")),
                  (), ("Bron & <sectie>",), (), 50.0)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000), st.text(min_size=1, max_size=80))
def test_any_text_renders_as_html_telegram_accepts(text: str, title: str) -> None:
    for chunk in pack(answer_blocks(_answer(text, title))):
        check_text(chunk, "HTML")  # raises like Telegram would


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=30_000))
def test_long_answers_are_split_within_the_limit(size: int) -> None:
    text = ("Een zin met <tekens> & meer. " * (size // 28 + 1))[:size]
    chunks = pack(answer_blocks(_answer(text)))
    assert all(tg_len(parse_html(c)) <= MESSAGE_LIMIT for c in chunks)


def test_emoji_count_double_as_telegram_counts_them() -> None:
    assert tg_len("😀") == 2 and tg_len("é") == 1


def test_user_and_knowledge_text_is_escaped() -> None:
    html = pack(answer_blocks(_answer("<script>alert(1)</script> & co")))[0]
    assert "&lt;script&gt;" in html and "&amp; co" in html


def test_every_entry_renders_as_valid_telegram_html(service: Service) -> None:
    for entry in service.kb:
        answer = service.answer_for(entry.id)
        assert answer is not None
        for chunk in pack(answer_blocks(answer)):
            check_text(chunk, "HTML")


def test_a_reply_puts_the_safety_notice_first(service: Service) -> None:
    messages = reply_messages(service.ask("kind vertelt over mishandeling thuis"))
    assert "0800-2000" in messages[0][0] and messages[0][1] is None
    assert len(messages) >= 2


def test_buttons_stay_within_telegram_limits(service: Service) -> None:
    for entry in service.kb:
        answer = service.answer_for(entry.id)
        assert answer is not None
        long = dataclasses.replace(answer, title="x" * 300)
        for text, markup in reply_messages(_reply_with(long)):
            check_text(text, "HTML")
            for row in (markup.inline_keyboard if markup else ()):
                for button in row:
                    assert len(button.text) <= 64
                    if button.callback_data:
                        assert 1 <= len(str(button.callback_data).encode()) <= 64


def _reply_with(answer: Answer) -> Reply:
    return Reply("q", (answer,), False, (), None, None)


def test_every_short_card_fits_one_phone_screen(service: Service) -> None:
    """Before any button: at most 120 words, median at most 80 (issue: 345 words before)."""
    import statistics

    from handlers.render import short_card, words

    counts = {e.id: words(short_card(service.answer_for(e.id)))  # type: ignore[arg-type]
              for e in service.kb}
    assert max(counts.values()) <= 120, max(counts.items(), key=lambda kv: kv[1])
    assert statistics.median(counts.values()) <= 80


def test_a_short_card_puts_the_local_route_right_under_the_summary(service: Service) -> None:
    from handlers.render import short_blocks

    answer = service.answer_for("verzuim")
    assert answer is not None
    blocks = short_blocks(answer, "<b>📍 In jouw wijk (Noord)</b>\n• Leerplicht: 020 123 4567")
    assert blocks[1].startswith(answer.summary[:20]) and blocks[2].startswith("<b>📍")
    assert "1. " in blocks[-1]
