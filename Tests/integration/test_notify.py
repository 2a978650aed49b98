"""The operator summary: one mail after a run in which something needs a person, each item once, never a key."""
import os
import time

from conftest import TEST_NOW, sample_record


def notify_config(ws, stale=""):
    ws.write_config(extra=f'[notify]\nto = ["ops@example.jp"]\n{stale}', delivery="retry_initial_seconds = 60")


def summaries(ws):
    return [msg for env, msg, _ in ws.messages() if env["rcpt_tos"] == ["ops@example.jp"]]


def test_rejected_and_failed_are_reported_once_without_keys(workspace):
    ws = workspace
    notify_config(ws)
    ws.handler.faults.rcpt_replies["nobody@example.jp"] = "550 5.1.1 <nobody@example.jp>: no such user"
    ws.drop("bad.json", b'{"schema": "mailbatch.contract/v1"}')
    ws.drop("ok.json", sample_record("R07-4621-000401", contractor__email="nobody@example.jp"))
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "operator summary sent (2 item(s))" in result.stdout
    [summary] = summaries(ws)
    assert summary["Subject"].startswith("[mailbatch] 要対応 2件")
    body = summary.get_body().get_content()
    assert "rejected/bad.json" in body and "cat " in body
    assert "R07-4621-000401" in body and "550 5.1.1" in body and "mailbatch show R07-4621-000401" in body
    key = open(os.path.join(ws.contract("R07-4621-000401"), "key")).read().strip()
    assert key not in body and key.replace("-", "") not in body
    # A quiet run after it sends nothing; a new problem is reported alone.
    assert ws.run("run").returncode == 0
    assert len(summaries(ws)) == 1
    ws.drop("bad2.json", b"not json")
    assert ws.run("run").returncode == 1
    assert len(summaries(ws)) == 2
    body2 = summaries(ws)[1].get_body().get_content()
    assert "bad2.json" in body2 and "R07-4621-000401" not in body2


def test_a_summary_that_cannot_be_sent_is_retried(workspace):
    ws = workspace
    notify_config(ws)
    ws.handler.faults.rcpt_replies["ops@example.jp"] = "451 4.3.0 try again later"
    ws.drop("bad.json", b"not json")
    result = ws.run("run")
    assert result.returncode == 1
    assert "operator summary could not be sent" in result.stdout
    assert summaries(ws) == []
    del ws.handler.faults.rcpt_replies["ops@example.jp"]
    again = ws.run("run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(summaries(ws)) == 1


def test_a_message_deferred_too_long_is_reported(workspace):
    ws = workspace
    notify_config(ws, "stale_after_seconds = 3600\n")
    ws.handler.faults.rcpt_replies["slow@example.jp"] = "451 4.7.1 greylisted"
    ws.drop("ok.json", sample_record("R07-4621-000411", contractor__email="slow@example.jp"))
    assert ws.run("run").returncode == 75
    assert summaries(ws) == []
    # Two hours later on mailbatch's clock.
    later = {"MAILBATCH_NOW": "%s@%d" % (TEST_NOW, int(time.time()) - 7200)}
    result = ws.run("run", env=later)
    assert result.returncode == 75, result.stdout + result.stderr
    [summary] = summaries(ws)
    body = summary.get_body().get_content()
    assert "送信遅延" in body and "R07-4621-000411" in body and "451 4.7.1" in body
