"""A second attack, through the binary: an orderer's subject template that names the key, keys typed
one character off, `verify --json` of a superseded key, a sisimai helper that hangs, a soft bounce of
a later version, the first-view notice, the per-number attempt log, IPv6 clients, a CR/LF in an address,
a line break in a report's file name, and a reader that closes mailbatch's output."""
import json
import os
import subprocess
import time
import urllib.parse

import pytest

from conftest import BIN, sample_record
from mailcheck import body_text
from viewer_client import Client, Server

NUMBER = "R07-4621-000123"
ORDERER = "keiyaku@city.hioki.example.jp"
CONTRACTOR = "keiri@hioki-kensetsu.example.jp"
RETURN_PATH = "bounces+{token}@bounces.example.jp"


def key_of(ws, version=None):
    folder = ws.contract(NUMBER) if version is None else os.path.join(ws.contract(NUMBER), "versions", str(version))
    return open(os.path.join(folder, "key")).read().strip()


def configure(ws, bounces="", notify="", viewer=""):
    ws.write_config(extra=f'[signing]\nprivate_key_file = "{ws.path}/keys/signing-key.pem"\n[orderers]\nfile = "orderers.local.toml"\n'
                          f'[viewer]\nurl = "https://viewer.example.jp/"\n{viewer}'
                          f'[bounces]\nreturn_path = "{RETURN_PATH}"\n{bounces}' + notify)


def write_orderers(ws, extra=""):
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(f'["日置市"]\nemail = ["{ORDERER}"]\n{extra}')


@pytest.fixture
def issued(workspace):
    """One signed 日置市 contract whose orderer takes the key by e-mail (the contractor in Cc)."""
    ws = workspace
    assert ws.run("keygen", "--out", os.path.join(ws.path, "keys")).returncode == 0
    write_orderers(ws)
    configure(ws)
    ws.drop("a.json", sample_record())
    return ws


