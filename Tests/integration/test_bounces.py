"""Delivery truth against a real Postfix: its own bounce daemon's RFC 3464 reports come back to
the VERP return path in a Maildir, and mailbatch marks the right message and no other."""
import json
import os
import random
import shutil
import signal
import smtplib
import subprocess
import time

import pytest

from conftest import BIN, Workspace, sample_record
import postfix_relay
import smtp_server

pytestmark = pytest.mark.skipif(not postfix_relay.available(), reason="Postfix is installed by scripts/setup --tests")


@pytest.fixture
def relay(smtp):
    controller, handler, received = smtp
    pf = postfix_relay.PostfixRelay(smtp_server.free_port(), controller.port).start()
    yield pf
    pf.stop()


@pytest.fixture
def ws(tmp_path, smtp, relay):
    controller, handler, received = smtp
    w = Workspace(str(tmp_path / "ws"), relay.port, received)
    w.write_config(extra=f'[bounces]\nreturn_path = "{postfix_relay.RETURN_PATH}"\nmaildir = "{relay.maildir}"\n'
                         '[notify]\nto = ["ops@example.jp"]\n')
    w.relay = relay
    return w


def status(ws):
    result = ws.run("status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def history(ws, number):
    return open(os.path.join(ws.contract(number), "history.log"), encoding="utf-8").read()


def keys(ws):
    out = []
    for number in ws.listdir("contracts"):
        out.append(open(os.path.join(ws.contract(number), "key")).read().strip())
    return out


def summaries(ws):
    return [(env, msg) for env, msg, _ in ws.messages() if env["rcpt_tos"] == ["ops@example.jp"]]


def issue(ws, **records):
    for number, address in records.items():
        ws.drop(f"{number}.json", sample_record(number, contractor__email=address))
    first = ws.run("run")
    assert first.returncode == 0, first.stdout + first.stderr
    assert status(ws)["sent"] == len(records)


def test_a_real_bounce_marks_that_message_and_no_other(ws):
    issue(ws, **{"R07-4621-000201": "keiri@bounce.test", "R07-4621-000202": "keiri@ok.example"})
    [report] = ws.relay.wait_for_reports(1)
    assert b"message/delivery-status" in open(report, "rb").read()

    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "mail bounced" in result.stdout
    s = status(ws)
    assert s["bounced"] == 1 and s["failed"] == 0 and s["sent"] == 1
    [failed] = ws.listdir("failed")
    envelope = json.load(open(os.path.join(ws.spool, "failed", failed)))
    assert envelope["contract_number"] == "R07-4621-000201"
    assert envelope["bounce"]["status"] == "5.1.1"
    assert envelope["bounce"]["recipient"] == "keiri@bounce.test"
    assert "does not exist" in envelope["bounce"]["diagnostic"]
    assert envelope["mail_from"] == postfix_relay.RETURN_PATH.replace("{token}", envelope["tokens"]["keiri@bounce.test"])
    assert os.listdir(os.path.join(ws.contract("R07-4621-000201"), "sent")) == []
    assert len(os.listdir(os.path.join(ws.contract("R07-4621-000202"), "sent"))) == 1

    show = ws.run("show", "R07-4621-000201")
    assert "[bounced]" in show.stdout and "5.1.1" in show.stdout
    assert "mailbatch resend R07-4621-000201 --to contractor --address" in show.stdout
    assert history(ws, "R07-4621-000201").count("bounced from keiri@bounce.test") == 1
    assert "bounced" not in history(ws, "R07-4621-000202")
    # The Maildir message was taken up, not deleted.
    assert ws.relay.maildir_new() == []
    assert len(os.listdir(os.path.join(ws.relay.maildir, "cur"))) == 1

    # The operator heard of it once, without a key.
    [(env, msg)] = summaries(ws)
    body = msg.get_body().get_content()
    assert "R07-4621-000201" in body and "5.1.1" in body and "mailbatch show R07-4621-000201" in body
    for key in keys(ws):
        assert key not in body and key.replace("-", "") not in body
    again = ws.run("run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(summaries(ws)) == 1

    # The operator fixes the address; the re-send gets a new token and is delivered.
    fixed = ws.run("resend", "R07-4621-000201", "--to", "contractor", "--address", "keiri@ok.example")
    assert fixed.returncode == 0, fixed.stderr
    assert ws.run("run").returncode == 0
    assert status(ws)["sent"] == 2


def test_a_delay_notice_is_a_history_line_only(ws):
    issue(ws, **{"R07-4621-000211": "keiri@delay.test"})
    ws.relay.wait_for_reports(1)
    result = ws.run("bounces")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 delayed" in result.stdout
    s = status(ws)
    assert s["bounced"] == 0 and s["sent"] == 1
    assert "contractor mail to keiri@delay.test delayed: 4.4.1" in history(ws, "R07-4621-000211")
    assert ws.listdir("failed") == []


def deliver_to_return_path(ws, token, message):
    with smtplib.SMTP("127.0.0.1", ws.relay.port) as s:
        s.sendmail("", [postfix_relay.RETURN_PATH.replace("{token}", token)], message)


def test_auto_replies_and_forged_bounces_are_set_aside(ws):
    issue(ws, **{"R07-4621-000221": "keiri@ok.example"})
    sent = os.listdir(os.path.join(ws.contract("R07-4621-000221"), "sent"))
    token = json.load(open(os.path.join(ws.contract("R07-4621-000221"), "sent", sent[0])))["tokens"]["keiri@ok.example"]
    vacation = ("From: keiri@ok.example\r\nTo: x\r\nSubject: =?UTF-8?B?5LiN5Zyo44Gu44GK55+l44KJ44Gb?= Out of Office\r\n"
                "Auto-Submitted: auto-replied\r\n\r\n12月5日まで不在です。\r\n").encode()
    deliver_to_return_path(ws, token, vacation)
    # A forged report: a real contract and role, a made-up random part, a failure for the real recipient.
    forged_token = "R07-4621-000221.contractor." + "%016x" % random.getrandbits(64)
    forged = ("From: MAILER-DAEMON@evil.example\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
              "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
              "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; evil.example\r\n\r\n"
              "Final-Recipient: rfc822; keiri@ok.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n").encode()
    deliver_to_return_path(ws, forged_token, forged)
    ws.relay.wait_for_reports(2)

    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert status(ws)["bounced"] == 0 and status(ws)["sent"] == 1
    unmatched = ws.listdir("bounces/unmatched")
    notes = [open(os.path.join(ws.spool, "bounces/unmatched", n), encoding="utf-8").read() for n in unmatched if n.endswith(".note.txt")]
    assert len(notes) == 2 and len(unmatched) == 4
    assert any("automatic reply" in n for n in notes)
    assert any("forged" in n for n in notes)
    # Each kept once: in unmatched/ with its note, not also in the relay's cur/.
    assert os.listdir(os.path.join(ws.relay.maildir, "cur")) == [] and ws.relay.maildir_new() == []


def test_a_report_on_stdin(ws, tmp_path):
    issue(ws, **{"R07-4621-000231": "keiri@bounce.test"})
    [report] = ws.relay.wait_for_reports(1)
    saved = str(tmp_path / "report.eml")
    shutil.move(report, saved)  # as if the relay piped it to us instead
    with open(saved, "rb") as fh:
        result = subprocess.run([BIN, "bounce", "--config", ws.config], stdin=fh, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 bounced" in result.stdout
    assert status(ws)["bounced"] == 1
    assert len(ws.listdir("bounces/cur")) == 1  # the spool keeps its copy
    assert ws.listdir("bounces/new") == []


def test_kill9_during_intake_loses_no_bounce_and_applies_none_twice(ws):
    n = 6
    issue(ws, **{f"R07-4621-0003{i:02d}": f"k{i}@bounce.test" for i in range(n)})
    ws.relay.wait_for_reports(n)
    rng = random.Random(int(os.environ.get("MAILBATCH_CRASH_SEED", random.randrange(1 << 30))))
    kills = 0
    for _ in range(8):
        proc = subprocess.Popen([BIN, "bounces", "--quiet", "--config", ws.config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.005, 0.08))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 1, "no run was killed; the test proved nothing"
    ws.run("bounces")
    assert ws.relay.maildir_new() == []
    assert len(os.listdir(os.path.join(ws.relay.maildir, "cur"))) == n
    assert status(ws)["bounced"] == n and status(ws)["sent"] == 0
    assert len(ws.listdir("failed")) == n
    for i in range(n):
        assert history(ws, f"R07-4621-0003{i:02d}").count("bounced from") == 1
    assert ws.listdir("bounces/unmatched") == []
