"""The service's reply: the contract every channel relies on, and bad input handled calmly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase
from bot.service import Service

CONTRACT_KEYS = {"query", "answers", "clarify", "suggestions", "safety"}
ANSWER_KEYS = {"id", "kind", "title", "text", "partners", "score"}


def test_a_reply_has_the_contract_keys(service: Service) -> None:
    data = service.ask("wat doet het cjg").as_dict()
    assert set(data) >= CONTRACT_KEYS
    assert data["answers"] and set(data["answers"][0]) >= ANSWER_KEYS
    assert isinstance(data["answers"][0]["score"], int)


def test_a_partner_answer_says_what_they_do_when_and_how_to_reach_them(service: Service) -> None:
    answer = service.ask("wat doet het wijkteam").answers[0]
    assert answer.kind == "partner"
    assert "Wanneer schakel je ze in" in answer.text and "Zo bereik je ze" in answer.text
    assert answer.partners[0] == answer.title


def test_a_situation_answer_gives_the_route_and_its_partners(service: Service) -> None:
    answer = service.answer_for("armoede")
    assert answer is not None
    assert "Wie eerst, wie daarna" in answer.text and "1. " in answer.text
    assert answer.partners


def test_answers_cite_their_sources_by_title(service: Service) -> None:
    answer = service.ask("boundary crossing").answers[0]
    assert answer.sources and not any(".txt" in s for s in answer.sources)


def test_local_differences_are_mentioned(service: Service) -> None:
    answer = service.answer_for("wijkteam")
    assert answer is not None and "verschil" in answer.text


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "😀😀😀", "\x00\x01\x02", "?!?!", "…"])
def test_empty_or_meaningless_input_gets_a_friendly_hint(service: Service, text: str) -> None:
    reply = service.ask(text)
    assert reply.answers == ()
    assert reply.message


def test_control_characters_are_ignored(service: Service) -> None:
    assert service.ask("wijk\x00team\x1b").answers == service.ask("wijk team").answers


def test_mixed_scripts_do_not_break_matching(service: Service) -> None:
    reply = service.ask("Что делает leerplichtambtenaar 你好")
    assert reply.answers and "leerplicht" in reply.answers[0].title.lower()


def test_a_question_that_is_only_an_abbreviation_is_answered(service: Service) -> None:
    reply = service.ask("LPA")
    assert reply.answers and "leerplicht" in reply.answers[0].title.lower()


def test_a_huge_question_is_matched_on_its_start(service: Service) -> None:
    reply = service.ask("wat doet de brugfunctionaris " + "x" * 100_000)
    assert reply.answers and reply.answers[0].id == "brugfunctionaris"
    assert len(reply.query) <= 1000


def test_answer_for_an_unknown_id_is_none(service: Service) -> None:
    assert service.answer_for("bestaat-niet") is None


def test_top_limits_the_number_of_answers(service: Service) -> None:
    assert len(service.ask("ouders", top=1).answers) <= 1


def test_an_operators_area_file_puts_local_names_in_answers(kb: KnowledgeBase,
                                                             tmp_path: Path) -> None:
    from bot.areas import load_areas

    path = tmp_path / "wijken.yaml"
    path.write_text("gemeente: Haarlemmermeer\nlocal_names: {wijkteam: Sociaal team Noord}\n"
                    "wijken: [{id: noord, name: Noord}]\n", encoding="utf-8")
    local = Service(kb, load_areas(path, kb))
    answer = local.answer_for("wijkteam")
    assert answer is not None
    assert "In Haarlemmermeer heet dit: Sociaal team Noord." in answer.text
    assert "per gemeente" not in answer.text  # the hedge goes once the local name is known
    plain = Service(kb).answer_for("wijkteam")
    assert plain is not None and "verschilt per gemeente" in plain.text
    situation = local.answer_for("zorgen-thuissituatie")
    assert situation is not None
    assert any("(Sociaal team Noord)" in p for p in situation.partners)


def test_the_shipped_example_areas_change_no_answer(kb: KnowledgeBase) -> None:
    from bot.areas import load_areas

    plain, example = Service(kb), Service(kb, load_areas(kb=kb))
    assert plain.answer_for("wijkteam") == example.answer_for("wijkteam")


def test_only_sentences_about_differing_names_are_dropped() -> None:
    from bot.service import without_name_hedge

    text = ("Het wijkteam helpt gezinnen. Hoe het team heet, verschilt per gemeente: kijk op de "
            "website. De regels verschillen per gemeente.")
    assert without_name_hedge(text) == "Het wijkteam helpt gezinnen. De regels verschillen " \
                                       "per gemeente."


def test_no_card_says_a_fact_twice_outside_its_steps(service: Service) -> None:
    import re

    from rapidfuzz import fuzz

    repeated = []
    for entry in service.kb:
        answer = service.answer_for(entry.id)
        assert answer is not None
        sentences = [s.casefold() for section in answer.sections if section.style != "numbered"
                     for line in section.lines for s in re.split(r"(?<=[.!?])\s+", line)
                     if len(s.split()) >= 4]
        repeated += [(entry.id, s) for i, s in enumerate(sentences)
                     if any(fuzz.ratio(s, t) >= 80 for t in sentences[:i])]
    assert repeated == []


def test_a_repeat_with_a_number_of_its_own_stays() -> None:
    from bot.service import Section, without_repeats

    sections = (Section(None, ("Meld het bij DUO in het verzuimregister.",)),
                Section("Zo", ("Meld het bij DUO in het verzuimregister.",
                               "Meld het binnen 5 dagen bij DUO in het verzuimregister.")))
    kept = without_repeats(sections)
    assert [line for s in kept for line in s.lines] == [
        "Meld het bij DUO in het verzuimregister.",
        "Meld het binnen 5 dagen bij DUO in het verzuimregister."]
