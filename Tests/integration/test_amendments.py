"""A guarantee's life after issue, through the built binary: amendments (変更) as signed versions with
a new key each, waiting for a predecessor, duplicates, conflicts and forbidden fields, cancellation
(解約), paper staying paper, and kill -9 during an amendment."""
import json
import os
import random
import re
import signal
import subprocess
import time

import pytest

from conftest import BIN, ROOT, sample_record
from mailcheck import attachments, body_text
from signature_check import assert_signed

NUMBER = "R07-4621-000123"
PAGES = os.environ.get("AMENDMENT_PAGES", os.path.join(ROOT, ".build", "amendment-pages"))


def amendment(number, on, premium=0, reason=None, contract=NUMBER, **changes):
    record = sample_record(contract, **changes)
    record["amendment"] = {"number": number, "concluded_on": on, "premium": premium}
    if reason is not None:
        record["amendment"]["reason"] = reason
    return record


# 変更第1号: the contract amount and the advance payment go up (追加保証料 3,000円).
FIRST = dict(number=1, on="2025-09-10", premium=3000, reason="設計変更に伴う請負代金額の増額",
             project__contract_amount=53900000, guarantee__amount=21560000)
# 変更第2号: the works and the guarantee are extended (no additional premium).
SECOND = dict(number=2, on="2025-10-01", reason="工期延長に伴う保証期間の延長", project__contract_amount=53900000,
              guarantee__amount=21560000, project__period={"from": "2025-06-19", "to": "2026-05-29"},
              guarantee__period={"from": "2025-06-20", "to": "2026-06-12"})


@pytest.fixture
def signed(workspace):
    """日置市 takes the key notice by e-mail; certificates are signed; the viewer has an address."""
    ws = workspace
    keys = os.path.join(ws.path, "keys")
    assert ws.run("keygen", "--out", keys).returncode == 0
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\n')
    ws.write_config(extra=f'[signing]\nprivate_key_file = "{keys}/signing-key.pem"\n[orderers]\nfile = "orderers.local.toml"\n'
                          '[viewer]\nurl = "https://viewer.example.jp/"\n')
    # The office with its address and e-mail (the longest contact block a document prints).
    with open(ws.config) as fh:
        config = fh.read()
    with open(ws.config, "w") as fh:
        fh.write(config.replace('hours = "平日 9:00〜17:00"\n',
                                'hours = "平日 9:00〜17:00"\nemail = "kagoshima@e-hosho.example.jp"\n'
                                'address = "鹿児島市山下町9番5号 鹿児島建設会館"\n', 1))
    ws.public_key = os.path.join(keys, "signing-key.pub.pem")
    return ws


def run(ws, code=0, env=None):
    result = ws.run("run", env=env)
    assert result.returncode == code, result.stdout + result.stderr
    return result


def certificate(ws, version=None):
    folder = ws.contract(NUMBER) if version is None else os.path.join(ws.contract(NUMBER), "versions", str(version))
    return json.load(open(os.path.join(folder, "certificate.json")))


