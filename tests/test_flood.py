"""Flood control: a burst is fine, a flood is slowed down with one notice."""

from __future__ import annotations

from bot.flood import FloodGate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_and_then_the_user_waits() -> None:
    clock = Clock()
    gate = FloodGate(rate=1.0, burst=3, clock=clock)
    assert [gate.check(1)[0] for _ in range(3)] == [True, True, True]
    assert gate.check(1) == (False, True)  # told once
    assert gate.check(1) == (False, False)  # not again
    clock.now += 1.0
    assert gate.check(1) == (True, False)


def test_users_do_not_slow_each_other_down() -> None:
    gate = FloodGate(rate=0.0, burst=1, clock=Clock())
    assert gate.check(1)[0] and gate.check(2)[0]
    assert not gate.check(1)[0]


def test_idle_users_are_forgotten() -> None:
    clock = Clock()
    gate = FloodGate(rate=1.0, burst=1, forget_after=10.0, clock=clock)
    for uid in range(1100):
        gate.check(uid)
    clock.now += 60
    gate.check(99_999)
    assert len(gate) < 1100
