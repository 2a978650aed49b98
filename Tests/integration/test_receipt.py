"""The clerk confirms receipt (issue: a view is not a confirmation): the certificate page asks for a
one-time link, which goes to the orderer's registered address alone; opening it and confirming
records the receipt once per version; the contractor is told once; `show` and `status` report it;
nothing of the key or the link's secret is stored. Also the arrival sentence of the contractor's mail."""
import glob
import json
import os
import re
import urllib.parse

import pytest

from conftest import ROOT, sample_record
from test_bounce_families import later
from viewer_client import Client, Server, chromium, screenshot

SHOTS = os.environ.get("VIEWER_SCREENSHOTS", os.path.join(ROOT, ".build", "viewer-screenshots"))
ORDERER = "keiyaku@city.hioki.example.jp"
CONTRACTOR = "keiri@hioki-kensetsu.example.jp"
NUMBER = "R07-4621-000501"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def body_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def setup(ws, orderer_rules='email = ["keiyaku@city.hioki.example.jp"]\n', notify=""):
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\n' + orderer_rules)
    ws.write_config(extra='[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n' + notify)


def receipt_mails(ws):
    return [(e, m) for e, m, _ in ws.messages() if "受領確認" in m["subject"] and m["subject"].startswith("【電子保証】")]


def link_of(message, base):
    link = re.search(r"https://viewer\.example\.jp/(receipt/[0-9a-f]+)", body_text(message)).group(1)
    return base.rstrip("/") + "/" + link


def ask_for_link(client, number, key, clerk="財政課 山田"):
    assert client.lookup(number, key)[0] == 303
    status, _, page = client.request("GET", "/certificate")
    assert status == 200
    page = page.decode()
    assert 'action="/certificate/receipt"' in page and "受領を確認する" in page
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf": token, "clerk": clerk}).encode()
    return client.request("POST", "/certificate/receipt", data, FORM)


def confirm(client, path):
    status, _, page = client.request("GET", path)
    if status != 200:
        return status, page.decode()
    token = re.search(r'name="csrf" value="([^"]+)"', page.decode()).group(1)
    status, _, page = client.request("POST", path, urllib.parse.urlencode({"csrf": token, "clerk": "財政課 山田"}).encode(), FORM)
    return status, page.decode()