def key_of(ws, version=None):
    folder = ws.contract(NUMBER) if version is None else os.path.join(ws.contract(NUMBER), "versions", str(version))
    return open(os.path.join(folder, "key")).read().strip()


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def render(path, name):
    """Each new document as PNG at 70 dpi, kept for a person to look at."""
    os.makedirs(PAGES, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", path, os.path.join(PAGES, name)], check=True)


def mails_of(ws, subject_part):
    return [(env, msg) for env, msg, _ in ws.messages() if subject_part in msg["Subject"]]


def test_original_then_an_increase_with_premium_then_an_extension(signed):
    ws = signed
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    first_key = key_of(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    out = run(ws).stdout
    assert "changed (変更)" in out
    second_key = key_of(ws)
    ws.drop("amend2.json", amendment(**SECOND))
    run(ws)
    third_key = key_of(ws)
    assert len({first_key, second_key, third_key}) == 3, "each change has a key of its own"

    # The folder: the current version on top, the earlier ones read-only below versions/.
    current = certificate(ws)
    assert current["version"] == 3 and current["amendment"]["number"] == 2
    assert current["guarantee"]["period"]["to"] == "2026-06-12" and current["guarantee"]["amount"] == 21560000
    assert [c["field"] for c in current["changes"]] == ["project.period", "guarantee.period.to"]
    assert [v["version"] for v in current["versions"]] == [1, 2]
    for version in (1, 2):
        old = certificate(ws, version)
        assert old.get("version", 1) == version
        assert_signed(old, ws.public_key)
        assert current["versions"][version - 1]["fingerprint"]
    assert_signed(current, ws.public_key)
    assert certificate(ws, 2)["changes"][0] == {"field": "project.contract_amount", "item": "請負代金額",
                                                "before": "金48,400,000円", "after": "金53,900,000円"}
    assert key_of(ws, 1) == first_key and key_of(ws, 2) == second_key
    assert oct(os.stat(os.path.join(ws.contract(NUMBER), "versions", "1", "key")).st_mode & 0o777) == "0o600"
    assert sorted(os.listdir(os.path.join(ws.contract(NUMBER), "versions", "2", "documents"))) == [
        "certificate.pdf", "key-notice.pdf", "premium-statement.pdf", "receipt.pdf"]
    assert sorted(os.listdir(os.path.join(ws.contract(NUMBER), "documents"))) == ["certificate.pdf", "key-notice.pdf"]

    # The mails: each version's contractor mail and the orderer's, each once, the new key only where it belongs.
    assert not ws.listdir("outbox") and not ws.listdir("failed")
    contractor = mails_of(ws, "電子証書（変更）登録のお知らせ")
    assert [m["Subject"] for _, m in contractor] == [
        f"電子証書（変更）登録のお知らせ（保証契約番号 {NUMBER} 変更第1号）", f"電子証書（変更）登録のお知らせ（保証契約番号 {NUMBER} 変更第2号）"]
    body = body_text(contractor[0][1])
    assert "変更内容（変更第1号　令和7年9月10日）" in body and "変更前　金19,360,000円" in body and "変更後　金21,560,000円" in body
    assert "設計変更に伴う請負代金額の増額" in body and second_key not in body
    assert list(attachments(contractor[0][1])) == [
        f"電子証書閲覧用「認証キー」等のお知らせ_{NUMBER}_変更第1号.pdf", f"保証証書_{NUMBER}_変更第1号.pdf",
        f"保証料計算書_{NUMBER}_変更第1号.pdf", f"保証料領収書_{NUMBER}_変更第1号.pdf"]
    assert len(attachments(contractor[1][1])) == 2, "no premium, no premium papers"
    orderer = [(env, m) for env, m in mails_of(ws, "【電子保証】認証キー等のお知らせ") if "変更第" in m["Subject"]]
    assert len(orderer) == 2
    env, msg = orderer[0]
    assert "keiyaku@city.hioki.example.jp" in env["rcpt_tos"] and "keiri@hioki-kensetsu.example.jp" in msg["Cc"]
    assert second_key in body_text(msg) and first_key not in body_text(msg)
    assert "変更第1号" in msg["Subject"]
    ids = [m["Message-ID"] for _, m, _ in ws.messages()]
    assert len(ids) == len(set(ids)) == 6, "original, change 1 and change 2: contractor and orderer each"

    # The documents of a change: titled 変更第1号, its date, what changed; the additional premium explained.
    docs = os.path.join(ws.contract(NUMBER), "versions", "2", "documents")
    text = pdf_text(os.path.join(docs, "certificate.pdf"))
    for expected in ("前払金保証証書（変更第1号）", "変更日 令和7年9月10日", "請負代金額", "金48,400,000円",
                     "金53,900,000円", "金21,560,000円"):
        assert expected in text, expected
    pages = subprocess.run(["pdfinfo", os.path.join(docs, "certificate.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages: +1$", pages, re.M), "a changed certificate fits on one page"
    statement = pdf_text(os.path.join(docs, "premium-statement.pdf"))
    assert "追加保証料" in statement and "金3,000円" in statement and "当初のお申込みに適用済み" in statement
    assert "変更第1号に伴う追加保証料" in pdf_text(os.path.join(docs, "receipt.pdf"))
    notice = pdf_text(os.path.join(docs, "key-notice.pdf"))
    assert "（変更第1号）" in notice and second_key in notice
    for name in os.listdir(docs):
        subprocess.run(["qpdf", "--check", os.path.join(docs, name)], check=True, capture_output=True)
        render(os.path.join(docs, name), "v2-" + name[:-4])
    latest = os.path.join(ws.contract(NUMBER), "documents", "certificate.pdf")
    assert "保証期間" in pdf_text(latest) and "令和8年6月12日" in pdf_text(latest)
    render(latest, "v3-certificate")

    # verify: the old keys open their versions, said to be changed; the new one the current version.
    old = ws.run("verify", NUMBER, first_key)
    assert old.returncode == 1 and "この電子証書は変更されています（変更第2号 令和7年10月1日）" in old.stderr
    assert "金19,360,000円" in old.stdout and first_key not in old.stdout + old.stderr
    new = ws.run("verify", NUMBER, third_key)
    assert new.returncode == 0 and "変更第2号" in new.stdout and "令和8年6月12日" in new.stdout

    # show lists every version; status and the metrics count changes.
    shown = ws.run("show", NUMBER).stdout
    for expected in ("version 1", "version 2 (変更第1号 2025-09-10", "version 3 (変更第2号 2025-10-01", "guarantee.amount"):
        assert expected in shown, expected
    assert first_key not in shown and second_key not in shown and third_key not in shown


def test_a_change_waits_for_its_predecessor_in_a_later_run_and_in_the_same_run(signed):
    ws = signed
    # Change 1 before the contract: it waits, status says what for.
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    assert ws.listdir("waiting") == ["amend1.json", "amend1.json.wait.txt"]
    assert "waits for the contract" in open(os.path.join(ws.spool, "waiting", "amend1.json.wait.txt")).read()
    status = ws.run("status").stdout
    assert "waiting" in status and "amend1.json" in status
    # The contract arrives: the same run issues it and takes change 1 up.
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    assert ws.listdir("waiting") == [] and certificate(ws)["version"] == 2

    # Change 3 and 2 together, 3 first by name: 3 waits for 2, both issued in this one run.
    third = amendment(number=3, on="2025-10-15", contract=NUMBER, reason="受注者の本店移転",
                      contractor__address="鹿児島県日置市東市来町長里1番地", **{k: v for k, v in SECOND.items() if k not in ("number", "on", "reason")})
    third["amendment"]["concluded_on"] = "2025-10-15"
    ws.drop("a-amend3.json", third)
    ws.drop("b-amend2.json", amendment(**SECOND))
    run(ws)
    assert ws.listdir("waiting") == [] and certificate(ws)["version"] == 4
    assert certificate(ws)["changes"] == [{"field": "contractor.address", "item": "保証契約者（所在地）",
                                          "before": "鹿児島県日置市伊集院町郡一丁目100番地", "after": "鹿児島県日置市東市来町長里1番地"}]


def test_a_change_that_waits_too_long_is_rejected_and_reported(signed):
    ws = signed
    ws.drop("amend2.json", amendment(**SECOND))
    run(ws)
    assert "amend2.json" in ws.listdir("waiting")
    later = "2025-11-04T10:00:00+09:00@%d" % int(time.time())  # 15 days on; wait_days is 14
    result = run(ws, code=1, env={"MAILBATCH_NOW": later})
    assert ws.listdir("waiting") == [] and "amend2.json" in ws.listdir("rejected")
    note = open(os.path.join(ws.spool, "rejected", "amend2.json.error.txt")).read()
    assert "waited 14 days" in note and "waits for the contract" in note
    assert "rejected" in result.stdout


def test_duplicate_conflict_forbidden_field_and_nothing_changed(signed):
    ws = signed
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    sent = len(ws.messages())
    # The same change again: a duplicate, nothing issued or sent.
    ws.drop("again.json", amendment(**FIRST))
    run(ws)
    assert "again.json" in ws.listdir("duplicates") and certificate(ws)["version"] == 2
    # The same number with other content: a conflict naming the field.
    ws.drop("conflict.json", amendment(**dict(FIRST, guarantee__amount=21000000)))
    run(ws, code=1)
    note = open(os.path.join(ws.spool, "rejected", "conflict.json.error.txt")).read()
    assert "$.guarantee.amount" in note and "21560000" in note and "21000000" in note
    # A field a change must not alter: named with its old and new value.
    ws.drop("forbidden.json", amendment(**dict(SECOND, guarantee_type="contract")))
    run(ws, code=1)
    note = open(os.path.join(ws.spool, "rejected", "forbidden.json.error.txt")).read()
    assert "$.guarantee_type" in note and '"advance_payment"' in note and '"contract"' in note
    ws.drop("from.json", amendment(**dict(SECOND, guarantee__period={"from": "2025-06-21", "to": "2026-06-12"})))
    run(ws, code=1)
    assert "$.guarantee.period.from" in open(os.path.join(ws.spool, "rejected", "from.json.error.txt")).read()
    # Nothing changed at all.
    ws.drop("same.json", amendment(number=2, on="2025-10-01", project__contract_amount=53900000, guarantee__amount=21560000))
    run(ws, code=1)
    assert "nothing changed" in open(os.path.join(ws.spool, "rejected", "same.json.error.txt")).read()
    # Before the previous version's day.
    ws.drop("early.json", amendment(**dict(SECOND, on="2025-09-01")))
    run(ws, code=1)
    assert "before the day of the version it changes" in open(os.path.join(ws.spool, "rejected", "early.json.error.txt")).read()
    assert certificate(ws)["version"] == 2 and len(ws.messages()) == sent


def test_cancellation_is_a_last_signed_version_with_the_same_key(signed):
    ws = signed
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    key = key_of(ws)
    cancellation = {"schema": "mailbatch.cancellation/v1", "contract_number": NUMBER, "concluded_on": "2025-10-14",
                    "reason": "契約解除に伴う解約"}
    ws.drop("cancel.json", cancellation)
    out = run(ws).stdout
    assert "cancelled (解約)" in out
    current = certificate(ws)
    assert current["state"] == "cancelled" and current["cancelled_on"] == "2025-10-14" and current["version"] == 2
    assert_signed(current, ws.public_key)
    assert key_of(ws) == key, "no new key for a cancellation"
    mails = mails_of(ws, "保証契約の解約のお知らせ")
    assert len(mails) == 2
    to_contractor = [m for env, m in mails if env["rcpt_tos"] == ["keiri@hioki-kensetsu.example.jp"]][0]
    to_orderer = [m for env, m in mails if "keiyaku@city.hioki.example.jp" in env["rcpt_tos"]][0]
    assert "令和7年10月14日付けで解約" in body_text(to_contractor) and "契約解除に伴う解約" in body_text(to_contractor)
    assert "日置市長 殿" in body_text(to_orderer) and "keiri@hioki-kensetsu.example.jp" in to_orderer["Cc"]
    assert key not in body_text(to_orderer) + body_text(to_contractor)
    verified = ws.run("verify", NUMBER, key)
    assert verified.returncode == 1 and "cancelled (解約) from 2025-10-14" in verified.stderr and "解約" in verified.stdout
    # Again: a duplicate; a change after it: refused.
    ws.drop("cancel-again.json", cancellation)
    run(ws)
    assert "cancel-again.json" in ws.listdir("duplicates")
    ws.drop("amend.json", amendment(**FIRST))
    run(ws, code=1)
    assert "was cancelled" in open(os.path.join(ws.spool, "rejected", "amend.json.error.txt")).read()
    status = ws.run("status").stdout
    assert "cancelled" in status


def test_a_change_of_a_paper_contract_goes_to_paper(signed):
    ws = signed
    ws.drop("original.json", sample_record(NUMBER, application__delivery="paper"))
    run(ws)
    ws.drop("amend1.json", amendment(**dict(FIRST, application__delivery="paper")))
    run(ws)
    assert "amend1.json" in ws.listdir("paper") and ws.listdir("waiting") == []
    assert "書面で交付しています" in open(os.path.join(ws.spool, "paper", "amend1.json.reason.txt")).read()


def test_kill9_during_an_amendment_leaves_one_complete_version(signed):
    ws = signed
    numbers = [f"R07-4621-{i:06d}" for i in range(200, 240)]
    for n in numbers:
        ws.drop(f"o-{n}.json", sample_record(n, contractor__email=f"k{n[-3:]}@example.jp"))
    run(ws)
    for n in numbers:
        ws.drop(f"a-{n}.json", amendment(**dict(FIRST, contract=n, contractor__email=f"k{n[-3:]}@example.jp")))
    seed = int(os.environ.get("MAILBATCH_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    kills = 0
    for _ in range(6):
        proc = subprocess.Popen([BIN, "run", "--quiet", "--config", ws.config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        # After every kill each contract is one complete version: 1, or 2 with 1 below versions/.
        for n in numbers:
            folder = ws.contract(n)
            cert = json.load(open(os.path.join(folder, "certificate.json")))
            assert cert.get("version", 1) in (1, 2), f"seed {seed}"
            assert sorted(os.listdir(os.path.join(folder, "documents"))), f"seed {seed}: {n} has no documents"
            if cert.get("version", 1) == 2:
                old = json.load(open(os.path.join(folder, "versions", "1", "certificate.json")))
                assert old.get("version", 1) == 1 and cert["versions"][0]["version"] == 1, f"seed {seed}"
                assert_signed(cert, ws.public_key)
    for _ in range(3):
        result = ws.run("run")
        if result.returncode == 0 and not ws.listdir("outbox"):
            break
    assert result.returncode == 0, f"seed {seed}: {result.stdout}{result.stderr}"
    assert kills >= 1, f"seed {seed}: no run was killed; the test proved nothing"
    assert ws.listdir("processing") == [] and ws.listdir("waiting") == [] and ws.listdir("rejected") == []
    for n in numbers:
        assert json.load(open(os.path.join(ws.contract(n), "certificate.json")))["version"] == 2, f"seed {seed}: {n}"
        assert len(os.listdir(os.path.join(ws.contract(n), "sent"))) == 4, f"seed {seed}: {n}"
    subjects = [m["Subject"] for _, m, _ in ws.messages()]
    for n in numbers:
        assert sum(1 for s in subjects if n in s and "変更第1号" in s) >= 2, f"seed {seed}: {n} change mails missing"


def test_viewer_shows_the_changed_the_superseded_and_the_cancelled_certificate(signed, tmp_path):
    """In Chromium: the old key opens the old version marked as changed, the new key the current one
    with its 変更履歴; /check of an earlier version's data says a later one exists; then 解約."""
    from selenium.webdriver.common.by import By

    from test_viewer import SHOTS, click_and_read, submit
    from viewer_client import Server, chromium, screenshot

    ws = signed
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    old_key = key_of(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    new_key = key_of(ws)
    server = Server(ws)
    browser = chromium()
    try:
        text = submit(browser, server.url, NUMBER, old_key)
        assert "この電子証書は変更されています（変更第1号 令和7年9月10日）。最新の内容は変更後の認証キーでご確認ください。" in text
        assert "金19,360,000円" in text and "金21,560,000円" not in text and "状態: 変更前の内容" in text
        screenshot(browser, SHOTS, "10-superseded")

        text = submit(browser, server.url, NUMBER, new_key)
        for expected in ("状態: 有効（変更第1号）", "（変更第1号）", "変更履歴", "当初（発行）", "設計変更に伴う請負代金額の増額",
                         "請負代金額 金48,400,000円 金53,900,000円", "金21,560,000円"):
            assert expected in text, expected
        assert "変更されています" not in text
        screenshot(browser, SHOTS, "11-amended")

        earlier = certificate(ws, 1)
        for member in ("key_digest", "revoked_key_digests"):
            earlier.pop(member, None)
        path = tmp_path / f"電子証書データ_{NUMBER}.json"
        path.write_text(json.dumps(earlier, ensure_ascii=False, indent=2), encoding="utf-8")
        browser.get(server.url + "check")
        browser.find_element(By.NAME, "file").send_keys(str(path))
        text = click_and_read(browser, "form[action='/check'] button")
        assert "署名は正しく、改ざんはありません" in text
        assert "このファイルより後の版があります（このファイルは第1版、現在は第2版）" in text and "変更第1号 令和7年9月10日" in text
        screenshot(browser, SHOTS, "12-check-earlier-version")

        ws.drop("cancel.json", {"schema": "mailbatch.cancellation/v1", "contract_number": NUMBER, "concluded_on": "2025-10-14",
                                "reason": "契約解除に伴う解約"})
        run(ws)
        text = submit(browser, server.url, NUMBER, new_key)
        assert "状態: 解約" in text and "この保証契約は令和7年10月14日付けで解約されています（理由: 契約解除に伴う解約）" in text
        assert "令和7年10月14日付けで解約" in text and "変更第1号" in text
        screenshot(browser, SHOTS, "13-cancelled")
        text = submit(browser, server.url, NUMBER, old_key)
        assert "この保証契約は令和7年10月14日付けで解約されています" in text and "変更されています" in text
    finally:
        browser.quit()
        assert server.stop() == 0


def test_preview_and_resend_of_a_changed_contract(signed, tmp_path):
    ws = signed
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    change = tmp_path / "amend1.json"
    change.write_text(json.dumps(amendment(**FIRST), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "preview"
    result = ws.run("preview", str(change), "--out", str(out))
    assert result.returncode == 0, result.stderr
    names = sorted(os.listdir(out))
    assert f"保証証書_{NUMBER}_変更第1号.pdf" in names and f"保証料計算書_{NUMBER}_変更第1号.pdf" in names
    assert "変更内容" in pdf_text(str(out / f"保証証書_{NUMBER}_変更第1号.pdf"))
    assert certificate(ws).get("version", 1) == 1, "a preview commits nothing"
    # resend sends the current version's mails, never the original's.
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    before = len(ws.messages())
    result = ws.run("resend", NUMBER, "--to", "contractor")
    assert result.returncode == 0, result.stderr
    assert ws.listdir("outbox") == [f"{NUMBER}.v2.contractor.json"]
    run(ws)
    resent = ws.messages()[before:]
    assert len(resent) == 1 and "変更第1号" in resent[0][1]["Subject"]


def test_a_key_reissue_after_a_change_keeps_the_earlier_versions(signed):
    ws = signed
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    first_key = key_of(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    second_key = key_of(ws)
    result = ws.run("reissue-key", NUMBER)
    assert result.returncode == 0, result.stderr
    run(ws)
    third_key = key_of(ws)
    current = certificate(ws)
    assert current["version"] == 2 and current["amendment"]["number"] == 1 and current["key_reissued_at"]
    assert key_of(ws, 1) == first_key and third_key != second_key
    assert ws.run("verify", NUMBER, third_key).returncode == 0
    assert "replaced by a new one" in ws.run("verify", NUMBER, second_key).stderr
    assert "この電子証書は変更されています" in ws.run("verify", NUMBER, first_key).stderr
    statement = pdf_text(os.path.join(ws.contract(NUMBER), "documents", "premium-statement.pdf"))
    assert "追加保証料" in statement and "金3,000円" in statement and "金52,000円" not in statement
    sent = sorted(os.listdir(os.path.join(ws.contract(NUMBER), "sent")))
    assert sum(1 for f in sent if f.startswith("contractor.")) == 1 and sum(1 for f in sent if f.startswith("v2.contractor.")) == 2
    # A cancelled contract gets no new key.
    ws.drop("cancel.json", {"schema": "mailbatch.cancellation/v1", "contract_number": NUMBER, "concluded_on": "2025-10-14"})
    run(ws)
    refused = ws.run("reissue-key", NUMBER)
    assert refused.returncode != 0 and "cancelled" in refused.stderr
