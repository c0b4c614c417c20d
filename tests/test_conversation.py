"""The conversation around answers: small talk, safety notices with their own route, choices
with a way out, the local layer offered once, and forum topics kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot import safety, texts
from bot.service import Service
from handlers import callbackdata as cb
from tests.test_bot_e2e import CHAT, Harness, buttons, run


@pytest.mark.parametrize("message", ["hoi", "Hallo!", "dank je wel 👍", "top, bedankt",
                                     "thanks a lot", "goedemorgen", "hoe gaat het met je?"])
def test_small_talk_gets_one_friendly_line(service: Service, message: str) -> None:
    reply = service.ask(message)
    assert reply.message == texts.SMALL_TALK and not reply.answers and not reply.suggestions


@pytest.mark.parametrize("question", ["hoi, wie bel ik bij verzuim?", "bedankt, en wat doet "
                                      "het cjg", "hallo ik maak me zorgen om een leerling"])
def test_a_greeting_before_a_question_is_still_a_question(service: Service,
                                                          question: str) -> None:
    assert service.ask(question).message != texts.SMALL_TALK


def test_after_a_clear_safety_notice_the_answer_is_its_route_or_nothing(
        service: Service) -> None:
    for question in ("ik denk dat mijn leerling zich snijdt", "er loopt een man met een mes "
                     "over het schoolplein", "een kind vertelt dat papa mama slaat"):
        reply = service.ask(question)
        assert reply.safety is not None
        assert not reply.suggestions, question
        if reply.answers and reply.safety.tier == "clear":
            ids = {a.id for a in reply.answers}
            assert reply.answers[0].id in ids
        assert reply.message in (None, texts.CLARIFY), question


def test_safety_routes_are_not_offered_as_guesses_without_a_signal(service: Service) -> None:
    routes = set(safety.ROUTE_ENTRIES.values())
    for question in ("tips tegen werkdruk als leraar", "collega gedraagt zich raar",
                     "hoe zit het met vertrouwen in het team", "wat moet ik melden"):
        reply = service.ask(question)
        if reply.safety is None:
            assert not routes & {s.id for s in reply.suggestions}, question


def test_a_choice_has_a_way_out(tmp_path: Path, service: Service) -> None:
    question = next(q for q in ("verzuim", "luxe verzuim melden", "pesten", "privacy",
                                "gemeentelijke plannen voor de wijk", "Psychische klachten",
                                "gedrag", "sport", "ouders", "jeugdhulp", "melden")
                    if service.ask(q).clarify)

    async def body(h: Harness) -> None:
        await h.say(question)
        await h.replies(1)
        choices = [cb.decode(b["callback_data"]) for b in buttons(h.fake.sent(CHAT)[0].params)]
        assert choices[-1] == cb.Rephrase()
        await h.fake.push(h.fake.callback(CHAT, cb.encode(cb.Rephrase())))
        sent = await h.replies(2)
        assert sent[-1] == texts.REPHRASE_HINT.replace('"', "&quot;") or \
            "onderwerp" in sent[-1]

    run(tmp_path, service, body)


def test_the_wijk_is_offered_once_after_the_first_answer(tmp_path: Path,
                                                         service: Service) -> None:
    async def body(h: Harness) -> None:
        # An operator's own wijken (the shipped example list offers nothing local).
        h.local.areas = dataclasses.replace(h.local.areas, example=False)
        await h.say("wat doet het cjg")
        await h.replies(2)
        await h.say("wat doet de leerplichtambtenaar")
        sent = await h.replies(3)
        offers = [s for s in sent if "/wijk" in s and len(s) < 100]
        assert len(offers) == 1

    run(tmp_path, service, body)


def test_replies_in_a_forum_topic_stay_in_that_topic(tmp_path: Path, service: Service) -> None:
    group = -100555

    async def body(h: Harness) -> None:
        await h.say("/zoek een leerling praat over zelfmoord", chat_id=group, kind="supergroup",
                    user_id=7, message_thread_id=42, is_topic_message=True)
        await h.replies(2, chat_id=group)
        assert all(c.params.get("message_thread_id") in (42, "42") for c in h.fake.sent(group))

    run(tmp_path, service, body)


def test_the_bot_describes_itself_at_start(tmp_path: Path, service: Service) -> None:
    async def body(h: Harness) -> None:
        assert {c.params.get("language_code") for c in h.fake.of("setMyDescription")} == \
            {None, "nl"}
        assert len(h.fake.of("setMyShortDescription")) == 2

    run(tmp_path, service, body)


def test_sexual_behaviour_between_children_never_gets_the_staff_notice(
        service: Service) -> None:
    """Only someone working at the school makes it a staff matter (review finding V2)."""
    for question in ("seksueel grensoverschrijdend gedrag tussen kleuters",
                     "grensoverschrijdend gedrag tussen leerlingen"):
        reply = service.ask(question)
        assert reply.safety is None or reply.safety.level != "staff", question


def test_a_staff_member_named_keeps_the_staff_route(service: Service) -> None:
    reply = service.ask("de gymleraar zit aan meisjes in de kleedkamer")
    assert reply.safety is not None and reply.safety.level == "staff"