def test_the_orderer_confirms_receipt_in_chromium_through_the_mailed_link(workspace):
    from selenium.webdriver.common.by import By
    from test_viewer import click_and_read, submit

    ws = workspace
    setup(ws, notify='[notify]\nto = ["ops@example.jp"]\nunconfirmed_after_days = 2\n')
    ws.drop("a.json", sample_record(NUMBER))
    ws.drop("b.json", sample_record("R07-4621-000502"))
    assert ws.run("run").returncode == 0
    key = open(os.path.join(ws.contract(NUMBER), "key")).read().strip()
    assert "発注者受領確認: 未確認" in ws.run("show", NUMBER).stdout
    server = Server(ws)
    driver = chromium()
    try:
        text = submit(driver, server.url, NUMBER, key)
        assert "受領確認" in text
        screenshot(driver, SHOTS, "receipt-1-certificate-with-form")
        driver.find_element(By.NAME, "clerk").send_keys("財政課 山田")
        text = click_and_read(driver, "form[action='/certificate/receipt'] button")
        assert "受領確認のためのメールを送りました" in text and "city.hioki.example.jp" in text
        screenshot(driver, SHOTS, "receipt-2-link-sent")
        # The link went to the orderer's registered address alone: no Cc, no contractor.
        mails = receipt_mails(ws)
        assert len(mails) == 1
        envelope, mail = mails[0]
        assert envelope["rcpt_tos"] == [ORDERER] and mail["Cc"] is None
        assert [a.addr_spec for a in mail["To"].addresses] == [ORDERER]
        assert key not in body_text(mail) and "財政課 山田" in body_text(mail)
        link = link_of(mail, server.url)
        secret = link.rsplit("/", 1)[1]
        # Opening the link records nothing (a gateway that fetches links to scan them).
        driver.get(link)
        assert "受領を確認する" in driver.find_element(By.TAG_NAME, "body").text
        screenshot(driver, SHOTS, "receipt-3-confirm-page")
        assert "発注者受領確認: 未確認" in ws.run("show", NUMBER).stdout
        text = click_and_read(driver, "form[action^='/receipt/'] button")
        assert "受領を確認しました" in text and "受領確認済み（令和7年10月20日" in text
        screenshot(driver, SHOTS, "receipt-4-confirmed")
        # The certificate page says so.
        text = submit(driver, server.url, NUMBER, key)
        assert re.search(r"受領確認済み（令和7年10月20日 \d+時\d+分）", text), text
        assert driver.find_elements(By.CSS_SELECTOR, "form[action='/certificate/receipt']") == []
        screenshot(driver, SHOTS, "receipt-5-certificate-confirmed")
        # The link is spent: a second confirmation does nothing more.
        status, page = confirm(Client(server.url), "/receipt/" + secret)
        assert status == 410 and "使用済み" in page
    finally:
        driver.quit()
        server.stop()
    assert secret not in server.stderr_text and key not in server.stderr_text
    show = ws.run("show", NUMBER).stdout
    assert re.search(r"発注者受領確認: 令和7年10月20日.*（127\.0\.0\.1、財政課 山田）", show), show
    state = json.loads(ws.run("status", "--json").stdout)
    assert state["receipt_confirmed"] == 1 and state["receipt_unconfirmed"] == 1
    # Nothing of the key or of the link's secret anywhere in the spool.
    for path in glob.glob(os.path.join(ws.spool, "**", "*"), recursive=True):
        if os.path.isfile(path) and not path.endswith("/key"):
            data = open(path, "rb").read()
            assert secret.encode() not in data, path
            if "/verify/" in path:
                assert key.encode() not in data and key.replace("-", "").encode() not in data, path
    receipts = glob.glob(os.path.join(ws.spool, "verify", "receipts", "**", "*.json"), recursive=True)
    assert receipts and all(os.stat(p).st_mode & 0o077 == 0 for p in receipts)
    # The contractor is told once per version, by the next run.
    for _ in range(2):
        assert ws.run("run").returncode == 0
    told = [m for e, m, _ in ws.messages() if m["subject"].startswith("日置市様が電子証書の受領を確認しました")]
    assert len(told) == 1 and [a.addr_spec for a in told[0]["To"].addresses] == [CONTRACTOR]
    assert NUMBER in told[0]["subject"] and "財政課 山田" in body_text(told[0]) and key not in body_text(told[0])
    # Three days on, the other certificate is still unconfirmed: status lists it.
    status_text = ws.run("status", env={"MAILBATCH_NOW": later(3 * 86400)}).stdout
    assert "not confirmed: R07-4621-000502, mailed to " + ORDERER in status_text
    assert NUMBER not in status_text.split("not confirmed:", 1)[1]
    # And the operator hears of it once.
    assert ws.run("run", env={"MAILBATCH_NOW": later(3 * 86400)}).returncode == 0
    summaries = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == ["ops@example.jp"]]
    assert len(summaries) == 1 and "受領未確認" in body_text(summaries[0]) and "R07-4621-000502" in body_text(summaries[0])
    assert NUMBER not in body_text(summaries[0])


def test_the_contractor_cannot_confirm_with_the_key_and_its_copy(workspace):
    """The contractor holds the key and its Cc of the orderer's mail; the link never reaches it, and
    nothing it can reach records a receipt."""
    ws = workspace
    setup(ws)
    ws.drop("a.json", sample_record(NUMBER))
    assert ws.run("run").returncode == 0
    key = open(os.path.join(ws.contract(NUMBER), "key")).read().strip()
    server = Server(ws)
    try:
        client = Client(server.url)
        status, _, page = ask_for_link(client, NUMBER, key)
        assert status == 200
        mails = receipt_mails(ws)
        assert len(mails) == 1 and CONTRACTOR not in mails[0][0]["rcpt_tos"]
        # Everything the contractor received: no receipt link in any of it.
        for envelope, message, raw in ws.messages():
            if CONTRACTOR in envelope["rcpt_tos"]:
                assert b"/receipt/" not in raw
        # Guessing: a made-up secret, one of another shape, the certificate page's own form posted again.
        for path in ("/receipt/" + "0" * 64, "/receipt/" + "a" * 10, "/receipt/" + key):
            assert confirm(client, path)[0] == 404
        assert not os.path.exists(os.path.join(ws.spool, "verify", "receipts", NUMBER + ".json"))
        assert "発注者受領確認: 未確認" in ws.run("show", NUMBER).stdout
    finally:
        server.stop()


def test_an_expired_link_is_refused(workspace, monkeypatch):
    ws = workspace
    setup(ws)
    ws.drop("a.json", sample_record(NUMBER))
    assert ws.run("run").returncode == 0
    key = open(os.path.join(ws.contract(NUMBER), "key")).read().strip()
    server = Server(ws)
    try:
        assert ask_for_link(Client(server.url), NUMBER, key)[0] == 200
    finally:
        server.stop()
    path = "/" + link_of(receipt_mails(ws)[0][1], "https://x").split("/", 3)[3]
    monkeypatch.setenv("MAILBATCH_NOW", later(4 * 86400))
    server = Server(ws)
    try:
        status, page = confirm(Client(server.url), path)
        assert status == 410 and "有効期限が切れました" in page
    finally:
        server.stop()
    assert "発注者受領確認: 未確認" in ws.run("show", NUMBER).stdout


