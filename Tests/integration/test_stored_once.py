"""A mail stored once: a queued message is a plan naming the contract's committed documents, composed
when it is sent, byte for byte what a whole stored message would have been; a changed document is
never sent; a spool of the previous format is upgraded and its whole messages delivered as stored.

MAILBATCH_PREV_BIN names the previous release's binary: with it, the same records issued by both builds
(with every random byte and the clock made repeatable by fixtures/frozen_random.c) must reach the SMTP
server identical, and the format-2 spool of the upgrade test is made by it; without it, that comparison
is skipped and the upgrade test uses fixtures/spool-format2.tar.gz, which that release made."""
import base64
import email
import email.policy
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile

import pytest

import smtp_server
from conftest import BIN, TEST_NOW, Workspace, sample_record

NUMBER = "R07-4621-000123"
HERE = os.path.dirname(__file__)
PREV_BIN = os.environ.get("MAILBATCH_PREV_BIN")
REFERENCE = re.compile(rb"^%mailbatch-document version=(\d+) file=([A-Za-z0-9._-]+) size=(\d+) sha256=([0-9a-f]{64})\r\n", re.M)


def compose(spool, contract, plan):
    """What the sender makes of a plan, written again from the format's description (not the binary's
    code): each reference line becomes the document's base64 at 76 columns with CRLF."""
    folder = os.path.join(spool, "contracts", contract)

    def body(match):
        version, name, size, digest = match.group(1).decode(), match.group(2).decode(), int(match.group(3)), match.group(4).decode()
        path = os.path.join(folder, "versions", version, "documents", name)
        if not os.path.exists(path):
            path = os.path.join(folder, "documents", name)
        data = open(path, "rb").read()
        assert len(data) == size and hashlib.sha256(data).hexdigest() == digest
        return base64.encodebytes(data).replace(b"\n", b"\r\n")

    return REFERENCE.sub(body, plan)


def sent_envelopes(ws, number):
    folder = os.path.join(ws.contract(number), "sent")
    return [json.load(open(os.path.join(folder, f))) for f in sorted(os.listdir(folder)) if f.endswith(".json")]


def test_a_queued_mail_names_its_documents_and_is_sent_as_them(workspace):
    ws = workspace
    ws.drop_samples()
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    received = ws.messages()
    assert received
    for env, msg, raw in received:
        number = msg["message-id"].strip("<>").split(".")[0]
        folder = ws.contract(number)
        messages = os.listdir(os.path.join(folder, "messages"))
        assert not [m for m in messages if m.endswith(".eml")], messages
        documents = {open(p, "rb").read(): os.path.basename(p) for p in glob.glob(os.path.join(folder, "documents", "*"))}
        # Every PDF attached is, byte for byte, a document committed in the contract folder.
        pdfs = [part.get_payload(decode=True) for part in msg.iter_attachments() if part.get_content_type() == "application/pdf"]
        assert pdfs and all(pdf in documents for pdf in pdfs), number
        # The stored plan holds no base64 of a document, only a line per document.
        [sending] = [e for e in sent_envelopes(ws, number) if e["message_id"] == msg["message-id"].strip("<>")]
        plan = open(os.path.join(ws.spool, sending["message_path"]), "rb").read()
        assert sending["message_path"].endswith(".plan")
        assert len(REFERENCE.findall(plan)) == len(pdfs) and b"JVBERi0" not in plan and len(plan) < 40_000
        # The bytes sent are the plan composed, and their digest is recorded and shown.
        assert compose(ws.spool, number, plan) == raw
        assert sending["message_sha256"] == hashlib.sha256(raw).hexdigest()
        assert "sha256:" + sending["message_sha256"] in ws.run("show", number).stdout


