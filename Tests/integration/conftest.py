"""Fixtures for the integration tests: the built mailbatch binary, a temp spool with its config,
and a real SMTP server (aiosmtpd) on a free loopback port."""
import email
import email.policy
import glob
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import smtp_server  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The binary under test: MAILBATCH_BIN, else scripts/test's one build, else a debug build.
_RELEASE = os.path.join(ROOT, ".build-release-static", "release", "mailbatch")
BIN = os.environ.get("MAILBATCH_BIN") or (_RELEASE if os.path.exists(_RELEASE) else os.path.join(ROOT, ".build", "debug", "mailbatch"))
SAMPLES = os.path.join(ROOT, "spool", "samples")

# The day every test run issues on: dated rules (a guarantee that has ended, a conclusion in the
# future) must not depend on today's date. mailbatch's clock starts at this instant now and runs on.
TEST_NOW = "2025-10-20T10:00:00+09:00"
os.environ["MAILBATCH_NOW"] = "%s@%d" % (TEST_NOW, int(time.time()))


class Workspace:
    """A spool, a config pointing at an SMTP server, and helpers to run mailbatch and read what arrived."""

    def __init__(self, path, port, received, extra_smtp="", tls="none", delivery=""):
        self.path = path
        self.spool = os.path.join(path, "spool")
        self.received = received
        self.port = port
        os.makedirs(os.path.join(self.spool, "incoming"), exist_ok=True)
        self.write_config(extra_smtp=extra_smtp, tls=tls, delivery=delivery)

    def write_config(self, url=None, tls="none", extra_smtp="", delivery="", extra=""):
        url = url or "smtp://127.0.0.1:%d" % self.port
        with open(os.path.join(self.path, "mailbatch.toml"), "w") as fh:
            fh.write(f'''spool = "spool"
[smtp]
url = "{url}"
tls = "{tls}"
connect_timeout_seconds = 3
response_timeout_seconds = 5
{extra_smtp}
[mail]
from = "西日本建設業保証 電子保証 <e-hosho@example.jp>"
surety_name = "西日本建設業保証株式会社"
[branch]
name = "鹿児島支店"
phone = "099-257-2722"
hours = "平日 9:00〜17:00"
{extra}
[delivery]
{delivery}
''')

    @property
    def config(self):
        return os.path.join(self.path, "mailbatch.toml")

    def drop(self, name, data):
        """Writes a record into incoming/ the way upstream should: a hidden temp name, then a rename."""
        target = os.path.join(self.spool, "incoming", name)
        tmp = os.path.join(self.spool, "incoming", "." + name + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode())
        os.replace(tmp, target)

    def drop_samples(self):
        for path in sorted(glob.glob(os.path.join(SAMPLES, "*.json"))):
            shutil.copy(path, os.path.join(self.spool, "incoming"))

    def run(self, *args, env=None, timeout=300):
        full_env = dict(os.environ)
        full_env.pop("MAILBATCH_SMTP_PASSWORD", None)
        full_env.update(env or {})
        return subprocess.run([BIN, *args, "--config", self.config], capture_output=True, text=True,
                              env=full_env, timeout=timeout)

    def messages(self):
        """Every message the SMTP server accepted: (envelope dict, parsed message, raw bytes)."""
        out = []
        for path in sorted(glob.glob(os.path.join(self.received, "*.eml"))):
            raw = open(path, "rb").read()
            env = json.load(open(path[:-4] + ".json"))
            out.append((env, email.message_from_bytes(raw, policy=email.policy.default), raw))
        return out

    def listdir(self, folder):
        path = os.path.join(self.spool, folder)
        return sorted(os.listdir(path)) if os.path.isdir(path) else []

    def contract(self, number):
        return os.path.join(self.spool, "contracts", number)


DELETE = object()


def sample_record(number="R07-4621-000123", **changes):
    """The 日置市 sample with changes given as path__to__field=value (DELETE removes the field)."""
    record = json.load(open(os.path.join(SAMPLES, "R07-4621-000123.json"), encoding="utf-8"))
    record["contract_number"] = number
    for path, value in changes.items():
        node = record
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[key]
        if value is DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return record


@pytest.fixture
def smtp(tmp_path):
    received = str(tmp_path / "received")
    controller, handler = smtp_server.start(received)
    yield controller, handler, received
    controller.stop()


@pytest.fixture
def workspace(tmp_path, smtp):
    controller, handler, received = smtp
    ws = Workspace(str(tmp_path / "ws"), controller.port, received)
    ws.handler = handler
    return ws


def pytest_sessionstart(session):
    if not os.access(BIN, os.X_OK):
        raise pytest.UsageError(f"mailbatch binary not found at {BIN}: run `swift build` first (scripts/test does)")
