"""Personal data in questions: recognised, so that users are reminded and nothing is kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.privacy import find_personal_data, redact
from bot.service import Service


@pytest.mark.parametrize(("text", "expected"), [
    ("mijn leerling Jan de Vries is vaak te laat", "mijn leerling [naam] is vaak te laat"),
    ("een meisje genaamd Sanne uit groep 6", "een meisje genaamd [naam] uit groep 6"),
    ("bel moeder op 06-12345678", "bel moeder op [telefoon]"),
    ("of op +31 6 1234 5678", "of op [telefoon]"),
    ("mail naar ouder@example.nl", "mail naar [e-mail]"),
    ("bsn 111222333", "bsn [bsn]"),
    ("geboren 12-03-2015", "geboren [datum]"),
    ("geboren op 3 maart 2016", "geboren op [datum]"),
    ("woont in 1234 AB", "woont in [postcode]"),
    ("woont aan de Dorpsstraat 12", "woont aan de [adres]"),
])
def test_personal_data_is_recognised_and_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "wat doet het CJG?", "leerling uit groep 6 is vaak te laat", "bel Veilig Thuis 0800-2000",
    "bel 112", "meer dan 16 uur in 4 weken", "in 2024 waren er 120 leerlingen",
    "123456789",  # nine digits that fail the 11-proef are no BSN
])
def test_ordinary_questions_are_left_alone(text: str) -> None:
    assert find_personal_data(text) == []


@given(st.text(max_size=300))
def test_redaction_never_fails_and_marks_every_finding(text: str) -> None:
    findings = find_personal_data(text)
    redacted = redact(text)
    assert all(f"[{f.kind}]" in redacted for f in findings)
    assert (redacted == text) == (not findings)


def test_the_reply_says_when_a_question_seems_personal(service: Service) -> None:
    assert service.ask("mijn leerling Jan spijbelt").personal_data
    assert not service.ask("leerling spijbelt").personal_data
    assert service.ask("mijn leerling Jan spijbelt").as_dict()["personal_data"] is True