def test_a_document_changed_after_queueing_is_never_sent(workspace):
    ws = workspace
    ws.write_config(url="smtp://127.0.0.1:%d" % smtp_server.free_port())
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 75
    assert f"{NUMBER}.contractor.json" in ws.listdir("outbox")
    receipt = os.path.join(ws.contract(NUMBER), "documents", "receipt.pdf")
    with open(receipt, "ab") as fh:
        fh.write(b"%changed\n")
    ws.write_config()
    assert ws.run("retry", NUMBER).returncode == 0
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert not [m for e, m, _ in ws.messages() if "contractor" in m["message-id"]]
    [failed] = ws.listdir("failed")
    reply = json.load(open(os.path.join(ws.spool, "failed", failed)))["attempts"][-1]["reply"]
    assert "documents/receipt.pdf changed after the message was queued" in reply and "mailbatch retry" in reply, reply
    key = open(os.path.join(ws.contract(NUMBER), "key")).read().strip()
    assert key not in reply and key not in result.stderr
    assert "changed after the message was queued" in ws.run("show", NUMBER).stdout


def test_a_resend_to_a_new_address_changes_only_the_to_field(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    [first] = [raw for _, m, raw in ws.messages() if "contractor" in m["message-id"]]
    result = ws.run("resend", NUMBER, "--to", "contractor", "--address", "fixed@example.jp")
    assert result.returncode == 0, result.stderr
    copy = json.load(open(os.path.join(ws.spool, "outbox", f"{NUMBER}.contractor.json")))["message_path"]
    assert copy.endswith(".plan") and os.path.getsize(os.path.join(ws.spool, copy)) < 40_000
    assert ws.run("run").returncode == 0
    env, _, again = ws.messages()[-1]
    assert env["rcpt_tos"] == ["fixed@example.jp"]
    expected = re.sub(rb"\r\nTo: [^\r]*\r\n(?:[ \t][^\r]*\r\n)*", b"\r\nTo: fixed@example.jp\r\n", first, count=1)
    assert again == expected


# --- against the previous release ---------------------------------------------------------------


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    """The LD_PRELOAD library that makes a run repeatable (random bytes 0xA5, the clock standing still)."""
    out = str(tmp_path_factory.mktemp("frozen") / "frozen_random.so")
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-DFROZEN_EPOCH=1760922000", "-o", out, os.path.join(HERE, "fixtures", "frozen_random.c"),
                    "-ldl"], check=True)
    return out


ORDERERS = '[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n'


def issue_and_send(binary, base, frozen, runs):
    """Issues each run's records with `binary` into one new spool (日置市 takes mail), the server down
    for the runs marked so; returns the DATA the server received, in order of Message-ID."""
    received = os.path.join(base, "received")
    controller, handler = smtp_server.start(received)
    try:
        ws = Workspace(os.path.join(base, "ws"), controller.port, received)
        with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
            fh.write('["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\n')
        for server_up, records in runs:
            # Port 9 (discard) has nothing listening on loopback: the mail stays queued.
            ws.write_config(url=None if server_up else "smtp://127.0.0.1:9", delivery="connections = 1", extra=ORDERERS)
            # One worker: with every random number the same, two workers' temp files would share a name.
            config = open(ws.config).read().replace('spool = "spool"\n', 'spool = "spool"\nworkers = 1\n', 1)
            open(ws.config, "w").write(config)
            for name, record in records:
                ws.drop(name, record)
            env = {"LD_PRELOAD": frozen, "MAILBATCH_NOW": TEST_NOW}
            result = subprocess.run([binary, "run", "--config", ws.config], capture_output=True, text=True, env={**os.environ, **env}, timeout=300)
            assert result.returncode in ((0,) if server_up else (75,)), result.stdout + result.stderr
        return sorted((msg["message-id"], env["rcpt_tos"], raw) for env, msg, raw in ws.messages())
    finally:
        controller.stop()