def test_an_orderer_without_a_registered_address_is_offered_no_confirmation(workspace):
    from selenium.webdriver.common.by import By
    from test_viewer import submit

    ws = workspace
    setup(ws, orderer_rules='submission = "in_person"\n')
    ws.drop("a.json", sample_record(NUMBER))
    assert ws.run("run").returncode == 0
    key = open(os.path.join(ws.contract(NUMBER), "key")).read().strip()
    server = Server(ws)
    driver = chromium()
    try:
        text = submit(driver, server.url, NUMBER, key)
        assert "電子メールアドレスが当社に登録されていないため" in text
        assert driver.find_elements(By.CSS_SELECTOR, "form[action='/certificate/receipt']") == []
        screenshot(driver, SHOTS, "receipt-6-no-address")
    finally:
        driver.quit()
        server.stop()


def test_the_contractors_mail_says_to_phone_or_that_the_orderer_confirms(workspace):
    ws = workspace
    setup(ws, orderer_rules='email = ["keiyaku@city.hioki.example.jp"]\narrival_confirmation = "phone"\nphone = "099-248-9400"\n'
                            '["日置市".contract]\narrival_confirmation = "viewer"\n')
    ws.drop("a.json", sample_record(NUMBER))
    ws.drop("b.json", sample_record("R07-4621-000502", guarantee_type="contract", guarantee__amount=4840000))
    assert ws.run("run").returncode == 0
    bodies = {}
    for envelope, message, _ in ws.messages():
        if envelope["rcpt_tos"] == [CONTRACTOR]:
            bodies[re.search(r"R07-4621-\d+", message["subject"]).group(0)] = body_text(message)
    assert "（電話 099-248-9400）へお電話で到達をご確認ください" in bodies[NUMBER]
    assert "担当者が電子証書の閲覧画面で受領を確認します" not in bodies[NUMBER]
    assert "担当者が電子証書の閲覧画面で受領を確認します" in bodies["R07-4621-000502"]
    assert "099-248-9400" not in bodies["R07-4621-000502"]


@pytest.mark.parametrize("text, error", [
    ('arrival_confirmation = "phone"\n', 'needs the number the contractor phones'),
    ('arrival_confirmation = "fax"\n', 'must be "phone" or "viewer"'),
    ('phone = "099-248-9400"\n', 'without arrival_confirmation'),
])
def test_a_wrong_arrival_key_is_a_clear_error(workspace, text, error):
    ws = workspace
    setup(ws, orderer_rules=text)
    result = ws.run("orderers", "show", "日置市")
    assert result.returncode != 0 and error in result.stderr


def test_the_key_alone_cannot_flood_the_orderer_with_link_mails(workspace):
    """Anyone holding the key may ask for a link, but only three may be open at once: the fourth
    request is refused (429) and mails nothing."""
    ws = workspace
    setup(ws)
    ws.drop("a.json", sample_record(NUMBER))
    assert ws.run("run").returncode == 0
    key = open(os.path.join(ws.contract(NUMBER), "key")).read().strip()
    server = Server(ws)
    try:
        client = Client(server.url)
        for _ in range(3):
            assert ask_for_link(client, NUMBER, key)[0] == 200
        status, _, page = ask_for_link(client, NUMBER, key)
        page = page.decode()
        assert status == 429 and "既に3通お送りしています" in page, (status, page)
        assert len(receipt_mails(ws)) == 3
        # Using one of the three makes the receipt recorded; the page then says so instead of mailing.
        path = "/" + link_of(receipt_mails(ws)[0][1], "https://x").split("/", 3)[3]
        assert confirm(client, path)[0] == 200
        status, _, page = ask_for_link_after_receipt(client, NUMBER, key)
        assert status == 200 and len(receipt_mails(ws)) == 3
    finally:
        server.stop()
    # The links are kept by the digest of their secret: nothing there names the key.
    for name in glob.glob(os.path.join(ws.spool, "verify", "receipts", "**"), recursive=True):
        assert key not in name and (os.path.isdir(name) or key.encode() not in open(name, "rb").read())


def ask_for_link_after_receipt(client, number, key):
    assert client.lookup(number, key)[0] == 303
    status, headers, page = client.request("GET", "/certificate")
    assert status == 200 and "受領確認済み" in page.decode() and 'action="/certificate/receipt"' not in page.decode()
    return status, headers, page
