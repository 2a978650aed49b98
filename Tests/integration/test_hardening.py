"""Defects an attack on the finished product found, each tried again through the binary: a key typed
as the contract number, idle connections, stale sessions, forged bounces, lockout counts across
processes, an unbounded verify/ folder, a refused or bounced Cc, oversized returned mail, CSRF tokens
in two tabs, and the small ones (multi-line replies, a dropped connection after DATA, a broken
chunked body, a newline in a file name, a number typed with ー)."""
import concurrent.futures
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse

import pytest

from conftest import BIN, ROOT, sample_record
from viewer_client import Client, Server

NUMBER = "R07-4621-000123"
ORDERER = "keiyaku@city.hioki.example.jp"
CONTRACTOR = "keiri@hioki-kensetsu.example.jp"
RETURN_PATH = "bounces+{token}@bounces.example.jp"


def key_of(ws, number=NUMBER):
    return open(os.path.join(ws.contract(number), "key")).read().strip()


def envelopes(ws, folder):
    path = os.path.join(ws.spool, folder)
    return {f: json.load(open(os.path.join(path, f))) for f in sorted(os.listdir(path)) if f.endswith(".json")}


def status(ws):
    result = ws.run("status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def issued(workspace):
    """One signed 日置市 contract whose orderer takes the key by e-mail (the contractor in Cc), with a
    viewer address and a tokened return path."""
    ws = workspace
    assert ws.run("keygen", "--out", os.path.join(ws.path, "keys")).returncode == 0
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(f'["日置市"]\nemail = ["{ORDERER}"]\n')
    configure(ws)
    ws.drop("a.json", sample_record())
    return ws


def configure(ws, maildir=None):
    bounces = f'[bounces]\nreturn_path = "{RETURN_PATH}"\n' + (f'maildir = "{maildir}"\n' if maildir else "")
    ws.write_config(extra=f'[signing]\nprivate_key_file = "{ws.path}/keys/signing-key.pem"\n[orderers]\nfile = "orderers.local.toml"\n'
                          f'[viewer]\nurl = "https://viewer.example.jp/"\nheader_timeout_seconds = 2\nmax_connections = 20\n' + bounces)


def run_ok(ws, *args):
    result = ws.run(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


# 1. A key typed as the contract number.

def test_a_key_in_the_number_field_is_never_logged_or_stored(issued):
    ws = issued
    run_ok(ws, "run")
    key = key_of(ws)
    server = Server(ws)
    try:
        client = Client(server.url)
        code, _, body = client.lookup(key, NUMBER)  # the two fields swapped
        page = body.decode()
        assert code == 403 and "保証契約番号と認証キーの欄を入れ替えていないか" in page
        assert key not in page
    finally:
        server.stop()
    cli = ws.run("verify", key, NUMBER)
    assert cli.returncode == 2 and "shape of a 認証キー" in cli.stderr and key not in cli.stderr + cli.stdout
    symbols = key.replace("-", "")
    for name in os.listdir(os.path.join(ws.spool, "verify")):
        assert symbols not in name.replace("-", "").upper()
        text = open(os.path.join(ws.spool, "verify", name), encoding="utf-8").read()
        assert key not in text and symbols not in text.replace("-", "")
    assert key not in server.stderr_text and symbols not in server.stderr_text.replace("-", "")
    assert "a key was typed as the contract number" in server.stderr_text
    # Upstream cannot name a contract with a key's shape either.
    ws.drop("k.json", sample_record("G2KC-4U5G-FWBA-KK6K-RAT3"))
    assert ws.run("run").returncode == 1
    notes = [n for n in ws.listdir("rejected") if n.endswith(".error.txt")]
    assert len(notes) == 1 and "shape of a 認証キー" in open(os.path.join(ws.spool, "rejected", notes[0]), encoding="utf-8").read()


# 2. Idle connections.

def test_half_headers_do_not_take_the_viewer_down(issued):
    ws = issued
    run_ok(ws, "run")
    server = Server(ws)
    sockets = []
    try:
        host, port = re.match(r"http://([\d.]+):(\d+)/", server.url).groups()
        for _ in range(30):  # more than max_connections = 20
            s = socket.create_connection((host, int(port)), timeout=10)
            s.sendall(b"GET / HTTP/1.1\r\nHost: viewer\r\nX-Slow: ")
            sockets.append(s)
        # The first ones are closed by the server within the 2-second header timeout.
        deadline = time.monotonic() + 8
        closed = 0
        for s in sockets[:20]:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                if s.recv(100) == b"":
                    closed += 1
            except (socket.timeout, ConnectionResetError):
                pass
        assert closed == 20
        started = time.monotonic()
        status_code, _, body = Client(server.url).request("GET", "/healthz")
        assert status_code == 200 and body == b"ok\n"
        assert time.monotonic() - started < 15
    finally:
        for s in sockets:
            s.close()
        assert server.stop() == 0
    assert "viewer connection cap reached" in server.stderr_text
    assert "no complete request head in time" in server.stderr_text


def test_the_unit_raises_the_descriptor_limit():
    unit = open(os.path.join(ROOT, "packaging", "systemd", "mailbatch-viewer.service.in")).read()
    match = re.search(r"^LimitNOFILE=(\d+)$", unit, re.M)
    assert match and int(match.group(1)) >= 4096


# 3. Sessions outlive the key that opened them.

def test_a_session_ends_when_the_key_is_reissued_or_the_certificate_revoked(issued):
    ws = issued
    run_ok(ws, "run")
    server = Server(ws)
    try:
        client = Client(server.url)
        assert client.lookup(NUMBER, key_of(ws))[0] == 303
        assert client.request("GET", "/certificate")[0] == 200
        run_ok(ws, "reissue-key", NUMBER)
        for path in ("/certificate", "/certificate/certificate.pdf", "/certificate/data.json"):
            code, _, body = client.request("GET", path)
            assert code == 403 and "この閲覧は終了しました" in body.decode(), path
        # The new key opens a session; a revocation ends it.
        assert client.lookup(NUMBER, key_of(ws))[0] == 303
        assert client.request("GET", "/certificate/certificate.pdf")[0] == 200
        run_ok(ws, "revoke", NUMBER, "--reason", "誤発行のため")
        assert client.request("GET", "/certificate")[0] == 403
        # Opened again on the revoked certificate: the page says 失効, the PDF is withheld.
        assert client.lookup(NUMBER, key_of(ws))[0] == 303
        code, _, body = client.request("GET", "/certificate")
        assert code == 200 and "失効" in body.decode()
        code, headers, body = client.request("GET", "/certificate/certificate.pdf")
        assert code == 410 and not body.startswith(b"%PDF") and "失効" in body.decode()
    finally:
        server.stop()


# 4. A bounce forged by anyone who received the mail; 8. a bounce from the Cc.

def dsn(recipient, message_id, to):
    return ("From: MAILER-DAEMON@mx.example.jp\r\nTo: %s\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            "The mail could not be delivered.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\n\r\n"
            "Final-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
            "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\nSubject: x\r\n\r\n--b--\r\n"
            % (to, recipient, message_id)).encode()


def bounce(ws, data):
    result = subprocess.run([BIN, "bounce", "--config", ws.config], input=data, capture_output=True)
    assert result.returncode == 0, result.stderr
    return result


def sent_envelope(ws, role):
    folder = os.path.join(ws.contract(NUMBER), "sent")
    [name] = [f for f in os.listdir(folder) if f.startswith(role + ".")]
    return json.load(open(os.path.join(folder, name)))


def test_a_report_without_the_token_is_only_filed_for_the_operator(issued):
    ws = issued
    run_ok(ws, "run")
    envelope = sent_envelope(ws, "contractor")
    bounce(ws, dsn(CONTRACTOR, envelope["message_id"], "bounces@bounces.example.jp"))
    assert status(ws)["bounced"] == 0 and status(ws)["sent"] == 2
    notes = [n for n in ws.listdir("bounces/unmatched") if n.endswith(".note.txt")]
    assert len(notes) == 1
    assert "not addressed to a return-path token" in open(os.path.join(ws.spool, "bounces/unmatched", notes[0])).read()
    # The same report to the token's address is applied.
    bounce(ws, dsn(CONTRACTOR, envelope["message_id"], RETURN_PATH.replace("{token}", envelope["tokens"][CONTRACTOR])))
    assert status(ws)["bounced"] == 1


def test_a_bounce_from_the_cc_is_the_contractors_not_the_orderers(issued):
    ws = issued
    run_ok(ws, "run")
    envelope = sent_envelope(ws, "orderer")
    assert envelope["cc"] == [CONTRACTOR] and envelope["recipients"] == [ORDERER, CONTRACTOR]
    bounce(ws, dsn(CONTRACTOR, envelope["message_id"], RETURN_PATH.replace("{token}", envelope["tokens"][CONTRACTOR])))
    state = status(ws)
    assert state["bounced"] == 0 and state["sent"] == 2 and state["recipient_problems"] == 1
    assert sent_envelope(ws, "orderer")["recipient_bounces"][0]["recipient"] == CONTRACTOR
    show = run_ok(ws, "show", NUMBER).stdout
    assert "bounced  5.1.1 from Cc " + CONTRACTOR in show
    assert "--to contractor --address" in show and "the orderer's copy was delivered" in show
    assert "--to orderer --address" not in show


# 5. The lockout across processes; 6. verify/ stays bounded.

def test_parallel_verifies_share_one_count(issued):
    ws = issued
    run_ok(ws, "run")

    def attempt(i):
        return subprocess.run([BIN, "verify", NUMBER, "-", "--config", ws.config], input="WRNG-KEY0-%04d\n" % i,
                              capture_output=True, text=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(attempt, range(40)))
    mismatches = sum(1 for r in results if "do not match" in r.stderr)
    refused = sum(1 for r in results if "too many failed attempts" in r.stderr)
    assert mismatches == 5 and refused == 35, [r.stderr for r in results]
    counts = json.load(open(os.path.join(ws.spool, "verify", NUMBER + ".json")))
    assert len(counts["failures"]) == 5 and counts["locked_until"]


def test_unknown_numbers_do_not_fill_the_verify_folder(issued):
    ws = issued
    for i in range(120):
        subprocess.run([BIN, "verify", "X%07d" % i, "-", "--config", ws.config], input="AAAA\n", capture_output=True, text=True)
    files = ws.listdir("verify")
    assert set(files) <= {"unknown-numbers.json", "unknown-numbers.log", "unknown-numbers.log.1"}, files
    slots = json.load(open(os.path.join(ws.spool, "verify", "unknown-numbers.json")))
    assert 0 < len(slots) <= 256
    # Guessed numbers still lock out: the same unknown number five times.
    outcomes = [ws.run("verify", "ZZZZ-0001", "AAAA").stderr for _ in range(6)]
    assert "too many failed attempts" in outcomes[-1]


# 7. A refused Cc.

def messages_to(ws, address):
    return [(env, msg) for env, msg, _ in ws.messages() if address in env["rcpt_tos"]]


def test_a_cc_put_off_with_552_does_not_hold_back_the_orderers_mail(issued):
    ws = issued
    ws.handler.faults.rcpt_replies[CONTRACTOR] = "552 5.2.2 mailbox full"
    result = ws.run("run")
    assert result.returncode == 75, result.stdout + result.stderr  # mail deferred
    to_orderer = messages_to(ws, ORDERER)
    assert len(to_orderer) == 1 and to_orderer[0][0]["rcpt_tos"] == [ORDERER]
    queued = envelopes(ws, "outbox")
    orderer = queued[NUMBER + ".orderer.json"]
    assert orderer["pending"] == [CONTRACTOR] and "put off for " + CONTRACTOR in orderer["attempts"][-1]["reply"]
    assert "552 5.2.2 mailbox full" in orderer["attempts"][-1]["reply"]
    assert NUMBER + ".contractor.json" in queued and ws.listdir("failed") == []
    assert "still to be tried for " + CONTRACTOR in run_ok(ws, "show", NUMBER).stdout
    # The mailbox has room again: the Cc gets its copy, the orderer no second one.
    del ws.handler.faults.rcpt_replies[CONTRACTOR]
    run_ok(ws, "retry", NUMBER)
    run_ok(ws, "run")
    assert len(messages_to(ws, ORDERER)) == 1
    copies = [env for env, msg in messages_to(ws, CONTRACTOR) if msg["To"] and ORDERER in msg["To"]]
    assert len(copies) == 1 and copies[0]["rcpt_tos"] == [CONTRACTOR]
    assert ws.listdir("outbox") == [] and status(ws)["sent"] == 2


def test_a_cc_refused_for_good_is_noted_and_resend_can_change_or_drop_it(issued):
    ws = issued
    ws.handler.faults.rcpt_replies[CONTRACTOR] = "550 5.1.1 no such user"
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr  # the contractor's own mail failed
    assert [env["rcpt_tos"] for env, _ in messages_to(ws, ORDERER)] == [[ORDERER]]
    assert sent_envelope(ws, "orderer")["refused"][0]["recipient"] == CONTRACTOR
    state = status(ws)
    assert state["recipient_problems"] == 1 and state["failed"] == 1
    show = run_ok(ws, "show", NUMBER).stdout
    assert "refused for Cc " + CONTRACTOR + ": 550 5.1.1 no such user" in show
    fixed = "keiri2@hioki-kensetsu.example.jp"
    out = run_ok(ws, "resend", NUMBER, "--to", "orderer", "--cc", fixed).stdout
    assert "queued to %s, %s" % (ORDERER, fixed) in out
    assert status(ws)["recipient_problems"] == 0
    run_ok(ws, "run")
    [(env, msg)] = messages_to(ws, fixed)
    # Each recipient in its own transaction, with its own return path.
    assert env["rcpt_tos"] == [fixed] and fixed in msg["Cc"] and CONTRACTOR not in msg["Cc"]
    assert len(messages_to(ws, ORDERER)) == 2 and messages_to(ws, ORDERER)[1][0]["mail_from"] != env["mail_from"]
    first = messages_to(ws, ORDERER)[0][1]
    assert msg["Message-ID"] == first["Message-ID"]
    out = run_ok(ws, "resend", NUMBER, "--to", "orderer", "--no-cc").stdout
    assert out.strip().endswith("queued to " + ORDERER)
    run_ok(ws, "run")
    last_env, last = messages_to(ws, ORDERER)[-1]
    assert last_env["rcpt_tos"] == [ORDERER] and last["Cc"] is None


# 9. Returned mail over 10 MiB.

def test_oversized_returned_mail_is_kept_whole_and_exits_0(issued, tmp_path):
    ws = issued
    run_ok(ws, "run")
    big = b"From: MAILER-DAEMON@mx.example.jp\r\nSubject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 11000
    result = subprocess.run([BIN, "bounce", "--config", ws.config], input=big, capture_output=True)
    assert result.returncode == 0, result.stderr
    [kept] = ws.listdir("bounces/cur")
    assert os.path.getsize(os.path.join(ws.spool, "bounces/cur", kept)) == len(big)
    [note] = ws.listdir("bounces/unmatched")
    text = open(os.path.join(ws.spool, "bounces/unmatched", note)).read()
    assert "larger than 10 MiB" in text and os.path.join(ws.spool, "bounces/cur", kept) in text
    # From a Maildir too: no empty copy, and the note says where the original is.
    maildir = str(tmp_path / "Maildir")
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(maildir, sub))
    open(os.path.join(maildir, "new", "1.big"), "wb").write(big)
    configure(ws, maildir)
    run_ok(ws, "bounces")
    notes = [n for n in ws.listdir("bounces/unmatched") if "1.big" in n]
    assert notes == ["1.big:2,S.note.txt"]
    assert os.path.join(maildir, "cur", "1.big:2,S") in open(os.path.join(ws.spool, "bounces/unmatched", notes[0])).read()


# 10. CSRF tokens in two tabs.

def test_forms_in_two_tabs_and_logout_after_the_check_page(issued):
    ws = issued
    run_ok(ws, "run")
    server = Server(ws)
    try:
        client = Client(server.url)
        first_tab = client.form_token()
        second_tab = client.form_token()
        assert client.lookup(NUMBER, "WRNG", token=second_tab)[0] == 403
        code, _, body = client.lookup(NUMBER, key_of(ws), token=first_tab)
        assert code == 303, body.decode()
        page = client.request("GET", "/certificate")[2].decode()
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        assert client.request("GET", "/check")[0] == 200  # opened in another tab
        data = urllib.parse.urlencode({"csrf": token}).encode()
        code, _, _ = client.request("POST", "/logout", data, {"Content-Type": "application/x-www-form-urlencoded"})
        assert code == 303
        assert client.request("GET", "/certificate")[0] == 403
    finally:
        server.stop()


# 11. The small ones.

def test_a_multi_line_refusal_is_kept_whole(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies[CONTRACTOR] = ("550-5.1.1 The email account that you tried to reach does not exist.\r\n"
                                                  "550 5.1.1 Please check the address for typos")
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 1
    [failed] = envelopes(ws, "failed").values()
    reply = failed["attempts"][-1]["reply"]
    assert "does not exist." in reply and "Please check the address for typos" in reply and reply.startswith("550 5.1.1")


def test_a_connection_dropped_after_data_says_so(workspace):
    ws = workspace
    ws.handler.faults.drop_in_data = 1
    ws.drop("a.json", sample_record())
    ws.run("run")
    [queued] = envelopes(ws, "outbox").values()
    reply = queued["attempts"][-1]["reply"]
    assert "closed the connection after the message was sent" in reply and "errno" not in reply


def test_a_broken_chunked_body_is_not_called_too_large(issued):
    ws = issued
    run_ok(ws, "run")
    server = Server(ws)
    try:
        host, port = re.match(r"http://([\d.]+):(\d+)/", server.url).groups()
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(b"POST /lookup HTTP/1.1\r\nHost: v\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
            answer = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        head = answer.split(b"\r\n", 1)[0]
        assert b" 413 " not in head and b" 400 " in head, answer[:300]
    finally:
        server.stop()


def test_a_newline_in_a_maildir_name_stays_in_one_log_line(issued, tmp_path):
    ws = issued
    maildir = str(tmp_path / "Maildir")
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(maildir, sub))
    open(os.path.join(maildir, "new", "evil\nlevel=error forged line"), "wb").write(b"Subject: hi\r\n\r\nhello\r\n")
    configure(ws, maildir)
    result = ws.run("bounces")
    lines = result.stderr.splitlines()
    assert not any(line.startswith("level=error forged line") for line in lines)
    assert any("evil\\nlevel=error forged line" in line for line in lines), result.stderr


def test_a_number_typed_with_a_long_vowel_mark_or_lower_case(issued):
    ws = issued
    run_ok(ws, "run")
    server = Server(ws)
    try:
        client = Client(server.url)
        assert client.lookup(NUMBER.replace("-", "ー"), key_of(ws))[0] == 303
        code, _, body = Client(server.url).lookup(NUMBER.lower(), key_of(ws))
        assert code == 403 and "大文字と小文字を区別します" in body.decode()
    finally:
        server.stop()
