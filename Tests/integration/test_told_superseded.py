"""A version superseded while its mail was still queued (the mail server was down when it was
issued): its mails are withdrawn, never sent with a key that is no longer current; the newer
version's contractor mail carries the earlier premium's 計算書 and 領収書; `show` and `status` say so."""
import os
import time

from conftest import sample_record
from mailcheck import attachments, body_text
from test_told import CANCEL, CONTRACTOR, FIRST, HIOKI, NUMBER, amendment

EXTRA = '[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n'


def configure(ws, server_up):
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(f'["日置市"]\nemail = ["{HIOKI}"]\n')
    # Port 9 (discard) has nothing listening on loopback: every connection is refused.
    ws.write_config(url=None if server_up else "smtp://127.0.0.1:9", extra=EXTRA)


def issue_while_the_server_is_down(ws):
    configure(ws, server_up=False)
    ws.drop("original.json", sample_record(NUMBER))
    ws.run("run")
    assert ws.messages() == []
    assert sorted(ws.listdir("outbox")) == [f"{NUMBER}.contractor.json", f"{NUMBER}.orderer.json"]
    return open(os.path.join(ws.contract(NUMBER), "key")).read().strip()


def test_a_change_before_the_server_is_back_withdraws_the_original_and_carries_its_receipt(workspace):
    ws = workspace
    first_key = issue_while_the_server_is_down(ws)
    configure(ws, server_up=True)
    ws.drop("amend1.json", amendment(**FIRST))
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    mails = ws.messages()
    assert all("変更第1号" in m["Subject"] for _, m, _ in mails), [m["Subject"] for _, m, _ in mails]
    assert len(mails) == 2
    for _, m, raw in mails:
        assert first_key.encode() not in raw and first_key not in body_text(m)
    [contractor] = [m for e, m, _ in mails if e["rcpt_tos"] == [CONTRACTOR]]
    names = sorted(attachments(contractor))
    for name in (f"保証料領収書_{NUMBER}.pdf", f"保証料計算書_{NUMBER}.pdf", f"保証料領収書_{NUMBER}_変更第1号.pdf"):
        assert name in names, names
    assert "取り下げました" in body_text(contractor)
    assert ws.listdir("outbox") == [] and ws.listdir("failed") == []
    show = ws.run("show", NUMBER).stdout
    assert "contractor [withdrawn]" in show and "orderer [withdrawn]" in show and "superseded before it was sent" in show
    assert "withdrawn" in ws.run("status").stdout
    # A later run, when the original's retry would have been due, does not bring them back.
    later = {"MAILBATCH_NOW": "2025-10-20T14:00:00+09:00@%d" % time.time()}
    assert ws.run("run", env=later).returncode == 0 and len(ws.messages()) == 2


def test_a_cancellation_before_the_server_is_back_withdraws_the_original_and_keeps_its_receipt(workspace):
    ws = workspace
    issue_while_the_server_is_down(ws)
    configure(ws, server_up=True)
    ws.drop("cancel.json", CANCEL)
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    mails = ws.messages()
    assert len(mails) == 2 and all("解約" in m["Subject"] for _, m, _ in mails)
    [contractor] = [m for e, m, _ in mails if e["rcpt_tos"] == [CONTRACTOR]]
    assert f"保証料領収書_{NUMBER}.pdf" in attachments(contractor)
    assert "contractor [withdrawn]" in ws.run("show", NUMBER).stdout
