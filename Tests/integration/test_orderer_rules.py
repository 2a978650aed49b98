"""Every orderer its own way: per-type addresses and subjects, the orderer's project number in subjects,
documents and mails, required fields, a mail that still works with its attachments stripped, a mail
with no attachment at all, and the size a gateway takes."""
import email
import json
import email.policy
import os
import subprocess
import time

from conftest import sample_record
from mailcheck import attachments, body_text

# いちき串木野市 takes contracts from 令和8年4月1日: the clock stands in May 2026.
NOW = "2026-05-11T10:00:00+09:00@%d" % int(time.time())
ENV = {"MAILBATCH_NOW": NOW}
ICHIKI = '''["いちき串木野市"]
email = ["keiyaku@city.ichikikushikino.example.jp"]
department = "財政課契約管財係"
subject = "【契約関係書類】{{orderer_ref}} {{project_name}}"
required_fields = ["project.orderer_ref"]
["いちき串木野市".advance_payment]
email = ["doboku@city.ichikikushikino.example.jp"]
department = "工事担当課"
subject = "【請求関係書類】{{orderer_ref}} {{project_name}}"
with_advance_claim = true
'''


def write_overrides(ws, text, extra=""):
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(text)
    ws.write_config(extra='[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n' + extra)


def ichiki_record(number, kind="advance_payment", ref="第12号", **changes):
    fields = dict(
        guarantee_type=kind, concluded_on="2026-04-20", orderer__name="いちき串木野市", orderer__title="いちき串木野市長",
        project__name="市道塩田線道路改良工事", project__location="いちき串木野市塩田町地内", project__contract_on="2026-04-15",
        project__public_notice_on="2026-03-20", project__period={"from": "2026-04-16", "to": "2027-02-26"},
        guarantee__period={"from": "2026-04-20", "to": "2027-03-12"}, contractor__contact_person="工務部 佐藤 花子",
        contractor__phone="0996-32-0000")
    fields.update(changes)
    record = sample_record(number, **fields)
    if ref is not None:
        record["project"]["orderer_ref"] = ref
    return record


def run(ws, code=0):
    result = ws.run("run", env=ENV)
    assert result.returncode == code, result.stdout + result.stderr
    return result


def orderer_mails(ws, address):
    return [(env, msg, raw) for env, msg, raw in ws.messages() if address in env["rcpt_tos"] and msg["Cc"]]


def test_each_guarantee_type_goes_to_its_department_with_its_subject(workspace):
    ws = workspace
    write_overrides(ws, ICHIKI)
    ws.drop("a.json", ichiki_record("R08-5001-000001", "advance_payment"))
    ws.drop("b.json", ichiki_record("R08-5001-000002", "contract", ref="四建単第3号", guarantee__amount=4840000))
    run(ws)
    [(env, advance, _)] = orderer_mails(ws, "doboku@city.ichikikushikino.example.jp")
    assert env["rcpt_tos"] == ["doboku@city.ichikikushikino.example.jp", "keiri@hioki-kensetsu.example.jp"]
    assert advance["subject"] == "【請求関係書類】第12号 市道塩田線道路改良工事"
    assert "工事担当課" in body_text(advance)
    [(env, contract, _)] = orderer_mails(ws, "keiyaku@city.ichikikushikino.example.jp")
    assert contract["subject"] == "【契約関係書類】四建単第3号 市道塩田線道路改良工事"
    assert "財政課契約管財係" in body_text(contract)
    # The directory says so too.
    check = ws.run("orderers", "check", "いちき串木野市", "--contract-on", "2026-04-15", "--type", "interim_advance_payment")
    assert "doboku@city.ichikikushikino.example.jp" in check.stdout and "【請求関係書類】" in check.stdout
    show = ws.run("orderers", "show", "いちき串木野市").stdout
    assert "for 前払金保証 (advance_payment)" in show and "for 中間前払金保証 (interim_advance_payment, from advance_payment)" in show


