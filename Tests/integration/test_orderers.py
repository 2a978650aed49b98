"""Orderers: eligibility by each orderer's rule, and the key notice e-mailed to orderers such as 日置市."""
import os

from conftest import sample_record
from mailcheck import attachments, body_text, display_names


def write_overrides(ws, text):
    path = os.path.join(ws.path, "orderers.local.toml")
    with open(path, "w") as fh:
        fh.write(text)
    with open(ws.config, "a") as fh:
        fh.write('\n[orderers]\nfile = "orderers.local.toml"\n')


HIOKI = '''["日置市"]
email = ["keiyaku@city.hioki.example.jp", "kanri@city.hioki.example.jp"]
department = "契約担当課"
subject = "【電子保証】認証キー等のお知らせ（{{contract_number}}）"
'''


def test_hioki_gets_the_key_notice_by_mail_and_hita_is_explained(workspace):
    ws = workspace
    write_overrides(ws, HIOKI)
    ws.drop_samples()
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    messages = ws.messages()
    assert len(messages) == 4  # 日置市: contractor + orderer; 日田市: two contractors

    hioki = [(e, m, r) for e, m, r in messages if "R07-4621-000123" in m["subject"]]
    assert len(hioki) == 2
    (o_env, o_msg, o_raw), = [x for x in hioki if "keiyaku@city.hioki.example.jp" in x[0]["rcpt_tos"]]
    assert o_env["rcpt_tos"] == ["keiyaku@city.hioki.example.jp", "kanri@city.hioki.example.jp", "keiri@hioki-kensetsu.example.jp"]
    assert [a.addr_spec for a in o_msg["to"].addresses] == ["keiyaku@city.hioki.example.jp", "kanri@city.hioki.example.jp"]
    assert [a.addr_spec for a in o_msg["cc"].addresses] == ["keiri@hioki-kensetsu.example.jp"]
    assert display_names(o_raw, "To") == ["日置市長 契約担当課", "日置市長 契約担当課"]
    assert o_msg["subject"] == "【電子保証】認証キー等のお知らせ（R07-4621-000123）"
    files = attachments(o_msg)
    assert sorted(files) == sorted(["電子証書閲覧用「認証キー」等のお知らせ_R07-4621-000123.pdf", "保証証書_R07-4621-000123.pdf",
                                    "電子証書データ_R07-4621-000123.json"])
    body = body_text(o_msg)
    for fact in ("株式会社日置建設", "市道伊集院北線道路改良工事", "前払金保証", "金19,360,000円", "D-Sure"):
        assert fact in body
    (c_env, c_msg, _), = [x for x in hioki if x[0]["rcpt_tos"] == ["keiri@hioki-kensetsu.example.jp"]]
    assert "keiyaku@city.hioki.example.jp" in body_text(c_msg)
    assert "電子メールでお送りしました" in body_text(c_msg)

    (h_env, h_msg, _), = [x for x in messages if "R07-4410-000045" in x[1]["subject"]]
    assert h_env["rcpt_tos"] == ["somu@takasaki-doboku.example.jp"]
    hita_body = body_text(h_msg)
    assert "契約検査室" in hita_body and "FAX" in hita_body and "ご持参ください" in hita_body

    # Both messages of 日置市 are recorded against the contract.
    sent = os.listdir(os.path.join(ws.contract("R07-4621-000123"), "sent"))
    assert sorted(f.split(".")[0] for f in sent) == ["contractor", "orderer"]
    history = open(os.path.join(ws.contract("R07-4621-000123"), "history.log")).read()
    assert "orderer mail sent to keiyaku@city.hioki.example.jp" in history


def test_not_yet_eligible_goes_to_paper_with_reason(workspace):
    ws = workspace
    ws.drop_samples()
    ws.run("run")
    reason = open(os.path.join(ws.spool, "paper", "R07-4410-000061.json.reason.txt")).read()
    assert "日田市は建設コンサルタント等業務委託について令和7年4月1日以降の当初契約から電子保証の対象です（当初契約日: 令和7年3月31日）" in reason
    assert not os.path.exists(ws.contract("R07-4410-000061"))


def test_unknown_orderer_and_missing_date_go_to_paper(workspace):
    ws = workspace
    ws.drop("a.json", sample_record("R07-0000-000001", orderer={"name": "架空市", "title": "架空市長"}))
    record = sample_record("R07-0000-000002")
    del record["project"]["public_notice_on"]
    ws.drop("b.json", record)
    assert ws.run("run").returncode == 0
    assert "架空市" in open(os.path.join(ws.spool, "paper", "a.json.reason.txt")).read()
    assert "入札公告日（project.public_notice_on）がありません" in open(os.path.join(ws.spool, "paper", "b.json.reason.txt")).read()
    assert ws.listdir("contracts") == []
    assert ws.messages() == []


def test_email_orderer_without_address_warns_and_tells_contractor(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    result = ws.run("run")
    assert result.returncode == 0
    assert "warning: 日置市 takes key notices by e-mail but no address is configured" in result.stdout
    (env, msg, _), = ws.messages()
    assert env["rcpt_tos"] == ["keiri@hioki-kensetsu.example.jp"]
    assert "送付先のアドレスは、日置市にお問い合わせください" in body_text(msg)


def test_new_orderer_and_override_errors(workspace):
    ws = workspace
    write_overrides(ws, '''["九州地方整備局"]
new = true
prefecture = "福岡県"
title = "九州地方整備局長"
adopted = "2022-05"
submission = "web_form"
instructions = "電子入札システムの提出画面から提出してください。"
''')
    ws.drop("a.json", sample_record(orderer={"name": "九州地方整備局"}))
    assert ws.run("run").returncode == 0
    (env, msg, _), = ws.messages()
    assert "電子入札システムの提出画面" in body_text(msg)
    assert "九州地方整備局長" in open(os.path.join(ws.contract("R07-4621-000123"), "certificate.json")).read()

    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置氏"]\nemail = ["a@example.jp"]\n')
    result = ws.run("run")
    assert result.returncode == 2
    assert "日置氏" in result.stderr and "not an orderer in the directory" in result.stderr
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\nmail = ["a@example.jp"]\n')
    ws.drop("b.json", sample_record("R07-0000-000009"))
    result = ws.run("run")
    assert result.returncode == 2
    assert 'line 2, column 1: ["日置市"] key mail is not a known setting' in result.stderr
    assert ws.listdir("incoming") == ["b.json"], "a configuration error must not consume input"


def test_orderers_command(workspace):
    ws = workspace
    result = ws.run("orderers")
    assert result.returncode == 0
    assert "115 orderers; the shipped directory is current to 令和8年4月1日 (2026-04-01)" in result.stdout
    result = ws.run("orderers", "check", "日田市", "--category", "consulting", "--contract-on", "2025-03-31")
    assert result.returncode == 1
    assert "令和7年4月1日以降の当初契約から電子保証の対象です" in result.stdout
    result = ws.run("orderers", "check", "日田市", "--category", "consulting", "--contract-on", "2025-04-01")
    assert result.returncode == 0 and "electronic" in result.stdout
    result = ws.run("orderers", "show", "日田市")
    assert "契約検査室" in result.stdout and "in_person or fax" in result.stdout
