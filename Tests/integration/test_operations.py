"""Operating it from cron: faults, retries, dead letters, and the operator's commands."""
import glob
import json
import os
import subprocess

import pytest

import smtp_server
from conftest import sample_record


def envelope(ws, folder, name):
    return json.load(open(os.path.join(ws.spool, folder, name)))


def sent_records(ws, number):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(ws.contract(number), "sent", "*.json")))]


def test_451_then_accepted_is_delivered_once_with_attempts(workspace):
    ws = workspace
    ws.write_config(delivery="retry_initial_seconds = 0")
    ws.handler.faults.rcpt_once["keiri@hioki-kensetsu.example.jp"] = "451 4.7.1 greylisted, try again"
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 75
    assert ws.messages() == []
    assert ws.run("run").returncode == 0
    assert len(ws.messages()) == 1
    (record,) = sent_records(ws, "R07-4621-000123")
    assert [a["outcome"] for a in record["attempts"]] == ["deferred", "sent"]
    assert record["attempts"][0]["reply"] == "451 4.7.1 greylisted, try again"


@pytest.mark.parametrize("fault", ["421", "drop"])
def test_421_or_dropped_connection_in_data_defers_then_delivers(workspace, fault):
    ws = workspace
    ws.write_config(delivery="retry_initial_seconds = 0")
    if fault == "421":
        ws.handler.faults.data_replies_once.append("421 4.3.2 service shutting down")
    else:
        ws.handler.faults.drop_in_data = 1
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 75
    deferred = envelope(ws, "outbox", "R07-4621-000123.contractor.json")
    assert deferred["attempts"][-1]["outcome"] == "deferred"
    if fault == "421":
        assert deferred["attempts"][-1]["reply"].startswith("421 4.3.2")
    assert ws.run("run").returncode == 0
    assert len(ws.messages()) == 1


def test_server_that_never_answers_times_out_and_defers(workspace):
    ws = workspace
    ws.handler.faults.ehlo_delay = 30
    ws.write_config(extra_smtp="", delivery="max_connection_failures = 2")
    with open(ws.config) as fh:
        text = fh.read().replace("response_timeout_seconds = 5", "response_timeout_seconds = 1")
    with open(ws.config, "w") as fh:
        fh.write(text)
    for i in range(3):
        ws.drop(f"{i}.json", sample_record(f"R07-0000-00020{i}"))
    # A server that waits 30 s per greeting: without the 1 s response timeout this run would not end
    # within the subprocess timeout. No assertion on the elapsed time (the machine's speed varies).
    result = ws.run("run", timeout=60)
    assert result.returncode == 75, result.stdout + result.stderr
    assert len(ws.listdir("outbox")) == 3
    replies = [a["reply"] for f in ws.listdir("outbox") for a in envelope(ws, "outbox", f)["attempts"]]
    # Two connections work in parallel: the run stops after the second failure, and the other
    # connection may have begun one more attempt by then.
    assert 2 <= len(replies) <= 3 and all("timed out" in r.lower() or "timeout" in r.lower() for r in replies), replies
    assert ws.messages() == []


