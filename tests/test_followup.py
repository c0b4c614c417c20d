"""Follow-ups: a short question right after an answer, or a reply to it, is read in its light;
a complete question on another topic is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.followup import MAX_WORDS, is_followup
from bot.service import Service
from tests.test_bot_e2e import CHAT, Harness, run


@pytest.mark.parametrize("text", ["en in het vo?", "hoe bereik ik die?", "wie betaalt dat",
                                  "and what about toddlers?", "wat als dat niet lukt?",
                                  "en voor peuters", "ook voor het mbo?"])
def test_short_questions_that_lean_on_the_previous_answer_are_follow_ups(text: str) -> None:
    assert is_followup(text)


@pytest.mark.parametrize("text", ["wat doet de leerplichtambtenaar bij veel verzuim",
                                  "hoe werkt de meldcode kindermishandeling op school",
                                  "welke partner helpt gezinnen met schulden"])
def test_complete_questions_are_not_follow_ups(text: str) -> None:
    assert not is_followup(text)


@given(st.lists(st.sampled_from(["leerling", "school", "verzuim", "wijkteam", "ouders"]),
                min_size=MAX_WORDS + 1, max_size=40))
def test_long_messages_are_never_follow_ups(words: list[str]) -> None:
    assert not is_followup(" ".join(words))


def test_a_follow_up_is_read_in_the_light_of_the_previous_answer(service: Service) -> None:
    alone = service.ask("hoe bereik ik die?")
    after = service.ask("hoe bereik ik die?", after="cjg")
    assert not alone.answers or alone.answers[0].id != "cjg"
    assert after.answers and after.answers[0].id == "cjg"


def test_a_new_complete_question_leaves_the_old_topic(service: Service) -> None:
    reply = service.ask("wat doet de leerplichtambtenaar bij verzuim", after="bibliotheek")
    assert reply.answers and reply.answers[0].id != "bibliotheek"


def test_the_bot_keeps_one_turn_of_context_in_a_private_chat(tmp_path: Path,
                                                             service: Service) -> None:
    async def body(h: Harness) -> None:
        await h.say("wat doet het cjg")
        await h.replies(1)
        await h.say("hoe bereik ik die?")
        sent = await h.replies(2)
        assert sent[1].startswith("<b>Centrum voor Jeugd en Gezin")

    run(tmp_path, service, body)


def test_a_reply_to_an_answer_card_in_a_group_is_read_in_its_light(tmp_path: Path,
                                                                  service: Service) -> None:
    group = -100888

    async def body(h: Harness) -> None:
        await h.say("/zoek wat doet het cjg", chat_id=group, kind="group", user_id=7)
        await h.replies(1, chat_id=group)
        card = max(h.fake.messages)
        await h.say("@wijkwijzer_test_bot hoe bereik ik die?", chat_id=group, kind="group",
                    user_id=8, reply_to_message=h.fake.messages[card],
                    entities=[{"type": "mention", "offset": 0, "length": 20}])
        sent = await h.replies(2, chat_id=group)
        assert "Centrum voor Jeugd en Gezin" in sent[1]

    run(tmp_path, service, body)


def test_a_safety_signal_gets_its_notice_even_past_the_flood_gate(tmp_path: Path,
                                                                 service: Service) -> None:
    from bot.flood import FloodGate

    async def body(h: Harness) -> None:
        for _ in range(3):
            await h.say("wat doet het cjg")
        await h.say("een leerling zegt dat hij zichzelf snijdt")
        await h.fake.wait_for(lambda: any("113" in c.params["text"]
                                          for c in h.fake.sent(CHAT)))

    run(tmp_path, service, body, flood=FloodGate(rate=0.001, burst=1))


def test_the_question_at_the_end_of_a_long_story_is_found() -> None:
    from bot.narrative import question_part

    story = ("Vanochtend stond de hele klas buiten omdat het brandalarm afging, het bleek een "
             "oefening die ik gemist had en iedereen moest lachen om mijn gezicht. Daarna "
             "gingen we gewoon verder met rekenen. De bibliotheek organiseert leesclubs. "
             "Kunnen onze kinderen daar na schooltijd aan meedoen?")
    assert question_part(story) == ("De bibliotheek organiseert leesclubs. Kunnen onze "
                                    "kinderen daar na schooltijd aan meedoen?")
    assert question_part("wie bel ik bij verzuim?") is None


def test_a_marked_question_is_taken_as_it_stands() -> None:
    from bot.narrative import question_part

    story = ("Een collega riep gisteren in de pauze dat hij de kopieermachine ging opblazen "
             "omdat die weer vastliep, iedereen lachte. Mijn eigenlijke vraag: hoe krijg ik "
             "de ouders vaker op school?")
    assert question_part(story) == "hoe krijg ik de ouders vaker op school?"
