"""Bounded cost per question: a user who sends many or long messages waits for himself, not
everybody else waits for him."""

from __future__ import annotations

import asyncio
import threading

from telegram import Update

from bot.app import PerChatUpdateProcessor
from bot.service import Service
from bot.workload import HEAVY_CHARS, Answerer, is_heavy
from tests.fake_telegram import FakeTelegram

FAKE = FakeTelegram()


def _update(chat: int, text: str) -> Update:
    return Update.de_json({"update_id": 1, **FAKE.message(chat, text)}, None)


async def _held(gate: asyncio.Event, done: list[int], chat: int) -> None:
    await gate.wait()
    done.append(chat)


async def _quick(done: list[int], chat: int) -> None:
    done.append(chat)


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def test_a_chats_queued_messages_hold_one_slot_not_all() -> None:
    async def scenario() -> list[int]:
        processor = PerChatUpdateProcessor(max_concurrent_updates=2)
        gate, done = asyncio.Event(), list[int]()
        tasks = [asyncio.create_task(processor.process_update(_update(1, "vraag"),
                                                              _held(gate, done, 1)))
                 for _ in range(5)]
        await _settle()
        other = asyncio.create_task(processor.process_update(_update(2, "vraag"),
                                                             _quick(done, 2)))
        await _settle()
        answered_meanwhile = list(done)
        gate.set()
        await asyncio.gather(*tasks, other)
        return answered_meanwhile
    assert asyncio.run(scenario()) == [2]


def test_long_messages_wait_in_their_own_lane() -> None:
    async def scenario() -> list[int]:
        processor = PerChatUpdateProcessor(max_concurrent_updates=1, )
        gate, done = asyncio.Event(), list[int]()
        long_text = "lang verhaal " * (HEAVY_CHARS // 10)
        tasks = [asyncio.create_task(processor.process_update(_update(100 + u, long_text),
                                                              _held(gate, done, 100 + u)))
                 for u in range(20)]
        await _settle()
        short = asyncio.create_task(processor.process_update(_update(2, "wie is de smw"),
                                                             _quick(done, 2)))
        await _settle()
        answered_meanwhile = list(done)
        gate.set()
        await asyncio.gather(*tasks, short)
        return answered_meanwhile
    assert asyncio.run(scenario()) == [2]


def test_a_long_question_is_answered_in_a_worker_thread_with_the_same_reply(
        service: Service) -> None:
    story = ("Ik heb een leerling in groep zes die de laatste weken steeds later op school "
             "komt en soms hele dagen mist zonder bericht van de ouders. ") * 3
    assert is_heavy(story)
    threads: list[int] = []
    plain = service.ask

    class Watched(Service):
        def ask(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            threads.append(threading.get_ident())
            return plain(*args, **kwargs)  # type: ignore[arg-type]

    watched = Watched.__new__(Watched)
    watched.__dict__.update(service.__dict__)
    reply = asyncio.run(Answerer(watched).ask(story))
    assert threads and threads[0] != threading.get_ident()
    assert reply == service.ask(story)


def test_a_short_question_is_answered_at_once_on_the_event_loop(service: Service) -> None:
    assert not is_heavy("wie is de leerplichtambtenaar")
    reply = asyncio.run(Answerer(service).ask("wie is de leerplichtambtenaar"))
    assert reply == service.ask("wie is de leerplichtambtenaar")