def test_one_bad_recipient_among_fifty(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies["bad@example.jp"] = "550 5.1.1 <bad@example.jp>: user unknown"
    for i in range(50):
        email = "bad@example.jp" if i == 17 else f"k{i:02d}@example.jp"
        ws.drop(f"{i:02d}.json", sample_record(f"R07-0000-{i:06d}", contractor__email=email))
    result = ws.run("run")
    assert result.returncode == 1
    assert len(ws.messages()) == 49
    assert ws.listdir("failed") == ["R07-0000-000017.contractor.json"]
    assert "mail sent                49" in result.stdout


def test_server_down_then_back(tmp_path, workspace):
    ws = workspace
    port = smtp_server.free_port()
    ws.write_config(url=f"smtp://127.0.0.1:{port}", delivery="retry_initial_seconds = 0\nmax_connection_failures = 2")
    for i in range(5):
        ws.drop(f"{i}.json", sample_record(f"R07-0000-00030{i}"))
    result = ws.run("run")
    assert result.returncode == 75
    assert len(ws.listdir("outbox")) == 5 and len(ws.listdir("contracts")) == 5
    received = str(tmp_path / "late")
    controller, handler = smtp_server.start(received, port=port)
    try:
        result = ws.run("run")
        assert result.returncode == 0, result.stdout + result.stderr
        assert ws.listdir("outbox") == []
        assert len(glob.glob(os.path.join(received, "*.eml"))) == 5
    finally:
        controller.stop()


def test_lifetime_expiry_moves_to_failed(workspace):
    ws = workspace
    ws.write_config(url="smtp://127.0.0.1:1", delivery="retry_initial_seconds = 0\nlifetime_seconds = 0")
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 1
    failed = envelope(ws, "failed", "R07-4621-000123.contractor.json")
    assert "given up" in failed["attempts"][-1]["reply"]


def test_status_show_resend_retry(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies["b@example.jp"] = "550 5.1.1 no such user"
    ws.drop("a.json", sample_record())
    ws.drop("b.json", sample_record("R07-0000-00000B", contractor__email="b@example.jp"))
    ws.drop("bad.json", b"{")
    assert ws.run("run").returncode == 1

    status = json.loads(ws.run("status", "--json").stdout)
    assert status["issued"] == 2 and status["sent"] == 1 and status["failed"] == 1 and status["rejected"] == 1
    assert status["last_run"]["exit_code"] == 1 and status["last_run"]["sent"] == 1
    text = ws.run("status").stdout
    assert "failed" in text and "last run:" in text

    key = open(os.path.join(ws.contract("R07-4621-000123"), "key")).read().strip()
    show = ws.run("show", "R07-4621-000123")
    assert show.returncode == 0
    assert "contractor [sent]" in show.stdout and "250 2.0.0" in show.stdout and "certificate.pdf" in show.stdout
    assert key not in show.stdout + show.stderr
    revealed = ws.run("show", "R07-4621-000123", "--reveal-key")
    assert key in revealed.stdout
    assert key not in revealed.stderr and "key revealed" in revealed.stderr
    assert "key revealed" in open(os.path.join(ws.contract("R07-4621-000123"), "history.log")).read()
    failed_show = ws.run("show", "R07-0000-00000B").stdout
    assert "[failed]" in failed_show and "550 5.1.1 no such user" in failed_show

    # Resend as issued: the same Message-ID and bytes arrive again.
    first = ws.messages()[0]
    result = ws.run("resend", "R07-4621-000123", "--to", "contractor")
    assert result.returncode == 0 and "queued" in result.stdout
    assert ws.run("run").returncode == 0
    assert len(ws.messages()) == 2
    assert ws.messages()[1][2] == first[2]
    history = open(os.path.join(ws.contract("R07-4621-000123"), "history.log")).read()
    assert "resend of the contractor mail" in history and "requested by" in history

    # Retry puts the failed message back; the server now accepts it.
    del ws.handler.faults.rcpt_replies["b@example.jp"]
    result = ws.run("retry", "--all")
    assert "back in the outbox" in result.stdout
    assert ws.listdir("failed") == []
    assert ws.run("run").returncode == 0
    assert [e["rcpt_tos"] for e, _, _ in ws.messages()].count(["b@example.jp"]) == 1
    assert "retry of the failed contractor mail" in open(os.path.join(ws.contract("R07-0000-00000B"), "history.log")).read()

    # Resend to a corrected address: new To, same Message-ID and attachments.
    result = ws.run("resend", "R07-0000-00000B", "--to", "contractor", "--address", "b.fixed@example.jp")
    assert result.returncode == 0, result.stderr
    assert ws.run("run").returncode == 0
    env, msg, raw = ws.messages()[-1]
    assert env["rcpt_tos"] == ["b.fixed@example.jp"]
    assert msg["to"].addresses[0].addr_spec == "b.fixed@example.jp"
    stored = open(os.path.join(ws.contract("R07-0000-00000B"), "messages", "contractor.plan"), "rb").read()
    assert msg["message-id"] in stored.decode()

    # The retried mail had been sent; a failed one that a corrected resend replaces leaves failed/
    # (test_operator_actions), so nothing is left to retry.
    assert ws.listdir("failed") == [] and ws.run("retry", "--all").stdout.strip() == "nothing to retry"
    assert ws.run("retry", "R07-9999-999999").returncode == 1


def test_doctor(workspace):
    ws = workspace
    ws.run("run")
    result = ws.run("doctor")
    assert result.returncode == 0, result.stdout
    for name in ("configuration", "spool", "templates", "font", "orderers", "smtp"):
        assert f"ok   {name}" in result.stdout
    assert "ok   font subsets  IPAex is cut down" in result.stdout
    off = ws.run("doctor", env={"MAILBATCH_FONT_SUBSETS": "off"})
    assert "font subsets  off, documents drawn from the full fonts (slower): MAILBATCH_FONT_SUBSETS=off" in off.stdout
    assert ws.messages() == [], "doctor must not send mail"
    ws.write_config(url="smtp://127.0.0.1:1")
    result = ws.run("doctor")
    assert result.returncode == 1
    assert "FAIL smtp" in result.stdout and "fix:" in result.stdout
    os.chmod(os.path.join(ws.spool, "outbox"), 0o777)
    assert "chmod 700" in ws.run("doctor").stdout


def test_quiet_run_prints_nothing_when_all_is_well_and_logs_no_key(workspace):
    ws = workspace
    for number in ("R07-0000-000001", "R07-0000-000002"):  # 日田市: no configuration warning to print
        ws.drop(number + ".json", sample_record(number, orderer={"name": "日田市"}, project__contract_on="2025-06-18"))
    result = ws.run("run", "--quiet")
    assert result.returncode == 0
    assert result.stdout == ""
    verbose = ws.run("run", "--verbose")
    ws.drop("x.json", sample_record("R07-0000-000777"))
    verbose = ws.run("run", "--verbose")
    assert "R07-0000-000777" in verbose.stderr
    keys = [open(p).read().strip() for p in glob.glob(os.path.join(ws.spool, "contracts", "*", "key"))]
    for key in keys:
        assert key not in result.stderr + verbose.stderr + verbose.stdout
        assert key.replace("-", "") not in verbose.stderr


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()}); needs root")


