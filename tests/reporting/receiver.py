"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 (random port) that checks the
documented signature itself (API.md § Webhooks), keeps every batch it acknowledged, and can be told
to be slow, to fail, to be down, or to hold its answer after keeping a batch (the moment a test kills
the worker: received, not yet acknowledged)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, headers, body: bytes) -> bool:
    """What an integrator writes (docs/api.md): HMAC-SHA256 over "<timestamp>.<body>"."""
    timestamp = headers.get("Samtale-Webhook-Timestamp", "")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    given = headers.get("Samtale-Webhook-Signature", "")
    return any(hmac.compare_digest(f"v1={expected}", part.strip()) for part in given.split(","))


class Receiver:
    def __init__(self):
        self.lock = threading.Lock()
        self.secrets: dict[str, str] = {}  # path -> secret
        self.mode = "ok"  # ok | slow | fail | hold
        self.slow_seconds = 0.2
        self.hold_seconds = 1.0
        self.batches: dict[str, list[dict]] = {}  # path -> acknowledged batches, in arrival order
        self.refused = 0
        self.bad_signatures = 0
        self.held = threading.Event()
        self.verify = verify  # the walk-through test puts docs/api.md's own function here
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def events(self, path: str) -> list[dict]:
        with self.lock:
            return [e for batch in self.batches.get(path, []) for e in batch["events"]]

    def handle(self, path: str, headers, body: bytes) -> int:
        if not self.verify(self.secrets.get(path, ""), headers, body):
            with self.lock:
                self.bad_signatures += 1
            return 400
        mode = self.mode
        if mode == "fail":
            with self.lock:
                self.refused += 1
            return 503
        if mode == "slow":
            time.sleep(self.slow_seconds)
        batch = {"id": headers.get("Samtale-Webhook-Id"), "events": json.loads(body)["events"]}
        with self.lock:
            self.batches.setdefault(path, []).append(batch)
        if mode == "hold":
            self.held.set()
            time.sleep(self.hold_seconds)
        return 204

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.handle(self.path, self.headers, body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Down: nobody listens on the port (connection refused) until start() again."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
