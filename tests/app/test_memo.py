"""ui/memo.py: values shared once per process, keyed on plain arguments."""

from __future__ import annotations

import threading
import time

import pytest

from ui.memo import shared


def counted(max_entries: int = 8):
    calls: list[tuple] = []

    @shared(max_entries=max_entries)
    def build(a: str, b: tuple = (), _frame=None, **opts) -> dict:
        calls.append((a, b, tuple(sorted(opts.items()))))
        return {"a": a, "b": b, **opts}

    return build, calls


def test_one_value_per_arguments_shared_not_copied():
    build, calls = counted()
    first = build("x", (1, 2))
    assert build("x", (1, 2)) is first and len(calls) == 1
    assert build("x", (1, 3)) is not first and len(calls) == 2
    assert build("x", (1, 2), colour="red") == {"a": "x", "b": (1, 2), "colour": "red"} and len(calls) == 3
    assert build("x", (1, 2), colour="red") and len(calls) == 3


def test_underscore_arguments_are_not_part_of_the_key():
    build, calls = counted()
    assert build("x", (), _frame=object()) is build("x", (), _frame=object())
    assert len(calls) == 1


def test_least_recently_used_dropped_past_max_entries_and_clear():
    build, calls = counted(max_entries=2)
    build("a"), build("b"), build("a"), build("c")  # "b" is the least recently used when "c" comes
    assert len(calls) == 3
    build("a")
    assert len(calls) == 3
    build("b")
    assert len(calls) == 4
    build.clear()
    build("a")
    assert len(calls) == 5


def test_an_exception_is_not_kept():
    attempts = []

    @shared()
    def flaky(x: int) -> int:
        attempts.append(x)
        if len(attempts) == 1:
            raise OSError("disk busy")
        return x * 2

    with pytest.raises(OSError, match="disk busy"):
        flaky(2)
    assert flaky(2) == 4 and flaky(2) == 4 and len(attempts) == 2


def test_callers_of_one_key_wait_for_one_computation():
    started = []

    @shared()
    def slow(key: str) -> str:
        started.append(key)
        time.sleep(0.2)
        return key.upper()

    results: list[str] = []
    threads = [threading.Thread(target=lambda k=k: results.append(slow(k))) for k in ["v"] * 6 + ["w"] * 2]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert sorted(results) == ["V"] * 6 + ["W"] * 2
    assert sorted(started) == ["v", "w"]  # each key computed once, the two keys side by side


@pytest.mark.parametrize("bad", [["a", "list"], {"a": 1}])
def test_unhashable_arguments_are_refused(bad):
    build, _ = counted()
    with pytest.raises(TypeError, match="build: a shared value is keyed on hashable arguments"):
        build("x", bad)


def test_max_entries_must_be_positive():
    with pytest.raises(ValueError, match="max_entries must be at least 1, not 0"):
        shared(max_entries=0)
