"""What every visitor shares, kept once per process: ``st.cache_resource``'s contract without its cost per call.

A page looks up about twenty shared values per run (visible ids, map scripts, chart specs, the panel's model ...).
Through ``st.cache_resource`` each look-up inspected the function's signature and hashed its arguments with
Streamlit's hasher: 70-370 µs each, about a tenth of a first page's CPU. ``shared`` keys on the arguments
themselves (plain, hashable values: ids, strings, numbers, tuples), so a hit is a dict look-up.

The contract is ``st.cache_resource``'s:
- one value per arguments, shared by every session of the process and never copied: callers treat it as read-only;
- arguments whose name starts with "_" are not part of the key (a frame passed along with the id that stands for it);
- a value is computed once: callers asking for the same key meanwhile wait for it (a burst of visitors on a new view
  builds it once), different keys are computed in parallel; an exception is not kept;
- at most ``max_entries`` values, the least recently used dropped first; ``f.clear()`` drops them all.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_PLAIN = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def shared(max_entries: int = 128) -> Callable[[F], F]:
    if max_entries < 1:
        raise ValueError(f"shared: max_entries must be at least 1, not {max_entries}")

    def wrap(func: F) -> F:
        signature = inspect.signature(func)
        hidden = {name for name in signature.parameters if name.startswith("_")}
        plain = all(p.kind in _PLAIN for p in signature.parameters.values())
        keywords = {p.name for p in signature.parameters.values() if p.kind is inspect.Parameter.VAR_KEYWORD}
        values: OrderedDict[Any, Any] = OrderedDict()
        pending: dict[Any, threading.Lock] = {}
        lock = threading.Lock()

        def key_of(args: tuple, kwargs: dict) -> Any:
            if not hidden and plain and not kwargs:
                return args
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return tuple((name, tuple(sorted(value.items())) if name in keywords else value)
                         for name, value in bound.arguments.items() if name not in hidden)

        @functools.wraps(func)
        def call(*args, **kwargs):
            key = key_of(args, kwargs)
            try:
                hash(key)
            except TypeError as exc:
                raise TypeError(f"{func.__qualname__}: a shared value is keyed on hashable arguments ({exc})") from None
            with lock:
                if key in values:
                    values.move_to_end(key)
                    return values[key]
                building = pending.setdefault(key, threading.Lock())
            with building:  # one caller computes; the others wait here, then find the value
                with lock:
                    if key in values:
                        values.move_to_end(key)
                        return values[key]
                try:
                    value = func(*args, **kwargs)
                except BaseException:
                    with lock:
                        pending.pop(key, None)
                    raise
                with lock:
                    values[key] = value
                    while len(values) > max_entries:
                        values.popitem(last=False)
                    pending.pop(key, None)
                return value

        def clear() -> None:
            with lock:
                values.clear()

        call.clear = clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap
