"""Progress goes to a terminal only, after the phase has run for DELAY, and is erased at the end."""

import io
import threading

from migrator.output import progress as progress_module
from migrator.output.progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_phase_shows_its_label_and_counts_then_erases_the_line(monkeypatch) -> None:
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    stream = FakeTerminal()
    shown = threading.Event()
    original_write = stream.write

    def write(text: str) -> int:
        if "scanning" in text:
            shown.set()
        return original_write(text)

    stream.write = write  # type: ignore[method-assign]
    bar = Progress(stream)
    with bar.phase("scanning"):
        bar.update(3, 10)
        assert shown.wait(10)  # an event, not a clock: the status line was written
    text = stream.getvalue()
    assert "vni-migrate: scanning" in text and text.endswith("\r\x1b[K")


def test_nothing_is_written_off_a_terminal_or_when_quiet(monkeypatch) -> None:
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    for stream, enabled in ((io.StringIO(), None), (FakeTerminal(), False)):
        bar = Progress(stream, enabled=enabled)
        with bar.phase("scanning"):
            bar.update(1, 2)
        assert stream.getvalue() == ""
