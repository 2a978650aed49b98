"""What an operator of a production install relies on: the metrics file, JSON logs, the spool's
format version and `upgrade`, unreadable envelopes set aside, and `backup`."""
import json
import os
import subprocess
import tarfile

from prometheus_client.parser import text_string_to_metric_families

from conftest import BIN, sample_record


def metrics(path):
    families = {f.name: f for f in text_string_to_metric_families(open(path).read())}
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}


def test_metrics_file_after_every_run(workspace, tmp_path):
    ws = workspace
    prom = str(tmp_path / "textfile" / "mailbatch.prom")
    os.makedirs(os.path.dirname(prom))
    ws.write_config(extra=f'[metrics]\ntextfile = "{prom}"\n')
    ws.drop("a.json", sample_record("R07-4621-000501"))
    ws.drop("bad.json", b"not json")
    assert ws.run("run").returncode == 1
    m = metrics(prom)
    assert m[("mailbatch_last_run_success", ())] == 0
    assert m[("mailbatch_records_total", (("outcome", "issued"),))] == 1
    assert m[("mailbatch_records_total", (("outcome", "rejected"),))] == 1
    assert m[("mailbatch_messages", (("state", "sent"),))] == 1
    assert m[("mailbatch_messages", (("state", "bounced"),))] == 0
    assert m[("mailbatch_oldest_waiting_message_age_seconds", ())] == 0
    assert m[("mailbatch_last_run_duration_seconds", ())] >= 0
    first = m[("mailbatch_last_run_timestamp_seconds", ())]
    assert os.stat(prom).st_mode & 0o777 == 0o644
    assert [n for n in os.listdir(os.path.dirname(prom)) if n != "mailbatch.prom"] == []  # no temp file left
    # An idle run writes it too, and it holds no key.
    assert ws.run("run").returncode == 0
    m = metrics(prom)
    assert m[("mailbatch_last_run_success", ())] == 1
    assert m[("mailbatch_records_total", (("outcome", "issued"),))] == 0
    assert m[("mailbatch_last_run_timestamp_seconds", ())] >= first
    key = open(os.path.join(ws.contract("R07-4621-000501"), "key")).read().strip()
    assert key not in open(prom).read()