def run_ok(ws, *args, env=None):
    result = ws.run(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def amend(ws):
    """変更第1号 (the amount goes up), issued and sent."""
    record = sample_record(NUMBER, project__contract_amount=53900000, guarantee__amount=21560000)
    record["amendment"] = {"number": 1, "concluded_on": "2025-09-10", "premium": 3000, "reason": "設計変更に伴う請負代金額の増額"}
    ws.drop("b.json", record)
    run_ok(ws, "run")


def sent(ws, prefix):
    folder = os.path.join(ws.contract(NUMBER), "sent")
    return sorted(f for f in os.listdir(folder) if f.startswith(prefix + ".") and f[len(prefix) + 1:].split(".")[0].isdigit())


def dsn(recipient, to, status="5.1.1", diagnostic="550 5.1.1 user unknown"):
    return ("From: MAILER-DAEMON@mx.example.jp\r\nTo: %s\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            "The mail could not be delivered.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\n\r\n"
            "Final-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: %s\r\nDiagnostic-Code: smtp; %s\r\n\r\n"
            "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: x\r\n\r\n--b--\r\n" % (to, recipient, status, diagnostic)).encode()


def all_text(folder):
    out = ""
    for root, _, files in os.walk(folder):
        for f in files:
            out += open(os.path.join(root, f), "rb").read().decode("utf-8", "replace")
    return out


# 1. A subject template may name only the documented variables.

@pytest.mark.parametrize("subject,column,says", [
    ("【電子保証】{{orderer_ref}} {{key}}", 34, "{{key}} is not a subject variable"),
    ("{{#key}}x{{/key}}", 12, "is a section"),
    ("{{> orderer-body}}", 12, "is a partial"),
    ("【電子保証】{{", 18, "is not closed"),
    ("{{{key}}}", 12, "a subject may hold only text"),
])
def test_a_subject_template_cannot_carry_the_key(issued, subject, column, says):
    ws = issued
    write_orderers(ws, f'subject = "{subject}"\n')
    for command in (["orderers", "show", "日置市"], ["doctor"], ["run"]):
        result = ws.run(*command)
        assert result.returncode != 0, (command, result.stdout)
        said = result.stdout + result.stderr  # doctor lists its findings on stdout
        assert f"orderers.local.toml: line 3, column {column}: [\"日置市\"] subject" in said, said
        assert says in said, said
    assert not ws.messages() and ws.listdir("contracts") == []


def test_a_prescribed_subject_is_rendered_from_its_own_variables(issued):
    ws = issued
    write_orderers(ws, 'subject = "【電子保証】{{ contract_number }} {{orderer_ref}} {{project_name}}"\n')
    run_ok(ws, "run")
    [orderer] = [m for e, m, _ in ws.messages() if ORDERER in e["rcpt_tos"]]
    assert orderer["subject"].startswith("【電子保証】R07-4621-000123 ")
    key = key_of(ws)
    assert key not in orderer["subject"] and key.replace("-", "") not in orderer["subject"]


# 2. Text within one edit of a key is never logged.

def test_a_key_typed_one_character_off_is_never_logged(issued):
    ws = issued
    run_ok(ws, "run")
    key = key_of(ws)
    compact = key.replace("-", "")
    near = [key + "X", key[1:], key[:-1], key[:5] + "0" + key[6:], compact + "2"]
    for typed in near:
        result = subprocess.run([BIN, "verify", typed, "-", "--config", ws.config], input="AAAA\n", capture_output=True, text=True)
        assert result.returncode == 2 and "shape of a 認証キー" in result.stderr, result.stderr
    server = Server(ws)
    try:
        for typed in near:
            code, _, body = Client(server.url).lookup(typed, "AAAA-AAAA")
            assert code == 403 and "認証キーの形" in body.decode()
    finally:
        server.stop()
    logged = all_text(os.path.join(ws.spool, "verify")) + server.stderr_text
    for typed in near:
        core = typed.replace("-", "")
        assert typed not in logged and core[:19] not in logged and core[-19:] not in logged, typed
    assert "(not a contract number)" in logged


# 5. verify --json says which version a key opened.

def test_verify_json_of_a_superseded_key_says_so(issued):
    ws = issued
    run_ok(ws, "run")
    amend(ws)
    old = ws.run("verify", NUMBER, key_of(ws, 1), "--json")
    assert old.returncode == 1
    verdict = json.loads(old.stdout)
    assert verdict["state"] == "superseded" and verdict["key_version"] == 1 and verdict["current_version"] == 2
    assert verdict["certificate"]["state"] == "valid" and verdict["certificate"]["signature"]["algorithm"] == "Ed25519"
    current = json.loads(run_ok(ws, "verify", NUMBER, key_of(ws), "--json").stdout)
    assert current["state"] == "valid" and current["key_version"] == current["current_version"] == 2


# 6. A sisimai helper that hangs and ignores SIGTERM is killed; the run goes on.

def test_a_hanging_sisimai_helper_is_killed_and_the_report_read_anyway(issued, tmp_path):
    ws = issued
    configure(ws, bounces="sisimai_timeout_seconds = 2\n")
    run_ok(ws, "run")
    pids = tmp_path / "helper.pids"
    helper = tmp_path / "hanging-sisimai"
    helper.write_text(f"#!/bin/sh\ntrap '' TERM INT HUP ALRM\necho $$ >> {pids}\nsleep 300 &\necho $! >> {pids}\nwait\nwait\n")
    helper.chmod(0o755)
    envelope = json.load(open(os.path.join(ws.contract(NUMBER), "sent", sent(ws, "contractor")[0])))
    with open(os.path.join(ws.spool, "bounces", "new", "1.report"), "wb") as fh:
        fh.write(dsn(CONTRACTOR, RETURN_PATH.replace("{token}", envelope["tokens"][CONTRACTOR])))
    env = dict(os.environ, MAILBATCH_SISIMAI=str(helper))
    started = time.monotonic()
    result = subprocess.run([BIN, "bounces", "--config", ws.config], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1, result.stderr  # 1: a message bounced
    assert time.monotonic() - started < 30
    assert "did not finish in 2 s and was killed" in result.stderr
    # Read by mailbatch's own reader: applied, and the report is in cur/.
    status = json.loads(run_ok(ws, "status", "--json").stdout)
    assert status["bounced"] == 1
    assert ws.listdir("bounces/new") == [] and len(ws.listdir("bounces/cur")) == 1
    for pid in map(int, pids.read_text().split()):
        state = open(f"/proc/{pid}/stat").read().split()[2] if os.path.exists(f"/proc/{pid}") else "gone"
        assert state in ("gone", "Z"), (pid, state)
    # Nothing holds the lock: the next run goes ahead.
    assert subprocess.run([BIN, "run", "--config", ws.config], capture_output=True, env=env, timeout=60).returncode == 0


# 9. A soft bounce of a later version is sent again as that version.

def test_a_soft_bounce_of_version_2_is_sent_again_as_version_2(issued):
    ws = issued
    run_ok(ws, "run")
    amend(ws)
    [name] = sent(ws, "v2.contractor")
    envelope = json.load(open(os.path.join(ws.contract(NUMBER), "sent", name)))
    assert envelope["version"] == 2
    report = dsn(CONTRACTOR, RETURN_PATH.replace("{token}", envelope["tokens"][CONTRACTOR]), "4.2.2", "452 4.2.2 mailbox full")
    assert subprocess.run([BIN, "bounce", "--config", ws.config], input=report, capture_output=True).returncode == 0
    [queued] = [f for f in ws.listdir("outbox")]
    assert queued == NUMBER + ".v2.contractor.json"
    assert json.load(open(os.path.join(ws.spool, "outbox", queued))).get("version") == 2
    later = "2025-10-20T12:00:00+09:00@%d" % int(time.time())
    run_ok(ws, "run", env={"MAILBATCH_NOW": later})
    assert len(sent(ws, "v2.contractor")) == 2 and len(sent(ws, "contractor")) == 1
    to_contractor = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == [CONTRACTOR] and CONTRACTOR in str(m["To"])]
    assert len(to_contractor) == 3  # the original, version 2, and version 2 again
    [again] = [f for f in sent(ws, "v2.contractor") if f != name]
    tokens = json.load(open(os.path.join(ws.contract(NUMBER), "sent", again)))["tokens"]
    assert tokens[CONTRACTOR] != envelope["tokens"][CONTRACTOR]


# 11. The first-view notice says what is known, and names the version.

def test_the_first_view_notice_names_the_version_and_not_the_viewer(issued):
    ws = issued
    configure(ws, notify='[notify]\nto = ["ops@example.jp"]\ncontractor_on_view = true\n')
    run_ok(ws, "run")
    amend(ws)
    server = Server(ws)
    try:
        assert Client(server.url).lookup(NUMBER, key_of(ws))[0] == 303
    finally:
        server.stop()
    show = run_ok(ws, "show", NUMBER).stdout
    assert "認証キーでの閲覧（変更第1号）: 令和7年10月20日" in show and "開いたのが発注者かは確かめられません" in show
    assert "発注者閲覧" not in show
    run_ok(ws, "run")
    [notice] = [m for e, m, _ in ws.messages() if "認証キーで開かれました" in m["subject"]]
    assert notice["subject"] == "電子証書（変更第1号）が認証キーで開かれました（保証契約番号 R07-4621-000123）"
    text = body_text(notice)
    assert "下記の電子証書（変更第1号）が、閲覧ページで認証キーを入力して開かれました" in text
    assert "開いたのが日置市様であるとは限りません" in text
    assert "初めて表示したときに一度だけ" not in text and "閲覧しました" not in text and "お電話は不要" not in text
    assert "版（当初の発行と、変更のたび）ごと" in text


# 12. The attempt log: locked attempts counted, each number's log capped, IPv6 by /64.

def test_locked_attempts_are_counted_not_logged_and_the_log_is_capped(issued):
    ws = issued
    run_ok(ws, "run")
    server = Server(ws)
    try:
        codes = [Client(server.url).lookup(NUMBER, "2222-2222-2222-2222-2222")[0] for _ in range(60)]
    finally:
        server.stop()
    assert codes[:5] == [403] * 5 and set(codes[5:]) == {429}
    log = open(os.path.join(ws.spool, "verify", NUMBER + ".log")).read().splitlines()
    assert len(log) == 6 and "further refusals are counted, not logged" in log[-1], log
    state = json.load(open(os.path.join(ws.spool, "verify", NUMBER + ".json")))
    assert state["refused_while_locked"] == 55
    # After the lock, the count is logged once with the next attempt.
    later = "2025-10-20T10:40:00+09:00@%d" % int(time.time())
    assert ws.run("verify", NUMBER, key_of(ws), env={"MAILBATCH_NOW": later}).returncode == 0
    log = open(os.path.join(ws.spool, "verify", NUMBER + ".log")).read().splitlines()
    assert "55 attempt(s) in all were refused while locked" in log[-2] and "key matched" in log[-1]
    # A long history: the log moves to .log.1 past 256 KiB, like unknown-numbers.log.
    path = os.path.join(ws.spool, "verify", NUMBER + ".log")
    with open(path, "a") as fh:
        fh.write(("2025-10-01T10:00:00+09:00 viewer 192.0.2.1 no match (1 in 15 min)\n") * 4000)
    assert ws.run("verify", NUMBER, "2222-2222-2222-2222-2222", env={"MAILBATCH_NOW": later}).returncode == 1
    assert os.path.getsize(path) < 1024 and os.path.getsize(path + ".1") > 256 * 1024


def test_ipv6_clients_are_locked_out_by_their_64(issued):
    ws = issued
    configure(ws, viewer='trusted_proxies = ["127.0.0.1"]\n')
    run_ok(ws, "run")
    server = Server(ws)
    try:
        codes = []
        for i in range(1, 13):
            client = Client(server.url)
            token = client.form_token()
            data = urllib.parse.urlencode({"csrf": token, "contract_number": "R07-9999-%06d" % i, "key": "2222"}).encode()
            codes.append(client.request("POST", "/lookup", data, {
                "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "2001:db8:1:2::%x" % i})[0])
        # Another /64 is another client.
        other = Client(server.url)
        data = urllib.parse.urlencode({"csrf": other.form_token(), "contract_number": "R07-9999-000001", "key": "2222"}).encode()
        other_code = other.request("POST", "/lookup", data, {
            "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "2001:db8:1:3::1"})[0]
    finally:
        server.stop()
    assert codes[:10] == [403] * 10 and codes[10:] == [429, 429], codes
    assert other_code == 403


# 13. A CR/LF in an address; a line break in a report's file name.

def test_a_newline_in_an_address_is_escaped_in_the_error(issued):
    ws = issued
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\nemail = ["keiyaku@city.hioki.example.jp\\r\\nlevel=error forged"]\n')
    for command in ("doctor", "run"):
        result = ws.run(command)
        said = result.stdout + result.stderr
        assert result.returncode != 0
        assert "keiyaku@city.hioki.example.jp\\r\\nlevel=error forged" in said, said
        assert not any(line.startswith("level=error forged") for line in said.splitlines())


def test_a_newline_in_a_reports_file_name_stays_in_one_history_line(issued):
    ws = issued
    run_ok(ws, "run")
    envelope = json.load(open(os.path.join(ws.contract(NUMBER), "sent", sent(ws, "contractor")[0])))
    with open(os.path.join(ws.spool, "bounces", "new", "evil\n2026-01-01T00:00:00+09:00 forged line"), "wb") as fh:
        fh.write(dsn(CONTRACTOR, RETURN_PATH.replace("{token}", envelope["tokens"][CONTRACTOR])))
    assert ws.run("bounces", env={"MAILBATCH_SISIMAI": ""}).returncode == 1  # 1: a message bounced
    history = open(os.path.join(ws.contract(NUMBER), "history.log")).read()
    assert "bounced from " + CONTRACTOR in history
    assert not any(line.startswith("2026-01-01T00:00:00+09:00 forged line") for line in history.splitlines()), history
    assert "evil\\n2026-01-01T00:00:00+09:00 forged line" in history


# SIGPIPE: a reader that closes mailbatch's output does not kill it with a signal.

def test_a_closed_output_pipe_does_not_kill_mailbatch(issued):
    ws = issued
    proc = subprocess.Popen([BIN, "orderers", "--config", ws.config], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    proc.wait(timeout=60)
    assert proc.returncode >= 0, proc.returncode


# 8. A token per recipient; a report recognised by what it says, not its file name.

def test_the_cc_cannot_report_the_orderers_address(issued):
    ws = issued
    run_ok(ws, "run")
    orderer_mail = json.load(open(os.path.join(ws.contract(NUMBER), "sent", sent(ws, "orderer")[0])))
    tokens = orderer_mail["tokens"]
    assert set(tokens) == {ORDERER, CONTRACTOR} and tokens[ORDERER] != tokens[CONTRACTOR]
    # Each recipient got its copy with its own return path.
    paths = {tuple(e["rcpt_tos"]): e["mail_from"] for e, m, _ in ws.messages() if m["Cc"]}
    assert paths[(ORDERER,)] == RETURN_PATH.replace("{token}", tokens[ORDERER])
    assert paths[(CONTRACTOR,)] == RETURN_PATH.replace("{token}", tokens[CONTRACTOR])
    # The contractor writes a 5.1.1 about the orderer's address with the return path it saw.
    forged = dsn(ORDERER, RETURN_PATH.replace("{token}", tokens[CONTRACTOR]))
    assert subprocess.run([BIN, "bounce", "--config", ws.config], input=forged, capture_output=True).returncode == 0
    state = json.loads(run_ok(ws, "status", "--json").stdout)
    assert state["bounced"] == 0 and state["recipient_problems"] == 0 and state["sent"] == 2
    [note] = [n for n in ws.listdir("bounces/unmatched") if n.endswith(".note.txt")]
    assert "a recipient can speak only of itself" in open(os.path.join(ws.spool, "bounces/unmatched", note)).read()


def test_a_report_taken_up_once_whatever_its_file_name(issued):
    ws = issued
    run_ok(ws, "run")
    first = json.load(open(os.path.join(ws.contract(NUMBER), "sent", sent(ws, "contractor")[0])))
    soft = dsn(CONTRACTOR, RETURN_PATH.replace("{token}", first["tokens"][CONTRACTOR]), "4.2.2", "452 4.2.2 mailbox full")
    for name in ("a", "b", "c", "d"):
        with open(os.path.join(ws.spool, "bounces", "new", name), "wb") as fh:
            fh.write(soft)
    assert "1 to be tried again" in run_ok(ws, "bounces").stdout
    assert ws.listdir("outbox") == [NUMBER + ".contractor.json"]
    sending = json.load(open(os.path.join(ws.contract(NUMBER), "sent", sent(ws, "contractor")[0])))
    assert len(sending["returned"]) == 1
    assert len([n for n in ws.listdir("bounces/unmatched") if n.endswith(".note.txt")]) == 3
    # Sent again, then bounced for good; the old soft report replayed does not queue it again.
    later = "2025-10-20T12:00:00+09:00@%d" % int(time.time())
    run_ok(ws, "run", env={"MAILBATCH_NOW": later})
    again = json.load(open(os.path.join(ws.contract(NUMBER), "sent", sent(ws, "contractor")[-1])))
    hard = dsn(CONTRACTOR, RETURN_PATH.replace("{token}", again["tokens"][CONTRACTOR]))
    assert subprocess.run([BIN, "bounce", "--config", ws.config], input=hard, capture_output=True, env=dict(os.environ, MAILBATCH_NOW=later)).returncode == 0
    assert json.loads(run_ok(ws, "status", "--json").stdout)["bounced"] == 1
    subprocess.run([BIN, "bounce", "--config", ws.config], input=soft, capture_output=True, env=dict(os.environ, MAILBATCH_NOW=later))
    assert ws.listdir("outbox") == []
    assert json.loads(run_ok(ws, "status", "--json").stdout)["bounced"] == 1


def test_mail_sent_before_the_upgrade_still_has_its_bounces_matched(issued):
    """An envelope of an earlier mailbatch: one token for the sending, made like a Message-ID."""
    ws = issued
    run_ok(ws, "run")
    [name] = sent(ws, "contractor")
    path = os.path.join(ws.contract(NUMBER), "sent", name)
    envelope = json.load(open(path))
    old_token = NUMBER + ".contractor.00112233aabbccdd"
    del envelope["tokens"]
    envelope["token"] = old_token
    envelope["mail_from"] = RETURN_PATH.replace("{token}", old_token)
    json.dump(envelope, open(path, "w"))
    report = dsn(CONTRACTOR, RETURN_PATH.replace("{token}", old_token))
    assert subprocess.run([BIN, "bounce", "--config", ws.config], input=report, capture_output=True).returncode == 0
    assert json.loads(run_ok(ws, "status", "--json").stdout)["bounced"] == 1


# 10. The VERP local part fits 64 octets for the longest contract number.

def test_the_return_path_fits_64_octets_for_a_32_character_number(issued):
    ws = issued
    number = "R07-4621-0001234567890123456789X"[:32]
    assert len(number) == 32
    ws.drop("b.json", sample_record(number))
    run_ok(ws, "run")
    froms = {e["mail_from"] for e, m, _ in ws.messages() if number in str(m["Subject"]) or number in body_text(m)}
    assert froms and all(len(f.split("@")[0].encode()) <= 64 for f in froms), froms
    # A template that leaves no room is refused when the configuration loads.
    ws.write_config(extra='[bounces]\nreturn_path = "bounces-of-the-mailbatch+{token}@bounces.example.jp"\n')
    result = ws.run("status")
    assert result.returncode == 2 and "RFC 5321 allows 64" in result.stderr


# 7. Returned mail: a per-run budget, each message kept once, set-aside mail expires.

def test_returned_mail_has_a_budget_is_kept_once_and_expires(issued):
    ws = issued
    configure(ws, bounces="budget_mib = 2\nunmatched_retention_days = 30\n")
    run_ok(ws, "run")
    junk = b"From: someone@example.net\r\nSubject: hello\r\n\r\n" + b"x" * (900 << 10) + b"\r\n"
    for i in range(5):
        with open(os.path.join(ws.spool, "bounces", "new", "%d.junk" % i), "wb") as fh:
            fh.write(junk)
    out = run_ok(ws, "bounces").stdout
    assert "2 set aside" in out and "3 left for the next run" in out, out
    state = json.loads(run_ok(ws, "status", "--json").stdout)
    assert state["returned_waiting"] == 3 and state["unmatched"] == 2
    assert "returned mail waiting" in run_ok(ws, "status").stdout
    # Kept once: in unmatched/ with its note, nowhere else.
    assert ws.listdir("bounces/cur") == [] and len(ws.listdir("bounces/new")) == 3
    run_ok(ws, "bounces")
    run_ok(ws, "bounces")
    assert ws.listdir("bounces/new") == [] and json.loads(run_ok(ws, "status", "--json").stdout)["unmatched"] == 5
    # 31 days on (on mailbatch's clock), all of it expires; counted and reported.
    later = "2025-11-21T10:00:00+09:00@%d" % int(time.time())
    out = ws.run("bounces", env={"MAILBATCH_NOW": later}).stdout
    assert "5 expired from unmatched/" in out, out
    assert ws.listdir("bounces/unmatched") == []


# 3. A change of contractor is not an amendment.

def test_an_amendment_cannot_hand_the_guarantee_to_another_company(issued):
    ws = issued
    run_ok(ws, "run")
    before = len(ws.messages())
    record = sample_record(NUMBER, project__contract_amount=53900000, guarantee__amount=21560000,
                           contractor__name="株式会社乗取建設", contractor__representative="代表取締役 乗取 次郎",
                           contractor__address="鹿児島県鹿児島市山下町1番1号", contractor__email="boss@nottori.example.jp")
    record["amendment"] = {"number": 1, "concluded_on": "2025-09-10", "premium": 3000}
    ws.drop("takeover.json", record)
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "takeover.json" in ws.listdir("rejected")
    note = open(os.path.join(ws.spool, "rejected", "takeover.json.error.txt")).read()
    assert "must not replace the contractor" in note
    for field in ("contractor.name", "contractor.representative", "contractor.address", "contractor.email"):
        assert "$." + field in note, field
    assert not os.path.exists(os.path.join(ws.contract(NUMBER), "versions"))
    assert len(ws.messages()) == before and not any("boss@nottori.example.jp" in e["rcpt_tos"] for e, m, _ in ws.messages())
    assert json.loads(run_ok(ws, "status", "--json").stdout)["rejected"] == 1
    # The representative and address alone may change (a new representative, a move).
    record = sample_record(NUMBER, project__contract_amount=53900000, guarantee__amount=21560000,
                           contractor__representative="代表取締役 山田 花子")
    record["amendment"] = {"number": 1, "concluded_on": "2025-09-10", "premium": 3000}
    ws.drop("newrep.json", record)
    run_ok(ws, "run")
    assert os.path.exists(os.path.join(ws.contract(NUMBER), "versions", "1"))


# 4. The orderer's rules apply to every version; fields off the certificate do not change silently.

def test_an_amendment_keeps_the_orderers_required_fields_and_reports_other_changes(issued):
    ws = issued
    write_orderers(ws, 'required_fields = ["project.orderer_ref", "contractor.contact_person"]\n')
    ws.listdir("incoming") and os.remove(os.path.join(ws.spool, "incoming", "a.json"))
    ws.drop("a.json", sample_record(NUMBER, project__orderer_ref="第1号", contractor__contact_person="経理課 鈴木"))
    run_ok(ws, "run")
    base = dict(project__contract_amount=53900000, guarantee__amount=21560000, contractor__contact_person="経理課 鈴木")
    record = sample_record(NUMBER, **base)  # no orderer_ref
    record["amendment"] = {"number": 1, "concluded_on": "2025-09-10", "premium": 3000}
    ws.drop("noref.json", record)
    assert ws.run("run").returncode == 1
    note = open(os.path.join(ws.spool, "rejected", "noref.json.error.txt")).read()
    assert "$.project.orderer_ref" in note and "日置市 requires project.orderer_ref" in note and "変更第1号" in note
    # With the number kept, a changed contact person and phone are named in the mails' 変更内容.
    record = sample_record(NUMBER, **dict(base, project__orderer_ref="第1号", contractor__contact_person="経理課 佐藤",
                                          contractor__phone="099-000-0000"))
    record["amendment"] = {"number": 1, "concluded_on": "2025-09-10", "premium": 3000}
    ws.drop("ok.json", record)
    run_ok(ws, "run")
    [mail] = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == [CONTRACTOR] and "変更" in str(m["Subject"]) and CONTRACTOR in str(m["To"])]
    text = body_text(mail)
    assert "受注者の担当者" in text and "経理課 佐藤" in text and "受注者の電話番号" in text, text
    history = open(os.path.join(ws.contract(NUMBER), "history.log")).read()
    assert "変更第1号" in history or "version 2" in history
