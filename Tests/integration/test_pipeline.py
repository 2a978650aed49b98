"""The batch end to end: samples in, certificates issued, mail delivered to a real SMTP server."""
import glob
import json
import os
import re
import stat
import subprocess

from conftest import sample_record
from mailcheck import attachments, body_text, display_names, raw_lines

KEY_RE = re.compile(r"\b[2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){4}\b")


def read_key(ws, number):
    return open(os.path.join(ws.contract(number), "key")).read().strip()


def test_sample_batch_issues_and_delivers(workspace):
    ws = workspace
    ws.drop_samples()
    result = ws.run("run")
    assert result.returncode == 0, result.stderr
    assert "issued                    3" in result.stdout
    assert "paper (not electronic)    2" in result.stdout
    assert "mail sent                 3" in result.stdout

    assert ws.listdir("incoming") == []
    assert ws.listdir("processing") == []
    assert ws.listdir("contracts") == ["R07-4410-000045", "R07-4410-000052", "R07-4621-000123"]
    assert ws.listdir("paper") == ["R07-4410-000061.json", "R07-4410-000061.json.reason.txt",
                                   "R07-4621-000130.json", "R07-4621-000130.json.reason.txt"]
    assert "契約保証予約" in open(os.path.join(ws.spool, "paper", "R07-4621-000130.json.reason.txt")).read()

    messages = ws.messages()
    assert len(messages) == 3
    by_rcpt = {env["rcpt_tos"][0]: (env, msg, raw) for env, msg, raw in messages}
    env, msg, raw = by_rcpt["keiri@hioki-kensetsu.example.jp"]
    assert env["rcpt_tos"] == ["keiri@hioki-kensetsu.example.jp"]
    assert env["mail_from"] == "e-hosho@example.jp"
    assert msg["subject"] == "電子証書・認証キー登録のお知らせ（保証契約番号 R07-4621-000123）"
    assert msg["from"].addresses[0].addr_spec == "e-hosho@example.jp"
    assert display_names(raw, "From") == ["西日本建設業保証 電子保証"]
    assert display_names(raw, "To") == ["株式会社日置建設 代表取締役 山田 太郎"]
    assert re.fullmatch(r"\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0900", msg["date"])
    assert msg["message-id"].startswith("<R07-4621-000123.contractor.") and msg["message-id"].endswith("@example.jp>")
    assert msg["bcc"] is None
    body = body_text(msg)
    assert "株式会社日置建設" in body and "R07-4621-000123" in body and "金19,360,000円" in body
    assert "令和7年6月20日 から 令和8年3月27日 まで" in body

    # The attachments are the stored documents, byte for byte, under their Japanese names.
    files = attachments(msg)
    stored = lambda f: open(os.path.join(ws.contract("R07-4621-000123"), "documents", f), "rb").read()
    assert files == {
        "電子証書閲覧用「認証キー」等のお知らせ_R07-4621-000123.pdf": stored("key-notice.pdf"),
        "保証証書_R07-4621-000123.pdf": stored("certificate.pdf"),
        "保証料計算書_R07-4621-000123.pdf": stored("premium-statement.pdf"),
        "保証料領収書_R07-4621-000123.pdf": stored("receipt.pdf"),
    }

    # The raw message: CRLF only, short lines, RFC 2231 file name, folded encoded-words.
    lines = raw_lines(raw)
    assert all(len(line) <= 78 for line in lines)
    assert b"filename*0*=UTF-8''" in raw
    subject_lines = [l for l in raw.split(b"\r\n\r\n")[0].split(b"\r\n")]
    assert all(len(l) <= 76 for l in subject_lines if b"=?UTF-8?B?" in l)

    # The key is in the PDF (and the key file), and nowhere in the mail body, the logs or the output.
    key = read_key(ws, "R07-4621-000123")
    assert KEY_RE.fullmatch(key)
    assert key not in body
    assert key not in result.stdout and key not in result.stderr


