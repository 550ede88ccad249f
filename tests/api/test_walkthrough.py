"""docs/api.md is executed: every shell line of its code blocks runs in order against the API (curl
lines as requests through Django's test client, `samtale …` as the management command), each answer
shown in a ```json block after a request must be contained in the real answer, the `<!-- clock: … -->`
comments set the clock, and the webhook receiver verifies pushes with the page's own Python
`verify`. So the walk-through cannot drift from the API: change one, and this fails until the other
follows. Unknown shell lines fail too — the page may contain nothing the test does not run."""

from __future__ import annotations

import io
import json
import re
import shlex
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from tests.reporting.receiver import Receiver

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"<!-- clock: (?P<clock>\S+) -->|```(?P<lang>\w+)\n(?P<body>.*?)\n```", re.S)
VAR = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)\}?")
DOC_RECEIVER = "http://127.0.0.1:8765"


def contains(actual, expected) -> bool:
    """`expected` is a part of `actual`: dict keys recursively, list items each matched by some item."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and contains(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return isinstance(actual, list) and all(any(contains(a, e) for a in actual) for e in expected)
    return actual == expected


class Shell:
    """Just enough of a shell for the page: variables, $(samtale …), $(jq -r .x file), curl with a
    heredoc body and `| tee file`, and samtale commands."""

    def __init__(self, receiver: Receiver):
        self.vars: dict[str, str] = {}
        self.files: dict[str, bytes] = {}
        self.client = Client()
        self.receiver = receiver
        self.last = None  # the last curl's response
        self.requests = 0

    def expand(self, text: str) -> str:
        def value(m):
            assert m.group(1) in self.vars, f"docs/api.md uses ${m.group(1)} before setting it"
            return self.vars[m.group(1)]

        return VAR.sub(value, text).replace(DOC_RECEIVER, self.receiver.url("").rstrip("/"))

    def run_block(self, body: str) -> None:
        lines = body.replace("\\\n", " ").splitlines()
        i = 0
        while i < len(lines):
            line = lines[i].strip()
            i += 1
            if not line or line.startswith("#") or line.startswith("./scripts/run"):
                continue
            heredoc = None
            if line.endswith("<<EOF") or "<<EOF |" in line:
                end = lines.index("EOF", i)
                heredoc, i = "\n".join(lines[i:end]), end + 1
                line = line.replace("<<EOF", "")
            self.run_line(line, heredoc)

    def run_line(self, line: str, heredoc: str | None) -> None:
        m = re.fullmatch(r"([A-Z_]+)=\$\((.*)\)", line)
        if m:
            name, command = m.groups()
            words = shlex.split(self.expand(command))
            if words[0] == "samtale":
                self.vars[name] = self.samtale(words[1:]).strip()
            elif words[:2] == ["jq", "-r"]:
                data = json.loads(self.files[words[3]])
                for key in words[2].strip(".").split("."):
                    data = data[key]
                self.vars[name] = str(data)
            else:
                pytest.fail(f"docs/api.md: unknown command {command!r}")
            return
        m = re.fullmatch(r"([A-Z_]+)=(\S+)", line)
        if m:
            self.vars[m.group(1)] = self.expand(m.group(2))
            return
        words = shlex.split(self.expand(line))
        if words[0] == "samtale":
            self.samtale(words[1:])
        elif words[0] == "curl":
            self.curl(words[1:], heredoc)
        else:
            pytest.fail(f"docs/api.md: unknown line {line!r}")

    def samtale(self, args: list[str]) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    def curl(self, args: list[str], heredoc: str | None) -> None:
        method, url, headers, data, tee = None, None, {}, None, None
        words = iter(args)
        for word in words:
            if word == "-s":
                continue
            if word == "-X":
                method = next(words)
            elif word == "-H":
                key, value = next(words).split(":", 1)
                headers[key.strip()] = value.strip()
            elif word == "-d":
                source = next(words)
                data = self.expand(heredoc) if source == "@-" else source
            elif word == "|":
                assert next(words) == "tee"
                tee = next(words)
            else:
                assert url is None, f"docs/api.md: unexpected curl argument {word!r}"
                url = word
        path = "/" + url.split("://", 1)[1].split("/", 1)[1]
        method = method or ("POST" if data is not None else "GET")
        content_type = headers.pop("Content-Type", "application/octet-stream")
        self.last = self.client.generic(
            method, path, data=(data or "").encode(), content_type=content_type, headers=headers
        )
        self.requests += 1
        if tee:
            self.files[tee] = self.last.content

    def expect(self, text: str) -> None:
        assert self.last is not None, "a ```json answer without a request before it"
        expected = json.loads(self.expand(text))
        actual = self.last.json()
        assert contains(actual, expected), f"{self.last.status_code} {expected} not in {json.dumps(actual)}"
        if self.last.status_code >= 400:
            assert expected.get("status") == self.last.status_code
        self.last = None


@pytest.fixture
def receiver():
    r = Receiver()
    r.start()
    yield r
    r.stop()


def test_docs_api_md_walkthrough_runs(db, receiver: Receiver):
    text = DOC.read_text()
    receiver.secrets["/samtale"] = "en-lang-hemmelighed-til-test"
    shell = Shell(receiver)
    with time_machine.travel(datetime(2027, 1, 4, 8, 0).astimezone(), tick=True) as traveller:
        for m in BLOCK.finditer(text):
            if m.group("clock"):
                traveller.move_to(datetime.fromisoformat(m.group("clock")))
                continue
            lang, body = m.group("lang"), m.group("body")
            if lang == "sh":
                if shell.last is not None:
                    assert shell.last.status_code < 400, shell.last.content  # a refusal must be shown
                shell.run_block(body)
            elif lang == "json":
                shell.expect(body)
            elif lang == "python":
                namespace: dict = {}
                exec(body, namespace)  # noqa: S102 - the page's own receiver code
                receiver.verify = namespace["verify"]
    assert shell.requests >= 15
    # the receiver got exactly the events the feed gave, signed as the page says
    feed = json.loads(shell.files["feed.json"])["events"]
    assert feed and receiver.events("/samtale") == feed
    assert receiver.bad_signatures == 0
    kinds = {e["kind"] for e in feed}
    assert {"citizen.created", "booking.created", "held_conversation.registered"} <= kinds
