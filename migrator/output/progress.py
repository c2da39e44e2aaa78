"""Progress on stderr for phases that take more than a second, only on a terminal.

Nothing is printed for a phase that ends within `DELAY` seconds, when stderr is not a terminal,
or with `-q`; the line is erased when the phase ends, so logs and pipes never see it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 1.0
INTERVAL = 0.25


class Progress:
    """One status line for the running phase: `vni-migrate: scanning 120/500 files (3 s)`."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._label = ""
        self._count = ""
        self._started = 0.0
        self._shown = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def update(self, done: int, total: int) -> None:
        """Counts for the running phase (e.g. files done of total)."""
        self._count = f" {done}/{total}"

    @contextmanager
    def phase(self, label: str) -> Iterator[Progress]:
        """Show `label` (after DELAY seconds) until the block ends."""
        if not self.enabled:
            yield self
            return
        self._label, self._count, self._started = label, "", time.monotonic()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
            with self._lock:
                if self._shown:
                    self.stream.write("\r\x1b[K")
                    self.stream.flush()
                    self._shown = False

    def _run(self) -> None:
        if self._stop.wait(DELAY):
            return
        while True:
            elapsed = time.monotonic() - self._started
            with self._lock:
                self.stream.write(f"\r\x1b[Kvni-migrate: {self._label}{self._count} ({elapsed:.0f} s)")
                self.stream.flush()
                self._shown = True
            if self._stop.wait(INTERVAL):
                return