def test_json_log_lines(workspace):
    ws = workspace
    ws.drop("a.json", sample_record("R07-4621-000511"))
    result = ws.run("run", "--log-format", "json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(l) for l in result.stderr.splitlines() if l.strip()]
    sent = [l for l in lines if l["message"] == "sent"]
    assert sent and sent[0]["contract"] == "R07-4621-000511" and sent[0]["level"] == "info" and "time" in sent[0]
    key = open(os.path.join(ws.contract("R07-4621-000511"), "key")).read().strip()
    assert key not in result.stderr
    # Under systemd, journald stamps the time; the text lines leave theirs out.
    text = ws.run("run", "--verbose", env={"JOURNAL_STREAM": "8:1234"})
    assert text.returncode == 0


def test_a_spool_newer_than_the_binary_is_refused(workspace):
    ws = workspace
    ws.drop("a.json", sample_record("R07-4621-000521"))
    assert ws.run("run").returncode == 0
    assert open(os.path.join(ws.spool, "VERSION")).read().strip() == "3"
    open(os.path.join(ws.spool, "VERSION"), "w").write("7\n")
    result = ws.run("run")
    assert result.returncode == 2
    assert "format 7" in result.stderr and "format 3" in result.stderr


def test_an_old_spool_is_upgraded_and_delivered(workspace, tmp_path):
    """A spool made by release b77b3d7 (before format versions): issued, its mail deferred."""
    ws = workspace
    fixture = os.path.join(os.path.dirname(__file__), "fixtures", "spool-format0.tar.gz")
    with tarfile.open(fixture) as tar:
        tar.extractall(ws.spool, filter="data")
    outbox = sorted(os.listdir(os.path.join(ws.spool, "outbox")))
    assert len(outbox) == 1
    result = ws.run("run")
    assert result.returncode == 2 and "mailbatch upgrade" in result.stderr
    assert sorted(os.listdir(os.path.join(ws.spool, "outbox"))) == outbox  # nothing touched
    up = ws.run("upgrade")
    assert up.returncode == 0, up.stderr
    assert "from format 0" in up.stdout
    again = ws.run("upgrade")
    assert again.returncode == 0 and "nothing to do" in again.stdout
    retry = ws.run("retry", "--all")
    assert retry.returncode == 0, retry.stderr
    run = ws.run("run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert os.listdir(os.path.join(ws.spool, "outbox")) == []
    got = {env["rcpt_tos"][0] for env, _, _ in ws.messages()}
    assert len(ws.messages()) == len(outbox) and len(got) >= 1


def test_the_previous_release_spool_is_upgraded_then_changed(workspace):
    """A spool made by release e43a69a (format 1: one contract mailed, one with its mail deferred):
    refused until `upgrade`, then delivered, then a change of the old contract becomes version 2."""
    ws = workspace
    fixture = os.path.join(os.path.dirname(__file__), "fixtures", "spool-format1.tar.gz")
    with tarfile.open(fixture) as tar:
        tar.extractall(ws.spool, filter="data")
    assert open(os.path.join(ws.spool, "VERSION")).read().strip() == "1"
    refused = ws.run("run")
    assert refused.returncode == 2 and "format 1" in refused.stderr and "mailbatch upgrade" in refused.stderr
    # A key reissue the previous release left half-done becomes a pending commit.
    os.makedirs(os.path.join(ws.spool, "journal"), exist_ok=True)
    open(os.path.join(ws.spool, "journal", "reissue-R07-4621-000612"), "w").write("reissue R07-4621-000612\n")
    up = ws.run("upgrade")
    assert up.returncode == 0 and "from format 1 to 3" in up.stdout and "1 journal entr" in up.stdout, up.stdout + up.stderr
    assert os.listdir(os.path.join(ws.spool, "journal")) == ["commit-R07-4621-000612"]
    assert ws.run("retry", "--all").returncode == 0
    run = ws.run("run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert os.listdir(os.path.join(ws.spool, "outbox")) == [] and os.listdir(os.path.join(ws.spool, "journal")) == []
    assert [env["rcpt_tos"] for env, _, _ in ws.messages()] == [["somu@example.jp"]]
    change = sample_record("R07-4621-000611", guarantee__amount=20000000)
    change["amendment"] = {"number": 1, "concluded_on": "2025-10-01", "premium": 0}
    ws.drop("change.json", change)
    run = ws.run("run")
    assert run.returncode == 0, run.stdout + run.stderr
    folder = ws.contract("R07-4621-000611")
    assert json.load(open(os.path.join(folder, "certificate.json")))["version"] == 2
    assert sorted(os.listdir(os.path.join(folder, "versions", "1"))) == ["certificate.json", "documents", "key", "record.json", "source.json"]
    assert sorted(os.listdir(os.path.join(folder, "sent"))) [0].startswith("contractor.")
    assert any("変更第1号" in msg["Subject"] for _, msg, _ in ws.messages())


def test_an_unreadable_envelope_is_held_not_dead_lettered(workspace):
    ws = workspace
    ws.write_config(delivery="retry_initial_seconds = 0")
    ws.handler.faults.rcpt_once["keiri@hioki-kensetsu.example.jp"] = "451 4.3.0 later"
    ws.drop("a.json", sample_record("R07-4621-000531"))
    assert ws.run("run").returncode == 75
    [entry] = os.listdir(os.path.join(ws.spool, "outbox"))
    open(os.path.join(ws.spool, "outbox", entry), "w").write('{"message_id": ')
    result = ws.run("run")
    assert result.returncode == 1
    assert "envelope unreadable" in result.stdout
    assert os.listdir(os.path.join(ws.spool, "failed")) == []
    held = sorted(os.listdir(os.path.join(ws.spool, "held")))
    assert held == [entry, entry + ".error.txt"]
    note = open(os.path.join(ws.spool, "held", entry + ".error.txt")).read()
    assert "could not be read" in note and "mailbatch resend" in note
    assert json.loads(ws.run("status", "--json").stdout)["held"] == 1


def test_backup_is_consistent_and_owner_only(workspace, tmp_path):
    ws = workspace
    ws.drop("a.json", sample_record("R07-4621-000541"))
    assert ws.run("run").returncode == 0
    out = str(tmp_path / "backup.tar.gz")
    result = ws.run("backup", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "holds the 認証キー" in result.stderr
    assert os.stat(out).st_mode & 0o777 == 0o600
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert "./contracts/R07-4621-000541/key" in names and "./VERSION" in names and "./lock" not in names
    assert ws.run("backup", "--out", out).returncode == 2  # never overwritten


def test_operator_commands_refuse_an_old_spool_but_backup_works(workspace, tmp_path):
    ws = workspace
    fixture = os.path.join(os.path.dirname(__file__), "fixtures", "spool-format0.tar.gz")
    with tarfile.open(fixture) as tar:
        tar.extractall(ws.spool, filter="data")
    retry = ws.run("retry", "--all")
    assert retry.returncode == 2 and "mailbatch upgrade" in retry.stderr
    backup = ws.run("backup", "--out", str(tmp_path / "before-upgrade.tar.gz"))
    assert backup.returncode == 0, backup.stderr
