"""The worker processes of a large run, made so that a stop (SIGINT, SIGTERM) ends them all and
ends the run at once.

A worker outliving the run would keep the caller's output pipes open (a CI job or a shell pipeline
waiting for the output would wait for ever), and a pool that reads results in a background thread
can leave that thread blocked on half a message when its workers are stopped, so the interpreter
never exits. Hence this small pool: no threads, one pipe per worker, read by the caller's own loop.
Workers are started with the stop signals held back (a stop cannot land between starting a worker
and the pool knowing it), leave stopping to the parent (SIGINT is ignored: Ctrl-C reaches the whole
process group, and the parent ends them), and are terminated the moment the parent stops.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from migrator import stopsignals

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerLost(RuntimeError):
    """A worker process ended without answering (killed, or out of memory)."""


def _context() -> Any:
    """Fork where available: workers start in milliseconds and inherit the loaded rules."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _serve(conn: Connection, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """A worker's life: answer each batch of items it is sent, until it is sent None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler would turn it into a traceback
    stopsignals.let_through()
    if initializer is not None:
        initializer(*initargs)
    # What the worker inherited and loaded (modules, rules) lives as long as it does: frozen, the
    # collector stops walking it again for every file (a fifth of a large run's CPU time).
    gc.freeze()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the parent is gone (killed): nobody wants the answers
            return
        if request is None:
            return
        function, batch = request
        try:
            answer: tuple[bool, Any] = (True, [function(item) for item in batch])
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it there
            answer = (False, _portable(exc))
        conn.send(answer)


def _portable(exc: Exception) -> Exception:
    """`exc` if it survives pickling, else a RuntimeError carrying its traceback as text."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any failure to pickle
        return RuntimeError("".join(traceback.format_exception(exc)))


class Pool(Generic[Item, Result]):
    """Worker processes that `map` a function over items; use it through `pool()`."""

    def __init__(self, jobs: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
        context = _context()
        self._workers: list[tuple[Any, Connection]] = []
        with stopsignals.held():
            for _ in range(jobs):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, initializer, initargs), daemon=True)
                process.start()
                theirs.close()
                self._workers.append((process, mine))

    def map(self, function: Callable[[Item], Result], items: Sequence[Item], chunksize: int = 1) -> Iterator[Result]:
        """The results of `function` over `items`, in order, as they come in; each worker is
        handed at most `chunksize` items at a time, fewer towards the end."""
        batches = _batches(items, len(self._workers), max(1, chunksize))
        answers: dict[int, list[Result]] = {}
        handed: dict[Connection, int] = {}
        sentinels = {process.sentinel: conn for process, conn in self._workers}
        following = 0  # the next batch to hand out
        due = 0  # the next batch to yield
        for _, conn in self._workers:
            if following < len(batches):
                conn.send((function, batches[following]))
                handed[conn] = following
                following += 1
        while due < len(batches):
            while due not in answers:
                for ready in wait(list(handed) + [s for s, c in sentinels.items() if c in handed]):
                    conn = ready if isinstance(ready, Connection) else sentinels[ready]
                    if conn not in handed:  # its answer was read through the other handle
                        continue
                    try:
                        ok, answer = conn.recv()
                    except (EOFError, OSError) as exc:  # ended mid-answer, or before it
                        raise WorkerLost("a worker process ended without finishing its files (killed, or out of memory)") from exc
                    if not ok:
                        raise answer
                    answers[handed.pop(conn)] = answer
                    if following < len(batches):
                        conn.send((function, batches[following]))
                        handed[conn] = following
                        following += 1
            yield from answers.pop(due)
            due += 1

    def close(self) -> None:
        """Let every worker finish and end."""
        for _, conn in self._workers:
            try:
                conn.send(None)
            except OSError:
                pass
        for process, conn in self._workers:
            process.join()
            conn.close()

    def terminate(self) -> None:
        """End every worker now; work not done is dropped."""
        for process, _ in self._workers:
            if process.is_alive():
                process.terminate()
        for process, conn in self._workers:
            process.join()
            conn.close()


def _batches(items: Sequence[Item], jobs: int, most: int) -> list[list[Item]]:
    """Batches of at most `most` items that shrink as the work left does (a quarter of each
    worker's share of it): the last worker still busy when the others are done holds a few
    items, not a whole batch."""
    out: list[list[Item]] = []
    done = 0
    while done < len(items):
        size = max(1, min(most, -(-(len(items) - done) // (4 * max(1, jobs)))))
        out.append(list(items[done : done + size]))
        done += size
    return out


@contextmanager
def pool(jobs: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Iterator[Pool[Any, Any]]:
    """`jobs` worker processes, each running `initializer(*initargs)` first. Leaving the block
    normally lets them end; leaving it by an exception (a stop among them) terminates them."""
    workers: Pool[Any, Any] = Pool(jobs, initializer, initargs)
    try:
        yield workers
    except BaseException:
        workers.terminate()
        raise
    workers.close()
