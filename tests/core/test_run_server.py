"""`samtale run` in production shape: several server processes (granian, the default, or gunicorn) that
serve pages, the API and static files, and SIGTERM stops them all — including the background worker it
started (it used to be left running)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="granian and gunicorn run on POSIX here")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> set[int]:
    """Direct children of `pid`, from /proc (Linux)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid … — comm may contain spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def get(port: int, path: str) -> int:
    return request(port, "GET", path)[0]


def request(port: int, method: str, path: str, body: bytes | None = None, headers=None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_run_starts_two_server_processes_and_sigterm_stops_them_and_the_worker(tmp_path, server):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "SAMTALE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "samtale.settings",
    }
    log = (tmp_path / "run.log").open("w+")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samtale.cli",
            "run",
            "--no-demo",
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "2",
            "--server",
            server,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: proc.poll() is not None or get(port, "/api/v1/openapi.json") == 200, 120, "server")
        assert proc.poll() is None, (tmp_path / "run.log").read_text()[-2000:]
        assert f"Webserver:      {server}, 2 processer × 2 tråde" in (tmp_path / "run.log").read_text()
        # What a browser and an integrator send: a page, a static file, a JSON body.
        assert get(port, "/") == 200
        assert get(port, "/static/samtale/samtale.css") == 200
        status, body = request(
            port, "POST", "/api/v1/me/bookings", b'{"slot": "x"}', {"Content-Type": "application/json"}
        )
        assert status == 401 and json.loads(body)["status"] == 401, body
        # Two server workers and the background worker are children of `samtale run`.
        kids = wait_until(lambda: (lambda k: k if len(k) >= 3 else None)(children(proc.pid)), 30, "children")
        cmdlines = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in kids}
        assert sum(b"samtale.cli worker" in c for c in cmdlines.values()) == 1, cmdlines
        assert len(kids) == 3
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        wait_until(lambda: not any(alive(pid) for pid in kids), 30, "children to stop")
    finally:
        if proc.poll() is None:  # the test failed: leave nothing running
            for pid in children(proc.pid):
                os.kill(pid, signal.SIGKILL)
            proc.kill()
            proc.wait()
        log.close()


def test_the_server_freezes_what_it_loaded_and_collects_young_objects_less_often(settings):
    # samtale run calls this before it serves; bench/month_view.py measures what the threshold buys.
    import gc

    from samtale.core.management.commands.run import settle_garbage_collector

    settings.SAMTALE_GC_THRESHOLD = 12_345
    before = gc.get_threshold()
    try:
        settle_garbage_collector()
        assert gc.get_threshold() == (12_345, before[1], before[2])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