def test_the_orderers_number_is_in_documents_and_mails(workspace, tmp_path):
    ws = workspace
    write_overrides(ws, ICHIKI)
    ws.drop("a.json", ichiki_record("R08-5001-000003"))
    run(ws)
    [(env, msg, raw)] = orderer_mails(ws, "doboku@city.ichikikushikino.example.jp")
    body = body_text(msg)
    assert "工事番号　　　第12号" in body
    assert "ご担当者　　　工務部 佐藤 花子" in body and "0996-32-0000" in body
    for name, data in attachments(msg).items():
        if not name.endswith(".pdf"):
            continue
        path = str(tmp_path / "doc.pdf")
        open(path, "wb").write(data)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
        assert "工事番号" in text and "第12号" in text, name
    certificate = open(os.path.join(ws.contract("R08-5001-000003"), "certificate.json"), encoding="utf-8").read()
    assert '"orderer_ref": "第12号"' in certificate


def test_a_required_field_missing_is_rejected_before_any_key_is_made(workspace):
    ws = workspace
    write_overrides(ws, ICHIKI)
    ws.drop("a.json", ichiki_record("R08-5001-000004", ref=None))
    run(ws, code=1)
    assert ws.listdir("contracts") == [] and ws.messages() == []
    [note] = [n for n in ws.listdir("rejected") if n.endswith(".error.txt")]
    text = open(os.path.join(ws.spool, "rejected", note), encoding="utf-8").read()
    assert "$.project.orderer_ref" in text and "いちき串木野市 requires project.orderer_ref" in text


def test_the_orderers_mail_works_with_its_attachments_stripped(workspace):
    ws = workspace
    write_overrides(ws, ICHIKI)
    ws.drop("a.json", ichiki_record("R08-5001-000005"))
    run(ws)
    key = open(os.path.join(ws.contract("R08-5001-000005"), "key")).read().strip()
    [(env, msg, raw)] = orderer_mails(ws, "doboku@city.ichikikushikino.example.jp")
    assert len(list(msg.iter_attachments())) == 3
    # As a gateway would: every attachment removed, the text kept.
    stripped = email.message_from_bytes(raw, policy=email.policy.default)
    for part in list(stripped.walk()):
        if part.get_content_disposition() == "attachment":
            part.set_content("")
            del part["Content-Disposition"]
    text = body_text(stripped)
    for expected in ("R08-5001-000005", key, "https://viewer.example.jp/", "前払金保証", "市道塩田線道路改良工事", "第12号",
                     "株式会社日置建設", "工務部 佐藤 花子", "鹿児島支店", "099-257-2722"):
        assert expected in text, expected
    # The contractor hears that the orderer's mail carries the key in its text; its own mail has no key in the body.
    [contractor] = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == ["keiri@hioki-kensetsu.example.jp"]]
    assert "本文にも記載" in body_text(contractor) and key not in body_text(contractor)


def test_an_orderer_that_takes_no_attachment_gets_none(workspace):
    ws = workspace
    write_overrides(ws, ICHIKI.replace('with_advance_claim = true\n', 'with_advance_claim = true\nattachments = "none"\n'))
    ws.drop("a.json", ichiki_record("R08-5001-000006"))
    run(ws)
    [(env, msg, raw)] = orderer_mails(ws, "doboku@city.ichikikushikino.example.jp")
    assert list(msg.iter_attachments()) == [] and b"Content-Disposition: attachment" not in raw
    assert "このメールにはファイルを添付していません" in body_text(msg)
    key = open(os.path.join(ws.contract("R08-5001-000006"), "key")).read().strip()
    assert key in body_text(msg)


def test_subjects_never_have_doubled_spaces_and_are_never_empty(workspace):
    ws = workspace
    write_overrides(ws, '["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\nsubject = "{{orderer_ref}}"\n'
                        '["日置市".contract]\nsubject = "【電子保証】 {{orderer_ref}}  {{project_name}} "\n')
    ws.drop("a.json", sample_record("R07-4621-000301"))
    ws.drop("b.json", sample_record("R07-4621-000302", guarantee_type="contract", guarantee__amount=4840000))
    assert ws.run("run").returncode == 0
    subjects = sorted(m["subject"] for e, m, _ in ws.messages() if e["rcpt_tos"][0] == "keiyaku@city.hioki.example.jp")
    assert subjects == ["【電子保証】 市道伊集院北線道路改良工事", "【電子保証】認証キー等のお知らせ（保証契約番号 R07-4621-000301）"]


