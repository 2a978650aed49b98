"""What the contractor and the clerk read in the mails: one instruction per orderer, said once and
never contradicted, the facts lined up, and the office to call in every mail."""
import os
import re
import unicodedata

from conftest import sample_record
from mailcheck import attachments, body_text

HIOKI_MAIL = '["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\ndepartment = "契約担当課"\n'


def write_overrides(ws, text):
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(text)
    if "[orderers]" not in open(ws.config, encoding="utf-8").read():
        with open(ws.config, "a") as fh:
            fh.write('\n[orderers]\nfile = "orderers.local.toml"\n')


def hita_record(number="R07-4410-000045", **changes):
    fields = dict(orderer__name="日田市", orderer__title="日田市長", project__contract_on="2025-07-01")
    fields.update(changes)
    return sample_record(number, **fields)


def only(ws, predicate):
    found = [m for m in ws.messages() if predicate(m)]
    assert len(found) == 1, [m[0]["rcpt_tos"] for m in ws.messages()]
    return found[0]


def contractor_mail(ws, number):
    return only(ws, lambda m: number in m[1]["subject"] and m[1]["subject"].startswith("電子証書・認証キー登録のお知らせ"))


def next_steps(body):
    """The lines under 「■ 次にしていただくこと」, up to the next heading."""
    lines = body.replace("\r\n", "\n").split("\n")
    start = lines.index("■ 次にしていただくこと") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("■"))
    return "\n".join(line for line in lines[start:end] if line.strip())


def steps_after_run(ws, record):
    """Issues one record and returns what its contractor mail says to do next."""
    ws.drop("a.json", record)
    assert ws.run("run").returncode == 0
    env, msg, _ = contractor_mail(ws, record["contract_number"])
    return next_steps(body_text(msg))


def test_email_orderer_with_address_is_told_once_with_the_address_and_the_cc_is_true(workspace):
    ws = workspace
    write_overrides(ws, HIOKI_MAIL)
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    env, msg, _ = contractor_mail(ws, "R07-4621-000123")
    steps = next_steps(body_text(msg))
    assert "当社から日置市 契約担当課（keiyaku@city.hioki.example.jp）へ" in steps
    assert steps.count("お送りしました") == 1
    assert "写し（Cc）" in steps and "改めて提出していただく必要はありません" in steps
    # What is still the contractor's to do: 日置市 takes the key with the 前払金請求書.
    assert "前払金請求書は、貴社から日置市 契約担当課へ電子メールでご提出ください" in steps
    # Nothing that contradicts it: no request to send it themselves or to ask for the address.
    for contradiction in ("お送りください", "お問い合わせください", "ご持参", "FAX"):
        assert contradiction not in steps, contradiction
    # The contractor mail itself has no Cc; the Cc it speaks of is on the orderer's mail.
    assert msg["cc"] is None
    o_env, o_msg, _ = only(ws, lambda m: "keiyaku@city.hioki.example.jp" in m[0]["rcpt_tos"])
    assert [a.addr_spec for a in o_msg["cc"].addresses] == ["keiri@hioki-kensetsu.example.jp"]
    assert "keiri@hioki-kensetsu.example.jp" in o_env["rcpt_tos"]


def test_email_orderer_without_address_asks_the_contractor_to_send_it(workspace):
    steps = steps_after_run(workspace, sample_record())
    assert steps.count("電子メールでお送りください") == 1
    assert "送付先のアドレスは、日置市にお問い合わせください" in steps
    assert "前払金請求書とあわせて" in steps
    assert "お送りしました" not in steps and "Cc" not in steps


def test_in_person_orderer_is_told_once_where_to_bring_it(workspace):
    steps = steps_after_run(workspace, hita_record())
    assert steps.count("ご持参ください") == 1 and steps.count("FAX") == 1
    assert "日田市 契約検査室へご持参ください（FAXでの提出もできます）" in steps
    assert "と保証証書を印刷し" in steps  # 日田市 files the print-out too
    assert "電子メール" not in steps and "前払金請求書" not in steps