@pytest.mark.skipif(not PREV_BIN, reason="MAILBATCH_PREV_BIN (the previous release's binary) is not given")
def test_the_same_records_reach_the_server_byte_for_byte_as_from_the_previous_release(tmp_path, frozen):
    samples = [(os.path.basename(p), json.load(open(p, encoding="utf-8"))) for p in sorted(glob.glob(os.path.join(HERE, "..", "..", "spool", "samples", "*.json")))]
    change = sample_record(NUMBER, guarantee__amount=20000000)
    change["amendment"] = {"number": 1, "concluded_on": "2025-09-10", "premium": 3000, "reason": "設計変更に伴う請負代金額の増額"}
    cancelled = sample_record("R07-4621-000124")
    cancellation = {"schema": "mailbatch.cancellation/v1", "contract_number": "R07-4621-000124", "concluded_on": "2025-10-14",
                    "reason": "契約解除に伴う解約"}
    # The samples; 日置市's contract changed and another cancelled while their first mails were still
    # queued: the orderer's mail (Cc, the data file), a change carrying the earlier premium papers.
    runs = [(False, [s for s in samples if s[0].startswith(NUMBER)] + [("c.json", cancelled)]),
            (True, [s for s in samples if not s[0].startswith(NUMBER)] + [("change.json", change), ("cancel.json", cancellation)])]
    old = issue_and_send(PREV_BIN, str(tmp_path / "old"), frozen, runs)
    new = issue_and_send(BIN, str(tmp_path / "new"), frozen, runs)
    assert len(old) >= 6 and [m[:2] for m in new] == [m[:2] for m in old]
    # Repeatable at all: every random part is 0xA5 (the key in the documents, the Message-ID), the Date header frozen.
    assert all(".a5a5a5a5a5a5a5a5@" in m[0] for m in old) and len({m[0] for m in old}) == len(old)
    assert any(".v2.orderer." in m[0] for m in old), [m[0] for m in old]
    for (mid, _, a), (_, _, b) in zip(old, new):
        assert a == b, f"{mid}: {len(a)} bytes from the previous release, {len(b)} from this one"


def format2_spool(ws):
    """A spool of format 2 with whole .eml messages: one mail deferred, the others queued and untried."""
    if PREV_BIN:
        ws.write_config(url="smtp://127.0.0.1:%d" % smtp_server.free_port(), delivery="max_connection_failures = 1\nconnections = 1")
        for number in ("R07-4621-000701", "R07-4621-000702"):
            ws.drop(number + ".json", sample_record(number))
        result = subprocess.run([PREV_BIN, "run", "--config", ws.config], capture_output=True, text=True, timeout=300)
        assert result.returncode == 75, result.stdout + result.stderr
        ws.write_config()
    else:
        with tarfile.open(os.path.join(HERE, "fixtures", "spool-format2.tar.gz")) as tar:
            tar.extractall(ws.spool, filter="data")


def test_a_spool_of_the_previous_format_is_upgraded_and_its_whole_messages_sent_as_stored(workspace):
    ws = workspace
    format2_spool(ws)
    assert open(os.path.join(ws.spool, "VERSION")).read().strip() == "2"
    queued = [json.load(open(os.path.join(ws.spool, "outbox", f))) for f in ws.listdir("outbox")]
    assert len(queued) >= 2
    assert any(not e["attempts"] for e in queued) and any(a["outcome"] == "deferred" for e in queued for a in e["attempts"])
    stored = {e["message_id"]: open(os.path.join(ws.spool, e["message_path"]), "rb").read() for e in queued}
    assert all(e["message_path"].endswith(".eml") for e in queued)
    refused = ws.run("run")
    assert refused.returncode == 2 and "format 2" in refused.stderr and "mailbatch upgrade" in refused.stderr
    up = ws.run("upgrade")
    assert up.returncode == 0 and "from format 2 to 3" in up.stdout, up.stdout + up.stderr
    assert open(os.path.join(ws.spool, "VERSION")).read().strip() == "3"
    assert ws.run("retry", "--all").returncode == 0
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ws.listdir("outbox") == [] and ws.listdir("failed") == []
    received = {msg["message-id"].strip("<>"): raw for _, msg, raw in ws.messages()}
    assert received == stored
    # A new record in the upgraded spool is stored as a plan.
    ws.drop("new.json", sample_record("R07-4621-000704"))
    assert ws.run("run").returncode == 0
    assert "contractor.plan" in os.listdir(os.path.join(ws.contract("R07-4621-000704"), "messages"))