def test_key_notice_pdf(workspace, tmp_path):
    ws = workspace
    ws.drop_samples()
    assert ws.run("run").returncode == 0
    for number in ws.listdir("contracts"):
        pdf = os.path.join(ws.contract(number), "documents", "key-notice.pdf")
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
        assert number in text
        assert read_key(ws, number) in text
        assert "電子証書閲覧用「認証キー」等のお知らせ" in text
        fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert fonts, "no fonts listed"
        for line in fonts:
            cols = line.split()
            assert cols[-5] == "yes" and cols[-4] == "yes", f"font not embedded and subset: {line}"
        assert any("IPAex" in line for line in fonts)
        subprocess.run(["qpdf", "--check", pdf], capture_output=True, check=True)
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
        assert "Author:          西日本建設業保証株式会社" in info
    # Rare kanji reach the PDF through font fallback, not as boxes.
    text = subprocess.run(["pdftotext", os.path.join(ws.contract("R07-4410-000045"), "documents", "key-notice.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "髙﨑土木株式会社" in text and "𠮷田 一郎" in text
    assert "令和7年7月3日" in text


def test_spool_permissions_and_contents(workspace):
    ws = workspace
    ws.drop_samples()
    os.umask(0o022)
    assert ws.run("run").returncode == 0
    folder = ws.contract("R07-4621-000123")
    for root, dirs, files in os.walk(ws.spool):
        for d in dirs:
            if os.path.join(root, d) == os.path.join(ws.spool, "incoming"):
                continue  # made by the test, as upstream would: its mode is the operator's choice
            assert stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode) == 0o700, os.path.join(root, d)
        for f in files:
            if root.endswith("incoming"):
                continue
            path = os.path.join(root, f)
            if f in ("lock",) or root == os.path.join(ws.spool, "paper"):
                continue
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    cert = json.load(open(os.path.join(folder, "certificate.json")))
    key = read_key(ws, "R07-4621-000123")
    assert cert["contract_number"] == "R07-4621-000123"
    assert cert["guarantee_type_name"] == "前払金保証"
    assert cert["obligee"] == {"name": "日置市", "title": "日置市長"}
    assert cert["key_digest"].startswith("sha256:")
    assert key not in json.dumps(cert, ensure_ascii=False)
    assert key.replace("-", "") not in open(os.path.join(folder, "certificate.json")).read()
    record = json.load(open(os.path.join(folder, "record.json")))
    assert record == sample_record()
    sent = glob.glob(os.path.join(folder, "sent", "contractor.*.json"))
    assert len(sent) == 1
    envelope = json.load(open(sent[0]))
    assert envelope["attempts"][-1]["outcome"] == "sent"
    assert envelope["attempts"][-1]["reply"].startswith("250 ")


def test_bad_file_is_rejected_and_batch_goes_on(workspace):
    ws = workspace
    ws.drop("bad-email.json", sample_record("R07-0000-000001", contractor__email="経理 <keiri@example.jp>"))
    ws.drop("broken.json", b'{"schema": "mailbatch.contract/v1", ')
    ws.drop("good.json", sample_record("R07-0000-000002"))
    ws.drop(".hidden.json", b"not yet complete")
    ws.drop("notes.txt", b"ignored")
    result = ws.run("run")
    assert result.returncode == 1
    assert ws.listdir("rejected") == ["bad-email.json", "bad-email.json.error.txt", "broken.json", "broken.json.error.txt"]
    error = open(os.path.join(ws.spool, "rejected", "bad-email.json.error.txt")).read()
    assert "bad-email.json" in error and "$.contractor.email" in error and "plain e-mail address" in error
    assert "ends too early" in open(os.path.join(ws.spool, "rejected", "broken.json.error.txt")).read()
    assert ws.listdir("contracts") == ["R07-0000-000002"]
    assert len(ws.messages()) == 1
    assert ws.listdir("incoming") == [".hidden.json", "notes.txt"]


def test_same_contract_again_duplicate_or_conflict(workspace):
    ws = workspace
    ws.drop("first.json", sample_record())
    assert ws.run("run").returncode == 0
    key = read_key(ws, "R07-4621-000123")
    # Identical content, formatted differently: a duplicate, nothing sent again.
    ws.drop("again.json", json.dumps(sample_record(), indent=4, ensure_ascii=True).encode())
    result = ws.run("run")
    assert result.returncode == 0
    assert "duplicate                 1" in result.stdout
    assert ws.listdir("duplicates") == ["again.json", "again.json.note.txt"]
    # Different content under the same number: rejected as a conflict.
    ws.drop("changed.json", sample_record(guarantee__amount=19000000))
    result = ws.run("run")
    assert result.returncode == 1
    error = open(os.path.join(ws.spool, "rejected", "changed.json.error.txt")).read()
    assert "already issued with different content" in error
    assert read_key(ws, "R07-4621-000123") == key
    assert len(ws.messages()) == 1


def test_4xx_defers_and_5xx_fails(workspace):
    ws = workspace
    ws.handler.faults.rcpt_once["a@example.jp"] = "451 4.3.0 try again later"
    ws.handler.faults.rcpt_replies["b@example.jp"] = "550 5.1.1 no such user"
    ws.write_config(delivery="retry_initial_seconds = 0")
    ws.drop("a.json", sample_record("R07-0000-00000A", contractor__email="a@example.jp"))
    ws.drop("b.json", sample_record("R07-0000-00000B", contractor__email="b@example.jp"))
    ws.drop("c.json", sample_record("R07-0000-00000C", contractor__email="c@example.jp"))
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ws.listdir("outbox") == ["R07-0000-00000A.contractor.json"]
    assert ws.listdir("failed") == ["R07-0000-00000B.contractor.json"]
    failed = json.load(open(os.path.join(ws.spool, "failed", "R07-0000-00000B.contractor.json")))
    assert failed["attempts"][-1]["reply"] == "550 5.1.1 no such user"
    deferred = json.load(open(os.path.join(ws.spool, "outbox", "R07-0000-00000A.contractor.json")))
    assert deferred["attempts"][-1] == {"at": deferred["attempts"][-1]["at"], "outcome": "deferred", "reply": "451 4.3.0 try again later"}
    assert [env["rcpt_tos"] for env, _, _ in ws.messages()] == [["c@example.jp"]]
    # The next run delivers the deferred message.
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ws.listdir("outbox") == []
    assert sorted(env["rcpt_tos"][0] for env, _, _ in ws.messages()) == ["a@example.jp", "c@example.jp"]


def test_server_down_defers_everything_and_exits_75(workspace, tmp_path):
    ws = workspace
    ws.write_config(url="smtp://127.0.0.1:1", delivery="max_connection_failures = 2")
    for i in range(4):
        ws.drop(f"{i}.json", sample_record(f"R07-0000-00010{i}"))
    result = ws.run("run")
    assert result.returncode == 75, result.stdout + result.stderr
    assert len(ws.listdir("outbox")) == 4
    assert len(ws.listdir("contracts")) == 4
    assert "could not be reached" in result.stdout


def test_config_errors_exit_2(workspace):
    ws = workspace
    with open(ws.config, "a") as fh:
        fh.write("\n[smtp2]\nurl = \"x\"\n")
    result = ws.run("run")
    assert result.returncode == 2
    assert "smtp2" in result.stderr