def test_orderer_that_refuses_a_print_out_gets_only_the_key_notice(workspace):
    ws = workspace
    write_overrides(ws, HIOKI_MAIL + 'certificate_printout = "not_accepted"\n\n["日田市"]\ncertificate_printout = "not_accepted"\n')
    ws.drop("a.json", sample_record())
    ws.drop("b.json", hita_record())
    assert ws.run("run").returncode == 0
    hita = next_steps(body_text(contractor_mail(ws, "R07-4410-000045")[1]))
    assert "保証証書を印刷" not in hita and "『電子証書閲覧用「認証キー」等のお知らせ』を印刷し" in hita
    assert "電子証書を印刷した保証証書を提出書類として受け付けていません" in hita
    o_env, o_msg, _ = only(ws, lambda m: "keiyaku@city.hioki.example.jp" in m[0]["rcpt_tos"])
    assert sorted(attachments(o_msg)) == sorted(["電子証書閲覧用「認証キー」等のお知らせ_R07-4621-000123.pdf",
                                                 "電子証書データ_R07-4621-000123.json"])
    hioki = next_steps(body_text(contractor_mail(ws, "R07-4621-000123")[1]))
    assert "『電子証書閲覧用「認証キー」等のお知らせ』を電子メールでお送りしました" in hioki


def test_the_directory_says_what_each_orderer_wants(workspace):
    ws = workspace
    shown = ws.run("orderers", "show", "日置市").stdout
    assert "with 前払金請求書: yes" in shown and "submitted with the key notice" in shown
    write_overrides(ws, '["日田市"]\ncertificate_printout = "not_accepted"\n')
    assert "not accepted (key notice only)" in ws.run("orderers", "show", "日田市").stdout
    write_overrides(ws, '["日田市"]\ncertificate_printout = "never"\n')
    bad = ws.run("orderers", "show", "日田市")
    assert bad.returncode == 2 and 'certificate_printout = "never" must be "submit" or "not_accepted"' in bad.stderr


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_facts_block_values_start_in_one_column(workspace):
    ws = workspace
    write_overrides(ws, HIOKI_MAIL)
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    for env, msg, _ in ws.messages():
        lines = body_text(msg).replace("\r\n", "\n").split("\n")
        facts = [line for line in lines if line.startswith("\u3000") and not line.startswith("\u3000・")]
        assert len(facts) >= 6, facts
        starts = set()
        for line in facts:
            match = re.match(r"^(\u3000[^\u3000]+\u3000+)\S", line)
            assert match, line
            starts.add(display_width(match.group(1)))
        assert len(starts) == 1, (env["rcpt_tos"], facts)


def test_every_mail_names_the_office_and_where_replies_go(workspace):
    ws = workspace
    write_overrides(ws, HIOKI_MAIL)
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    for env, msg, _ in ws.messages():
        body = body_text(msg)
        assert "鹿児島支店" in body and "電話 099-257-2722" in body and "平日 9:00〜17:00" in body
        assert "送信専用" in body and "ご返信いただいてもお答えできません" in body
        assert msg["reply-to"] is None


def test_office_with_an_address_takes_the_replies(workspace):
    ws = workspace
    ws.write_config(extra='email = "kagoshima@example.jp"\naddress = "鹿児島県鹿児島市山下町1番1号"')
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    (env, msg, _), = ws.messages()
    assert [a.addr_spec for a in msg["reply-to"].addresses] == ["kagoshima@example.jp"]
    body = body_text(msg)
    assert "このメールにご返信いただくと、鹿児島支店（kagoshima@example.jp）に届きます" in body
    assert "鹿児島県鹿児島市山下町1番1号" in body and "送信専用" not in body
    assert env["rcpt_tos"] == ["keiri@hioki-kensetsu.example.jp"]  # Reply-To adds no recipient


def test_a_record_names_its_branch_and_an_unknown_branch_is_rejected(workspace):
    ws = workspace
    ws.write_config(extra='[branches."大分支店"]\nphone = "097-534-0000"\nhours = "平日 8:30〜17:15"')
    record = hita_record()
    record["branch"] = "大分支店"
    ws.drop("a.json", record)
    wrong = hita_record("R07-4410-000099")
    wrong["branch"] = "福岡支店"
    ws.drop("b.json", wrong)
    assert ws.run("run").returncode == 1
    (env, msg, _), = ws.messages()
    body = body_text(msg)
    assert "大分支店" in body and "097-534-0000" in body and "平日 8:30〜17:15" in body and "099-257-2722" not in body
    error = open(os.path.join(ws.spool, "rejected", "b.json.error.txt"), encoding="utf-8").read()
    assert "$.branch" in error and "福岡支店" in error and "大分支店, 鹿児島支店" in error


def test_a_configuration_without_an_office_is_refused(workspace):
    ws = workspace
    config = open(ws.config, encoding="utf-8").read()
    start = config.index("[branch]")
    end = config.index("[delivery]")
    with open(ws.config, "w", encoding="utf-8") as fh:
        fh.write(config[:start] + config[end:])
    ws.drop("a.json", sample_record())
    result = ws.run("run")
    assert result.returncode == 2
    assert "the [branch] table is missing" in result.stderr and 'phone = "099-257-2722"' in result.stderr
    assert ws.listdir("incoming") == ["a.json"]
