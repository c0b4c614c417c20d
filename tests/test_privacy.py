"""Personal data in questions: recognised, so that users are reminded and nothing is kept.

One test per way of writing: each phone, BSN, date, postcode, address and name rule has its
own named case, and so has each thing that looks like personal data but is not.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy import Finding, find_personal_data, measure, personal_data_kinds, redact
from bot.service import Service


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in find_personal_data(text)]


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


# --- phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [
    ("bel 0612345678 even", "0612345678"),                        # digits only
    ("bel 06-12345678 even", "06-12345678"),                      # dash after 06
    ("bel 06 12 34 56 78 even", "06 12 34 56 78"),                # pairs
    ("bel 06.12.34.56.78 even", "06.12.34.56.78"),                # dots
    ("bel 06 - 236 215 44 even", "06 - 236 215 44"),              # spaced dash
    ("bel (06) 3924 3322 even", "(06) 3924 3322"),                # brackets around 06
    ("bel +31 6 12345678 even", "+31 6 12345678"),                # international
    ("bel +31612345678 even", "+31612345678"),                    # international, no spaces
    ("bel +31 (0)6 1234 5678 even", "+31 (0)6 1234 5678"),        # with (0)
    ("bel +31(0)6-16018338 even", "+31(0)6-16018338"),            # with (0) and dash
    ("bel 0031 6 12345678 even", "0031 6 12345678"),              # 0031
    ("bel 0031612345678 even", "0031612345678"),                  # 0031, no spaces
    ("bel 010-1234567 even", "010-1234567"),                      # landline, 3-digit area
    ("bel 020 123 4567 even", "020 123 4567"),                    # landline with spaces
    ("bel (020) 123 45 67 even", "(020) 123 45 67"),              # area code in brackets
    ("bel 0111-123456 even", "0111-123456"),                      # 4-digit area code
    ("bel +32 470 12 34 56 even", "+32 470 12 34 56"),            # a Belgian mobile
    ("bel ０６－１２３４５６７８ even", "０６－１２３４５６７８"),  # full-width digits
    ("bel ٠٦١٢٣٤٥٦٧٨ even", "٠٦١٢٣٤٥٦٧٨"),                        # Arabic-Indic digits
])
def test_a_phone_number_is_found_in_every_writing(text: str, number: str) -> None:
    assert found(text) == [("telefoon", number)]


@pytest.mark.parametrize("text", [
    "bel Veilig Thuis 0800-2000", "bel 112", "bel 113 of 0800-0113", "het landelijke 088-1234567",
    "de Kindertelefoon 0800-0432", "een 0900-nummer: 0900-1234567", "bel 085-1234567",
])
def test_organisation_and_emergency_numbers_are_not_personal(text: str) -> None:
    assert find_personal_data(text) == []


# --- BSN -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [
    ("nummer 123456782 klopt", "123456782"),             # passes the 11-proef, no keyword
    ("nummer 123 456 782 klopt", "123 456 782"),         # groups of three
    ("nummer 1234.56.782 klopt", "1234.56.782"),         # the dotted form of the passport
    ("nummer 123-456-782 klopt", "123-456-782"),         # dashes
    ("zijn BSN is 123456789", "123456789"),              # fails the 11-proef, but says BSN
    ("burgerservicenummer: 12345678", "12345678"),       # an old eight-digit number, said so
    ("sofinummer 987 654 321", "987 654 321"),           # the old name
])
def test_a_bsn_is_found_in_every_writing(text: str, number: str) -> None:
    assert found(text) == [("bsn", number)]


def test_nine_digits_that_fail_the_11_proef_without_bsn_near_are_no_bsn() -> None:
    assert find_personal_data("123456789") == []
    assert find_personal_data("artikelnummer 987654320") == []


def test_an_amount_is_no_bsn() -> None:
    assert find_personal_data("het kost € 123.456.782") == []


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "date"), [
    ("geboren 12-03-2015", "12-03-2015"),            # numeric with dashes
    ("datum 12/3/2017 klopt", "12/3/2017"),          # slashes, one-digit month
    ("datum 09.02.2018 klopt", "09.02.2018"),        # dots
    ("datum 3-1-16 klopt", "3-1-16"),                # two-digit year
    ("datum 2016-08-26 klopt", "2016-08-26"),        # ISO
    ("op 12 maart 2015 gebeurd", "12 maart 2015"),   # in words with year
    ("op 12 mrt '15 gebeurd", "12 mrt '15"),         # abbreviated month, short year
    ("op 5 dec. 2015 gebeurd", "5 dec. 2015"),       # abbreviated month with a dot
    ("born on March 3, 2015", "March 3, 2015"),      # English order
    ("geboren op 3 januari", "3 januari"),           # a birth date without year
    ("geboren 12-03", "12-03"),                      # numeric birth date without year
    ("ze is jarig op 3 mei", "3 mei"),               # a birthday
    ("ze wordt op 20-6 12 en wil trakteren", "20-6"),  # "turns 12 on 20 June"
])
def test_a_personal_date_is_found_in_every_writing(text: str, date: str) -> None:
    assert found(text) == [("datum", date)]


@pytest.mark.parametrize("text", [
    "op 12 maart is de studiedag", "aanvragen voor 1 oktober", "meer dan 16 uur in 4 weken",
    "ons schoolplan 2025-2028", "per 1 januari 2025 geldt de nieuwe regeling",
    "om 16.30 uur", "Koningsdag 27 april", "sinds september 2024", "schooljaar 2024-2025",
])
def test_dates_that_are_nobodys_are_left_alone(text: str) -> None:
    assert find_personal_data(text) == []


# --- postcodes and addresses -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("woont in 1234 AB", [("postcode", "1234 AB")]),
    ("woont in 1234AB", [("postcode", "1234AB")]),
    ("postcode 1234 ab", [("postcode", "1234 ab")]),
    ("Dorpsstraat 12, 1234 ab", [("adres", "Dorpsstraat 12"), ("postcode", "1234 ab")]),
    ("woont op Jan van Galenstraat 12a", [("adres", "Jan van Galenstraat 12a")]),
    ("woont op Laan van Meerdervoort 12", [("adres", "Laan van Meerdervoort 12")]),
    ("Heemraadssingel 111 hs", [("adres", "Heemraadssingel 111 hs")]),
    ("adres schoolstraat 98a", [("adres", "schoolstraat 98a")]),
])
def test_postcodes_and_addresses_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_a_lower_case_postcode_needs_an_address_or_the_word_postcode() -> None:
    assert find_personal_data("in 2024 en 2025") == []
    assert find_personal_data("in 2025 VO scholen") == []


# --- e-mail ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "address"), [
    ("mail ouder@example.nl", "ouder@example.nl"),
    ("mail nalhassan92 at live punt nl", "nalhassan92 at live punt nl"),
    ("mail marcobos apenstaartje outlook punt nl", "marcobos apenstaartje outlook punt nl"),
])
def test_an_email_address_is_found_also_when_written_out(text: str, address: str) -> None:
    assert found(text) == [("e-mail", address)]


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "name"), [
    ("Sanne is vaak te laat", "Sanne"),                          # a listed first name
    ("sanne is vaak te laat", "sanne"),                          # typed in lower case
    ("ik sprak Sanne de Vries", "Sanne de Vries"),               # first name and surname
    ("ik sprak sanne de vries", "sanne de vries"),               # all in lower case
    ("ik sprak Ayşe Yılmaz", "Ayşe Yılmaz"),                     # Turkish letters
    ("ik sprak Ayse Yilmaz", "Ayse Yilmaz"),                     # without them
    ("ik sprak Anne-Marie", "Anne-Marie"),                       # a double first name
    ("ik sprak Mohamed El Amrani", "Mohamed El Amrani"),         # Arabic particle
    ("ik sprak Bassam Al-Hassan", "Bassam Al-Hassan"),           # with a hyphen
    ("ik sprak Thijs van 't Hof", "Thijs van 't Hof"),           # van 't
    ("gisteren belde de Vries", "de Vries"),                     # particle and listed surname
    ("gisteren belde van der Zwaluw", "van der Zwaluw"),         # strong particle, any word
    ("gisteren belde Jansen", "Jansen"),                         # a surname that is no word
    ("ik sprak Jan Visser", "Jan Visser"),                       # a word-surname after a name
    ("vraag het juf Bakker", "Bakker"),                          # a word-surname after a title
    ("vraag het mw. Jansen", "Jansen"),                          # an abbreviated title
    ("vraag het meneer de Groot", "de Groot"),                   # title and particle
    ("vraag het juf sanne", "sanne"),                            # title, lower case
    ("de familie Storm belt", "Storm"),                          # "familie" before a surname
    ("moeder Rosita Jagesar belt", "Rosita Jagesar"),            # a relation word
    ("mijn leerling Xiomara is ziek", "Xiomara"),                # unknown, after a relation
    ("mijn leerling roos is ziek", "roos"),                      # a word-name after a relation
    ("de moeder van Kimberley belt", "Kimberley"),               # relation word and "van"
    ("ik ben Ghada van de peuteropvang", "Ghada"),               # introducing oneself
    ("Edsel van leerplicht zei het", "Edsel"),                   # a person and their work
    ("Quirinus (7) huilt", "Quirinus"),                          # an age after the name
    ("Quirinus uit groep 6 huilt", "Quirinus"),                  # a group after the name
    ("Beste Quirinus, dank je", "Quirinus"),                     # a greeting
    ("Groet, Quirinus", "Quirinus"),                             # a signature
    ("Met vriendelijke groet,\nS. van Dijk", "S. van Dijk"),     # initials
    ("de kinderen Luuk en Quirinus", "Luuk"),                    # joined by "en"
    ("het dossier van Quirinus", "Quirinus"),                    # whose dossier
])
def test_a_name_is_found_by_every_rule(text: str, name: str) -> None:
    assert ("naam", name) in found(text)


def test_names_joined_by_and_are_both_found() -> None:
    assert found("de kinderen Luuk en Quirinus") == [("naam", "Luuk"), ("naam", "Quirinus")]


def test_a_name_found_once_is_found_everywhere_in_the_text() -> None:
    text = "Ik sprak Quirinus Maduro. Quirinus zit in groep 4."
    assert found(text) == [("naam", "Quirinus Maduro"), ("naam", "Quirinus")]


@pytest.mark.parametrize(("text", "name"), [
    ("Sanne's moeder belt", "Sanne"), ("Sannes moeder belt", "Sanne"),
    ("Thomas' vader belt", "Thomas"), ("Ingrids man belt", "Ingrid"),
])
def test_a_possessive_leaves_its_ending_outside_the_name(text: str, name: str) -> None:
    assert found(text) == [("naam", name)]


@pytest.mark.parametrize("text", [
    # first names that are ordinary words, on their own
    "Ben ik verplicht te melden?", "Dan bel ik de GGD", "Max 3 dagen verlof", "ik heb roos",
    "kind heeft hoofdluis en een luis gevonden", "in hoge mate", "het lot", "een roman lezen",
    "elke dag", "beren op de weg", "zijn jack is weg", "lieve ouders",
    "A pupil said it would be better", "self-harm at school", "Can I call", "the Golden Age",
    "lea overleg gemeente", "anbi's enzo",
    # organisations, places, holidays and public figures
    "Veilig Thuis", "Centrum voor Jeugd en Gezin", "Stichting Leergeld", "Rotterdam-Zuid",
    "De Vreedzame School", "van de Raad voor de Kinderbescherming", "Albert Heijn",
    "een les over Anne Frank", "het Anne Frank Huis", "Harry Potter lezen", "in Den Haag",
    "het Emma Kinderziekenhuis", "met Sinterklaas en Zwarte Piet", "sint en piet komen",
    "Sint Maarten", "azc Ter Apel", "op de Dam", "langs de Maas", "het Suikerfeest",
    "de Sociale Kaart van de gemeente", "het nummer van Sensoor",
    "nieuwkomer uit Oekraine, 9 jaar",
    # roles and titles without a name
    "de meester zegt", "Mag ik de juf bellen?", "ik ben juf", "Ik ben nieuw", "Beste collega,",
    "Groetjes, de juf", "de meester haar op schoot", "Jeugdarts van de GGD",
])
def test_ordinary_words_are_no_names(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize("text", [
    "wat doet het CJG?", "leerling uit groep 6 is vaak te laat", "bel Veilig Thuis 0800-2000",
    "bel 112", "meer dan 16 uur in 4 weken", "in 2024 waren er 120 leerlingen",
    "123456789",  # nine digits that fail the 11-proef are no BSN
])
def test_ordinary_questions_are_left_alone(text: str) -> None:
    assert find_personal_data(text) == []


# --- the route helper and measuring -----------------------------------------------------------


def test_personal_data_kinds_names_each_kind_once_in_order() -> None:
    text = "Bel Sanne op 06-12345678 of Jan op 0612345678"
    assert personal_data_kinds(text) == ["naam", "telefoonnummer"]
    assert personal_data_kinds("bel het wijkteam") == []


def test_measure_counts_covered_values_and_false_alarms() -> None:
    figures = measure([
        {"text": "bel Sanne op 06-12345678", "pii": [
            {"kind": "naam", "value": "Sanne"}, {"kind": "telefoon", "value": "06-12345678"}]},
        {"text": "Quirinus zegt niks", "pii": [{"kind": "naam", "value": "Quirinus"}]},
        {"text": "bel Veilig Thuis", "pii": []},
    ])
    assert figures["recall_telefoon"] == 1.0
    assert figures["recall_naam"] == 0.5
    assert figures["fp_items"] == 0.0


# --- properties ------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Sanne", "sanne", "de", "Vries", "van", "der", "juf", "moeder", "mijn", "leerling", "en",
    "06-12345678", "+31", "6", "1234", "5678", "bsn", "123456782", "AB", "12", "maart", "2015",
    "geboren", "op", "Dorpsstraat", "12a", ",", ".", ":", "(", ")", "-", "'s", "Jan", "jan",
    "x@y.nl", "at", "punt", "nl", "Groet", "Beste", "Naam:", "０６", "١٢٣", "\n", "El",
    "Amrani", "familie", "Storm", "ter", "Apel", "[naam]", "naam", "Quirinus", "postcode"])
_TEXTS = st.lists(_PIECES, max_size=30).map(" ".join) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_redaction_never_fails_and_marks_every_finding(text: str) -> None:
    findings = find_personal_data(text)
    redacted = redact(text)
    assert all(f"[{f.kind}]" in redacted for f in findings)
    assert (redacted == text) == (not findings)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_findings_are_ordered_within_the_text_and_never_overlap(text: str) -> None:
    findings = find_personal_data(text)
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in pairwise(findings))


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=20).map(" ".join))
def test_digits_of_any_script_give_the_same_findings(text: str) -> None:
    expected = find_personal_data(text)
    for table in (_ARABIC_INDIC, _FULL_WIDTH):
        assert find_personal_data(text.translate(table)) == expected


def test_a_finding_is_a_small_value_object() -> None:
    assert Finding("naam", 0, 5) == Finding("naam", 0, 5)


def test_the_reply_says_when_a_question_seems_personal(service: Service) -> None:
    assert service.ask("mijn leerling Jan spijbelt").personal_data
    assert not service.ask("leerling spijbelt").personal_data
    assert service.ask("mijn leerling Jan spijbelt").as_dict()["personal_data"] is True