def test_a_mail_over_the_gateways_size_is_not_sent(workspace):
    ws = workspace
    templates = os.path.join(ws.path, "templates")
    os.makedirs(templates)
    shipped = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "Templates", "mustache", "orderer-body.mustache")
    body = open(shipped, encoding="utf-8").read() + ("参考資料 " * 400 + "\n") * 700
    open(os.path.join(templates, "orderer-body.mustache"), "w", encoding="utf-8").write(body)
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\n')
    ws.write_config(extra='[orderers]\nfile = "orderers.local.toml"\n')
    config = open(ws.config, encoding="utf-8").read()
    open(ws.config, "w", encoding="utf-8").write('templates = "templates"\n' + config)
    ws.drop("a.json", sample_record())
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert [e["rcpt_tos"] for e, _, _ in ws.messages()] == [["keiri@hioki-kensetsu.example.jp"]]
    [failed] = ws.listdir("failed")
    show = ws.run("show", "R07-4621-000123").stdout
    assert "over the 2 MB limit for the orderer's mail" in show


def test_the_first_view_is_recorded_the_contractor_told_once_and_an_unviewed_one_reported(workspace):
    from test_bounce_families import later
    from viewer_client import Client, Server

    ws = workspace
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\n')
    ws.write_config(extra='[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n'
                          '[notify]\nto = ["ops@example.jp"]\ncontractor_on_view = true\nunviewed_after_days = 1\n')
    ws.drop("a.json", sample_record("R07-4621-000401"))
    ws.drop("b.json", sample_record("R07-4621-000402"))
    assert ws.run("run").returncode == 0
    assert "認証キーでの閲覧（当初）: まだありません" in ws.run("show", "R07-4621-000401").stdout
    key = open(os.path.join(ws.contract("R07-4621-000401"), "key")).read().strip()
    server = Server(ws)
    try:
        assert Client(server.url).lookup("R07-4621-000401", key)[0] == 303
        assert Client(server.url).lookup("R07-4621-000401", key)[0] == 303  # a second view changes nothing
    finally:
        server.stop()
    assert key not in server.stderr_text
    viewed = open(os.path.join(ws.spool, "verify", "viewed", "R07-4621-000401.json")).read()
    assert key not in viewed and key.replace("-", "") not in viewed
    show = ws.run("show", "R07-4621-000401").stdout
    assert "認証キーでの閲覧（当初）: 令和7年10月20日" in show and "127.0.0.1" in show and "開いたのが発注者かは確かめられません" in show
    state = json.loads(ws.run("status", "--json").stdout)
    assert state["viewed"] == 1 and state["unviewed"] == 1
    # The next run tells the contractor, once.
    assert ws.run("run").returncode == 0
    told = [m for e, m, _ in ws.messages() if m["subject"].startswith("電子証書（当初）が認証キーで開かれました")]
    assert len(told) == 1 and told[0]["To"].addresses[0].addr_spec == "keiri@hioki-kensetsu.example.jp"
    assert "R07-4621-000401" in told[0]["subject"] and key not in body_text(told[0])
    assert ws.run("run").returncode == 0
    assert len([m for e, m, _ in ws.messages() if m["subject"].startswith("電子証書（当初）が認証キーで開かれました")]) == 1
    # Two days on, the other one is still unviewed: listed by status, reported to the operator once.
    env = {"MAILBATCH_NOW": later(2 * 86400)}
    status_text = ws.run("status", env=env).stdout
    assert "not viewed: R07-4621-000402, mailed to keiyaku@city.hioki.example.jp" in status_text
    assert "R07-4621-000401" not in status_text.split("not viewed:", 1)[1]
    assert ws.run("run", env=env).returncode == 0
    summaries = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == ["ops@example.jp"]]
    assert len(summaries) == 1 and "発注者が未閲覧" in body_text(summaries[0]) and "R07-4621-000402" in body_text(summaries[0])
    assert ws.run("run", env=env).returncode == 0
    assert len([m for e, m, _ in ws.messages() if e["rcpt_tos"] == ["ops@example.jp"]]) == 1
