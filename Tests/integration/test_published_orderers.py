"""The orderers whose rules were published since 令和7年6月: their subjects and addresses, the
sentence the contractor's mail adds (phone after sending, the online form, the FAX number), and the
sureties each accepts against the operator's own."""
import os
import time

from conftest import sample_record
from mailcheck import body_text

# 四国中央市 and 糸魚川市 take contracts from 令和8年1月1日: the clock stands in February 2026.
ENV = {"MAILBATCH_NOW": "2026-02-10T10:00:00+09:00@%d" % int(time.time())}
CONTRACTOR = "keiri@hioki-kensetsu.example.jp"


def record(number, orderer, kind="advance_payment", ref="四建単第3号", **changes):
    fields = dict(
        guarantee_type=kind, concluded_on="2026-02-02", orderer__name=orderer, orderer__title=orderer + "長",
        project__name="市道川之江線道路改良工事", project__location="地内", project__contract_on="2026-01-30",
        project__public_notice_on="2026-01-09", project__period={"from": "2026-02-01", "to": "2026-12-25"},
        guarantee__period={"from": "2026-02-02", "to": "2027-01-08"}, contractor__contact_person="工務部 佐藤 花子",
        contractor__phone="0896-00-0000")
    if kind == "contract":
        fields["guarantee__amount"] = 4840000
    fields.update(changes)
    out = sample_record(number, **fields)
    if ref is not None:
        out["project"]["orderer_ref"] = ref
    return out


def configure(ws, overrides="", surety="西日本建設業保証株式会社"):
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(overrides)
    ws.write_config(extra='[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n')
    text = open(ws.config).read().replace('surety_name = "西日本建設業保証株式会社"', 'surety_name = "%s"' % surety)
    open(ws.config, "w").write(text)


def contractor_body(ws, number):
    [message] = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == [CONTRACTOR] and number in m["subject"]]
    return body_text(message)


def test_shikokuchuo_gets_its_subject_at_its_one_address(workspace):
    ws = workspace
    configure(ws)
    ws.drop("a.json", record("R08-6001-000001", "四国中央市"))
    ws.drop("b.json", record("R08-6001-000002", "四国中央市", kind="contract", ref="四建単第4号"))
    result = ws.run("run", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    subjects = sorted(m["subject"] for e, m, _ in ws.messages() if "hoshou@city.shikokuchuo.ehime.jp" in e["rcpt_tos"])
    assert subjects == ["四建単第3号_株式会社日置建設(前払金保証)", "四建単第4号_株式会社日置建設(契約保証)"]
    assert "請負代金一部前払金請求書" in contractor_body(ws, "R08-6001-000001")


def test_tsu_the_contractor_is_told_to_phone_after_sending(workspace):
    ws = workspace
    configure(ws, '["津市"]\nemail = ["229-3121@city.tsu.example.jp"]\n')
    ws.drop("a.json", record("R08-6002-000001", "津市"))
    assert ws.run("run", env=ENV).returncode == 0
    [(envelope, message, _)] = [(e, m, r) for e, m, r in ws.messages() if "229-3121@city.tsu.example.jp" in e["rcpt_tos"]]
    assert message["subject"] == "(電子保証)市道川之江線道路改良工事"
    body = contractor_body(ws, "R08-6002-000001")
    assert "059-229-3122（調達契約課）、059-237-5803（上下水道管理課））へお電話で到達をご確認ください" in body
    show = ws.run("orderers", "show", "津市").stdout
    assert "arrival confirmation: phone 059-229-3122" in show and "sureties: 東日本建設業保証, 西日本建設業保証, 北海道建設業信用保証 only" in show
    assert "source: the orderer's published page" in show


def test_matsuyama_takes_the_key_only_through_its_form(workspace):
    ws = workspace
    configure(ws)
    ws.drop("a.json", record("R08-6003-000001", "松山市"))
    assert ws.run("run", env=ENV).returncode == 0
    assert [e for e, m, _ in ws.messages() if e["rcpt_tos"] != [CONTRACTOR]] == []
    body = contractor_body(ws, "R08-6003-000001")
    assert "松山市の指定するフォーム（https://www.city.matsuyama.ehime.jp/" in body and "電子メールでは受け付けていません" in body


def test_etajima_by_fax_names_the_number(workspace):
    ws = workspace
    # The issue gives no start date: the operator's file adds it with the number.
    configure(ws, '["江田島市"]\nworks_from = "2025-04-01"\nfax = "0823-40-0000"\n')
    ws.drop("a.json", record("R08-6004-000001", "江田島市", project__contract_on="2025-09-30"))
    assert ws.run("run", env=ENV).returncode == 0
    assert "FAX（0823-40-0000）での提出もできます" in contractor_body(ws, "R08-6004-000001")
    show = ws.run("orderers", "show", "江田島市").stdout
    assert "fax: 0823-40-0000" in show and "source: reported to the surety" in show


def test_itoigawa_applies_only_to_the_surety_it_names(workspace):
    ws = workspace
    configure(ws)
    listing = ws.run("orderers").stdout
    assert "\t糸魚川市\t" not in listing and "\t四国中央市\t" in listing
    assert "accept only other sureties' certificates" in listing
    ws.drop("a.json", record("R08-6005-000001", "糸魚川市", kind="contract", ref="第7号"))
    ws.run("run", env=ENV)
    [note] = [f for f in ws.listdir("paper") if f.endswith(".reason.txt")]
    reason = open(os.path.join(ws.spool, "paper", note)).read()
    assert "糸魚川市は東日本建設業保証の電子証書のみを受け付けています" in reason
    # An operator of 東日本建設業保証 sees it, and not 四国中央市.
    other = workspace.__class__(os.path.join(ws.path, "east"), ws.port, ws.received)
    configure(other, surety="東日本建設業保証株式会社")
    listing = other.run("orderers").stdout
    assert "\t糸魚川市\t" in listing and "\t四国中央市\t" not in listing
    other.drop("a.json", record("R08-6005-000002", "糸魚川市", kind="contract", ref="第7号"))
    other.drop("b.json", record("R08-6005-000003", "糸魚川市", ref="第8号"))
    with open(os.path.join(other.path, "orderers.local.toml"), "a") as fh:
        fh.write('["糸魚川市".contract]\nemail = ["zaisei@city.itoigawa.example.jp"]\n'
                 '["糸魚川市".advance_payment]\nemail = ["jigyo@city.itoigawa.example.jp"]\n')
    assert other.run("run", env=ENV).returncode == 0
    subjects = {e["rcpt_tos"][0]: m["subject"] for e, m, _ in other.messages() if e["rcpt_tos"][0] != CONTRACTOR}
    assert subjects["zaisei@city.itoigawa.example.jp"] == "【契約関係書類】第7号市道川之江線道路改良工事"
    assert subjects["jigyo@city.itoigawa.example.jp"] == "【前払金書類】第8号市道川之江線道路改良工事"