def test_disk_full_stops_cleanly_and_nothing_half_done(workspace):
    ws = workspace
    spool = ws.spool
    mount_tmpfs(spool, "1500k")
    try:
        os.makedirs(os.path.join(spool, "incoming"))
        for i in range(20):
            ws.drop(f"{i:02d}.json", sample_record(f"R07-0000-{i:06d}"))
        result = ws.run("run")
        assert result.returncode == 75, result.stdout + result.stderr
        assert "disk is full" in result.stderr
        # Every contract that exists is complete (its mail queued, or already sent while the others
        # were issued); the rest wait in incoming/ or processing/.
        for number in ws.listdir("contracts"):
            files = os.listdir(ws.contract(number))
            sent = os.listdir(os.path.join(ws.contract(number), "sent"))
            assert ("queued" in files or sent) and "key" in files and "certificate.json" in files, number
        waiting = len(ws.listdir("incoming")) + len([f for f in ws.listdir("processing")])
        assert len(ws.listdir("contracts")) + waiting == 20
        assert len(ws.listdir("contracts")) < 20
        subprocess.run(["mount", "-o", "remount,size=64m", spool], check=True)
        assert ws.run("run").returncode == 0
        assert len(ws.listdir("contracts")) == 20 and ws.listdir("processing") == [] and ws.listdir("tmp") == []
        assert len(ws.messages()) == 20
    finally:
        subprocess.run(["umount", "-l", spool])


def test_read_only_spool_stops_with_a_clear_error(workspace):
    ws = workspace
    spool = ws.spool
    mount_tmpfs(spool, "64m")
    try:
        os.makedirs(os.path.join(spool, "incoming"))
        assert ws.run("run").returncode == 0
        ws.drop("a.json", sample_record())
        subprocess.run(["mount", "-o", "remount,ro", spool], check=True)
        result = ws.run("run")
        assert result.returncode == 75, result.stdout + result.stderr
        assert "read-only" in result.stderr
        subprocess.run(["mount", "-o", "remount,rw", spool], check=True)
        assert ws.listdir("incoming") == ["a.json"]
        assert ws.run("run").returncode == 0
        assert len(ws.messages()) == 1
    finally:
        subprocess.run(["umount", "-l", spool])
