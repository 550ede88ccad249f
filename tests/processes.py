"""Waiting on real processes and servers in tests, on a shared machine.

- `wait_for` polls a condition until it holds. Its limit is a generous bound for a busy machine
  (scaled by SAMTALE_TEST_TIMEOUT_SCALE, default 1), never the expected time: the wait ends as soon as
  the condition holds, so a generous limit costs nothing when all is well. A watched process that
  exits ends the wait at once, with the end of its log.
- `wait_for_progress` waits for a count to reach a target and gives up only when the count has not
  moved for `stall` seconds: a slow machine keeps it going, a hang still fails.
- `Spawned` (the `spawned` fixture in tests/conftest.py) keeps every subprocess a test starts and
  kills what is still running at the end of the test, however the test ended."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

SCALE = float(os.environ.get("SAMTALE_TEST_TIMEOUT_SCALE", "1") or 1)


def _log_tail(log: Path | None) -> str:
    if log is None:
        return ""
    try:
        return "\n" + Path(log).read_text(errors="replace")[-2000:]
    except OSError:
        return ""


def _check_alive(proc: subprocess.Popen | None, what: str, log: Path | None) -> None:
    if proc is not None and proc.poll() is not None:
        raise AssertionError(
            f"the process exited ({proc.returncode}) while waiting for {what}{_log_tail(log)}"
        )


def wait_for(
    condition: Callable[[], object],
    seconds: float,
    what: str,
    *,
    proc: subprocess.Popen | None = None,
    log: Path | None = None,
    poll: float = 0.05,
):
    """Poll `condition` until it returns something true, and return that."""
    deadline = time.monotonic() + seconds * SCALE
    while True:
        value = condition()
        if value:
            return value
        _check_alive(proc, what, log)
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {seconds * SCALE:.0f} s waiting for {what}{_log_tail(log)}"
            )
        time.sleep(poll)


def wait_for_progress(
    count: Callable[[], int],
    target: int,
    what: str,
    *,
    stall: float = 60,
    proc: subprocess.Popen | None = None,
    log: Path | None = None,
    poll: float = 0.1,
) -> int:
    """Wait until `count()` reaches `target`; fail when it has not grown for `stall` seconds."""
    last, moved = count(), time.monotonic()
    while last < target:
        _check_alive(proc, what, log)
        if time.monotonic() - moved > stall * SCALE:
            raise AssertionError(
                f"{what}: stuck at {last} of {target} for {stall * SCALE:.0f} s{_log_tail(log)}"
            )
        time.sleep(poll)
        now = count()
        if now > last:
            last, moved = now, time.monotonic()
    return last


class Spawned:
    """The subprocesses a test started; `kill_all()` leaves none of them running."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def add(self, proc: subprocess.Popen) -> subprocess.Popen:
        self.procs.append(proc)
        return proc

    def kill_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover - a process SIGKILL did not end
                pass
