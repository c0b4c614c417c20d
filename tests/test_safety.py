"""Safety: every message with a signal gets its notice, before and apart from any matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import safety
from bot.service import Service


@pytest.mark.parametrize("text", [
    "er wordt nu gevochten met een mes voor de school",
    "iemand staat met een wapen bij het hek",
    "een leerling is bewusteloos op het plein",
    "there is a man with a knife at the gate",
])
def test_acute_danger_points_to_112(text: str) -> None:
    notice = safety.check(text)
    assert notice is not None and notice.level == "acute"
    assert "112" in notice.text


@pytest.mark.parametrize("text", [
    "vermoeden van kindermishandeling",
    "leerling vertelde dat papa haar slaat",
    "kind heeft steeds blauwe plekken",
    "ik denk dat dit kind thuis verwaarloosd wordt",
    "huiselijk geweld in het gezin van een leerling",
    "kindermishandling",  # typo
    "suspected child abuse",
])
def test_abuse_and_neglect_point_to_veilig_thuis_and_the_meldcode(text: str) -> None:
    notice = safety.check(text)
    assert notice is not None and "meldcode" in notice.levels
    assert "0800-2000" in notice.text and "Veilig Thuis" in notice.text
    assert "aandachtsfunctionaris" in notice.text  # the school's own protocol comes first


@pytest.mark.parametrize("text", [
    "leerling heeft het over suïcide",
    "kind zegt dat hij niet meer wil leven",
    "ik zie snijwondjes op haar arm",
    "zelfmoort",  # typo
    "student talks about self-harm",
])
def test_suicidal_talk_points_to_113(text: str) -> None:
    notice = safety.check(text)
    assert notice is not None and "suicide" in notice.levels
    assert "113" in notice.text and "0800-0113" in notice.text


@pytest.mark.parametrize("text", [
    "een collega raakt leerlingen ongepast aan",
    "vermoeden van seksueel misbruik door een leerkracht",
    "de gymleraar stuurt naaktfoto's naar een leerling",
])
def test_abuse_by_staff_points_to_the_board_and_the_vertrouwensinspecteur(text: str) -> None:
    notice = safety.check(text)
    assert notice is not None and "staff" in notice.levels
    assert "bevoegd gezag" in notice.text and "0900-111 3111" in notice.text


def test_the_most_urgent_level_comes_first_and_every_notice_is_kept() -> None:
    notice = safety.check("vader slaat haar en nu staat hij met een mes voor de deur")
    assert notice is not None
    assert notice.level == "acute"
    assert "112" in notice.text and "0800-2000" in notice.text


def test_a_child_reading_sees_the_kindertelefoon_first() -> None:
    notice = safety.check("ik ben 12 en mijn vader slaat mij")
    assert notice is not None and notice.child_reader
    assert notice.text.startswith("Ben je zelf een kind")
    assert "0800-0432" in notice.text


@pytest.mark.parametrize("text", [
    "wat doet het CJG?",
    "leerling is vaak te laat",
    "samenwerking met de sportclub",
    "hoe schrijf ik een schoolplan",
    "de zorg schiet tekort in onze wijk",
    "mijn collega wil de bibliotheek bellen",
])
def test_ordinary_questions_carry_no_safety_notice(text: str) -> None:
    assert safety.check(text) is None


def test_a_signal_at_the_end_of_a_huge_message_is_found(service: Service) -> None:
    text = "bla " * 25_000 + "en ze praat over zelfmoord"
    reply = service.ask(text)
    assert reply.safety is not None and "113" in reply.safety.text


def test_the_notice_comes_with_the_answer_not_instead_of_it(service: Service) -> None:
    reply = service.ask("vermoeden van kindermishandeling, wat is de meldcode")
    assert reply.safety is not None
    assert reply.answers


def test_the_notice_does_not_depend_on_the_knowledge_base(tmp_path) -> None:
    assert safety.check("kind vertelt over mishandeling thuis") is not None


@given(st.text(max_size=300))
def test_the_check_never_fails(text: str) -> None:
    notice = safety.check(text)
    assert notice is None or notice.text


@pytest.mark.parametrize(("text", "expected"), [
    ("een leerling vertelde dat haar vader haar slaat", "vermoeden-mishandeling"),
    ("leerling zegt dat ze niet meer wil leven", "psychische-klachten"),
])
def test_the_safety_topic_steers_the_answer_to_the_right_route(service: Service, text: str,
                                                               expected: str) -> None:
    reply = service.ask(text)
    assert reply.safety is not None
    assert reply.answers and expected in [a.id for a in reply.answers]


@pytest.mark.parametrize("text", [
    "leerling zegt dat hij thuis klappen krijgt",
    "kind vertelt dat mama vaak door papa geslagen wordt",
])
def test_passive_and_colloquial_hitting_is_recognised(text: str) -> None:
    notice = safety.check(text)
    assert notice is not None and "meldcode" in notice.levels


@pytest.mark.parametrize("text", [
    "een leerling is buiten bewustzijn in de gymzaal",
    "ouder komt dronken een kind ophalen met de auto",
])
def test_medical_and_traffic_emergencies_point_to_112(text: str) -> None:
    notice = safety.check(text)
    assert notice is not None and notice.level == "acute"


@pytest.mark.parametrize(("text", "level"), [
    ("kleuter is weg van het schoolplein we kunnen hem nergens vinden", "acute"),
    ("leerling heeft net in de wc een hele strip pillen geslikt", "acute"),
    ("word thuis afgetuigd volgens zijn vriendjes", "meldcode"),
    ("jongetje van 7 is vaak tot s avonds laat alleen thuis", "meldcode"),
    ("meisje zegt dat ze deze zomer word uitgehuwelijkt", "meldcode"),
    ("jongen geeft al zn spullen weg en zegt dat hij ze toch niet meer nodig heeft", "suicide"),
    ("invalkracht heeft een leerling in zijn gezicht geslagen", "staff"),
])
def test_indirect_signals_are_recognised(text: str, level: str) -> None:
    notice = safety.check(text)
    assert notice is not None and level in notice.levels
