"""Returned mail as the world's servers write it (fixtures of our own in each family's format, the
Japanese carriers among them), read by the built binary with sisimai, and what each reason does:
a hard one marks the message bounced, a soft one queues it again within its lifetime."""
import json
import os
import subprocess

import pytest

from bounce_families import FAMILIES, kddi, docomo, mailbox_full_dsn, rfc3464_delayed
from conftest import BIN, TEST_NOW, sample_record

NUMBER = "R07-4621-000123"
CONTRACTOR = "keiri@hioki-kensetsu.example.jp"
RETURN_PATH = "bounces+{token}@bounces.example.jp"
WITH_SISIMAI = os.path.exists("/usr/share/perl5/Sisimai.pm")


def explain(data, env=None):
    result = subprocess.run([BIN, "bounce", "--explain"], input=data, capture_output=True, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(not WITH_SISIMAI, reason="libsisimai-perl is installed by scripts/setup")
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_is_read_with_recipient_status_and_reason(family):
    build, reasons = FAMILIES[family]
    rcpt = "user1@carrier.example.jp"
    out = explain(build(rcpt, "R07-4621-000123.contractor.0123456789abcdef@example.jp", "bounces+t@bounces.example.jp"))
    assert out["kind"].startswith("report") and out["sisimai"], out
    [recipient] = out["recipients"]
    assert recipient["address"] == rcpt and recipient["action"] == "failed"
    assert recipient["status"].startswith("5.") and recipient["reason"] in reasons, recipient
    assert out["original_message_id"] == "R07-4621-000123.contractor.0123456789abcdef@example.jp"


def test_without_sisimai_a_standard_report_is_still_read_and_given_a_reason():
    out = explain(mailbox_full_dsn("a@example.jp", "x@example.jp", "b@example.jp"), env={**os.environ, "MAILBATCH_SISIMAI": ""})
    assert not out["sisimai"] and out["recipients"][0]["reason"] == "mailboxfull"
    delayed = explain(rfc3464_delayed("a@example.jp", "x@example.jp", "b@example.jp"))
    assert delayed["recipients"][0]["action"] == "delayed"


@pytest.fixture
def sent(workspace):
    ws = workspace
    ws.write_config(extra=f'[bounces]\nreturn_path = "{RETURN_PATH}"\n', delivery="retry_initial_seconds = 600\nlifetime_seconds = 86400")
    ws.drop("a.json", sample_record())
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    return ws


def contractor_envelope(ws):
    folder = os.path.join(ws.contract(NUMBER), "sent")
    names = sorted(f for f in os.listdir(folder) if f.startswith("contractor."))
    return json.load(open(os.path.join(folder, names[-1])))


def feed(ws, data, at=None):
    env = dict(os.environ)
    if at is not None:
        env["MAILBATCH_NOW"] = at
    result = subprocess.run([BIN, "bounce", "--config", ws.config], input=data, capture_output=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode()


def status(ws, env=None):
    result = ws.run("status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def later(seconds):
    """mailbatch's clock moved on by `seconds` (conftest starts it at TEST_NOW when the session starts)."""
    start = int(os.environ["MAILBATCH_NOW"].split("@")[1])
    return "%s@%d" % (TEST_NOW, start - seconds)


@pytest.mark.skipif(not WITH_SISIMAI, reason="libsisimai-perl is installed by scripts/setup")
def test_a_hard_bounce_from_a_carrier_marks_the_message_bounced_with_its_reason(sent):
    ws = sent
    envelope = contractor_envelope(ws)
    out = feed(ws, docomo(CONTRACTOR, envelope["message_id"], RETURN_PATH.replace("{token}", envelope["tokens"][CONTRACTOR])))
    assert "1 bounced" in out
    state = status(ws)
    assert state["bounced"] == 1 and state["bounce_reasons"] == {"filtered": 1}
    assert "filtered 1" in ws.run("status").stdout
    assert "bounced  filtered 5.0.0 from " + CONTRACTOR in ws.run("show", NUMBER).stdout


@pytest.mark.skipif(not WITH_SISIMAI, reason="libsisimai-perl is installed by scripts/setup")
def test_a_soft_bounce_queues_the_message_again_until_its_lifetime_is_over(sent):
    ws = sent
    first = contractor_envelope(ws)
    out = feed(ws, kddi(CONTRACTOR, first["message_id"], RETURN_PATH.replace("{token}", first["tokens"][CONTRACTOR])))
    assert "1 to be tried again" in out and "0 bounced" in out
    state = status(ws)
    assert state["bounced"] == 0 and state["deferred"] == 1
    queued = json.load(open(os.path.join(ws.spool, "outbox", NUMBER + ".contractor.json")))
    assert queued["message_id"] == first["message_id"] and queued["queued_at"] == first["queued_at"]
    assert "mailboxfull" in queued["attempts"][0]["reply"]
    show = ws.run("show", NUMBER).stdout
    assert "returned  mailboxfull" in show and "(soft: queued again)" in show
    history = open(os.path.join(ws.contract(NUMBER), "history.log"), encoding="utf-8").read()
    assert "came back for now: mailboxfull" in history and "tried again from" in history
    # The server sends the same report twice: recognised by what it says, set aside as a copy, not taken up again.
    assert "1 set aside" in feed(ws, kddi(CONTRACTOR, first["message_id"], RETURN_PATH.replace("{token}", first["tokens"][CONTRACTOR])))
    history = open(os.path.join(ws.contract(NUMBER), "history.log"), encoding="utf-8").read()
    assert history.count("came back for now") == 1
    assert ws.listdir("outbox") == [NUMBER + ".contractor.json"]
    assert json.load(open(os.path.join(ws.spool, "outbox", NUMBER + ".contractor.json"))) == queued
    # Not due yet; after the backoff it is sent again, with a new token and the same Message-ID.
    before = len(ws.messages())
    assert ws.run("run").returncode == 0  # waiting, not yet due
    assert len(ws.messages()) == before
    assert ws.run("run", env={"MAILBATCH_NOW": later(700)}).returncode == 0
    assert len(ws.messages()) == before + 1
    second = contractor_envelope(ws)
    assert second["tokens"][CONTRACTOR] != first["tokens"][CONTRACTOR] and second["message_id"] == first["message_id"]
    # Full again after its lifetime (a day): now it is bounced for good.
    out = feed(ws, mailbox_full_dsn(CONTRACTOR, second["message_id"], RETURN_PATH.replace("{token}", second["tokens"][CONTRACTOR])), at=later(90000))
    assert "1 bounced" in out
    assert status(ws)["bounce_reasons"] == {"mailboxfull": 1}
