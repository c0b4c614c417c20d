"""Callback data: what the bot makes it reads back; anything else is refused, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import callbackdata as cb

ACTIONS = [cb.OpenEntry("wijkteam"), cb.Feedback("cjg", True), cb.Feedback("cjg", False),
           cb.BrowsePartners("wijk", "po", 3), cb.BrowsePartners("all", "all", 0),
           cb.BrowseKind("situation", 2), cb.RandomTip(), cb.ChooseWijk("voorbeeld-noord"),
           cb.ChooseWijk(""), cb.ForgetMe(True, 4242), cb.ForgetMe(False, 999999999999999),
           cb.Rephrase(), cb.Expand("vermoeden-mishandeling", True), cb.Expand("cjg", False)]


@pytest.mark.parametrize("action", ACTIONS)
def test_encoded_actions_decode_to_themselves(action: cb.Action) -> None:
    data = cb.encode(action)
    assert cb.decode(data) == action
    assert 1 <= len(data.encode()) <= 64


def test_an_id_too_long_for_telegram_cannot_be_encoded() -> None:
    with pytest.raises(ValueError):
        cb.encode(cb.OpenEntry("a" * 70))


@given(st.text(max_size=200))
def test_any_text_decodes_to_an_action_or_none(data: str) -> None:
    action = cb.decode(data)
    assert action is None or cb.encode(action) == data


@pytest.mark.parametrize("data", [None, "", "w1:a:", "w1:a:UPPER", "w1:p:wijk:po:-1",
                                  "w1:k:partner:0", "w1:t:x", "w1:a:cjg\n", "w2:a:cjg"])
def test_malformed_data_is_refused(data: str | None) -> None:
    assert cb.decode(data) is None
