"""Holding back the signals that stop a run (SIGINT, SIGTERM) across a step that must not be cut
in two: a file replaced, a worker process started. A signal that arrives meanwhile is delivered
the moment the step is over."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOPS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def held() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread for the block (nothing where that is unsupported)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def let_through() -> None:
    """Unblock SIGINT and SIGTERM in this thread (a process forked inside `held` starts blocked)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
