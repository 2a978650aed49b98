"""The branch desk (`mailbatch desk`) in a real Chromium with aiosmtpd on loopback: accounts from
`desk-user`, sign-in, the day's view, search, a contract's page, and a resend to a corrected address
that the next run delivers, named in `show` and `desk audit`; then every refusal the desk owes (wrong
password, unknown user, lockout across a restart, missing and replayed form tokens, a reader acting,
hostile search text, a bad address, an unknown contract, a removed account's cookie, the key notice),
and no 認証キー in any page, log line or the audit trail. One desk process serves the module."""
import fcntl
import json
import os
import re
import signal
import stat
import subprocess
import urllib.parse

import pytest

import smtp_server
from conftest import BIN, ROOT, Workspace, sample_record
from viewer_client import Client, chromium, screenshot

SHOTS = os.path.join(ROOT, ".build", "desk-shots")
NUMBERS = ["R07-4621-000701", "R07-4621-000702"]
HOSTILE = '<script>document.title="pwned"</script>株式会社山田組'
PASSWORDS = {"clerk": "correct horse 1", "reader1": "reader password 2", "temp": "temporary pass 3"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# Every page's HTML the tests fetched, searched for the keys at the end.
PAGES = []


class Desk:
    def __init__(self, ws):
        self.proc = subprocess.Popen([BIN, "desk", "--listen", "127.0.0.1:0", "--config", ws.config],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.proc.kill()
            raise AssertionError("desk did not start: " + line + self.proc.stderr.read())
        self.url = match.group(1).rstrip("/")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=15)
        return self.proc.returncode, err


def desk_user(ws, *args, password=None):
    return subprocess.run([BIN, "desk-user", *args, "--config", ws.config], input=password and password + "\n",
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    base = tmp_path_factory.mktemp("desk")
    received = str(base / "received")
    controller, handler = smtp_server.start(received)
    ws = Workspace(str(base / "ws"), controller.port, received,
                   delivery="retry_initial_seconds = 0")
    with open(ws.config, "a") as fh:
        fh.write('\n[desk]\nlockout_attempts = 3\nlockout_minutes = 15\nidle_minutes = 30\n')
    ws.drop("a.json", sample_record(NUMBERS[0], contractor__email="wrong-address@example.jp"))
    ws.drop("b.json", sample_record(NUMBERS[1], contractor__name=HOSTILE))
    result = ws.run("run")
    assert result.returncode == 0, result.stderr
    ws.logs = []
    # The keys as issued, read from the contract folders (never from a page), for the final check.
    ws.first_keys = [open(os.path.join(ws.contract(n), "key")).read().strip() for n in NUMBERS]
    yield ws
    controller.stop()


@pytest.fixture(scope="module")
def desk(ws):
    server = Desk(ws)
    yield server
    if server.proc.poll() is None:
        code, err = server.stop()
        ws.logs.append(err)


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def keep(body):
    text = body.decode() if isinstance(body, bytes) else body
    PAGES.append(text)
    return text


def shot(driver, name):
    PAGES.append(driver.page_source)
    return screenshot(driver, SHOTS, name)


def show_html(driver, desk, html, name):
    """A page fetched outside the browser (a refusal), shown in Chromium on the desk's origin."""
    driver.get(desk.url + "/healthz")
    frame = driver.execute_cdp_cmd("Page.getFrameTree", {})["frameTree"]["frame"]["id"]
    driver.execute_cdp_cmd("Page.setDocumentContent", {"frameId": frame, "html": html})
    driver.execute_script("return document.readyState")
    return screenshot(driver, SHOTS, name)


def signed_in(desk, user):
    client = Client(desk.url)
    status, headers, body = client.request("GET", "/signin")
    token = re.search(r'name="csrf" value="([^"]+)"', body.decode()).group(1)
    data = urllib.parse.urlencode({"csrf": token, "user": user, "password": PASSWORDS[user]}).encode()
    status, headers, body = client.request("POST", "/signin", data, FORM)
    assert status == 303 and headers["Location"] == "/", (status, body)
    return client


def token_of(client, path):
    status, _, body = client.request("GET", path)
    assert status == 200, (path, status)
    return re.search(r'name="csrf" value="([^"]+)"', keep(body)).group(1)


def post(client, path, **fields):
    status, headers, body = client.request("POST", path, urllib.parse.urlencode(fields).encode(), FORM)
    return status, headers, keep(body)


def audit(ws):
    """The attempts as `desk audit --json` gives them (an action's started and outcome lines are one)."""
    result = ws.run("desk", "audit", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_accounts_are_added_from_standard_input_and_stored_only_as_hashes(ws):
    for name, role in (("clerk", "operator"), ("reader1", "reader"), ("temp", "operator")):
        result = desk_user(ws, "add", name, "--role", role, password=PASSWORDS[name])
        assert result.returncode == 0, result.stderr
    for name, said in (("<b>x</b>", "letters, digits"), ("a/b", "letters, digits"), ("two words", "letters, digits")):
        refused = desk_user(ws, "add", name, "--role", "reader", password="long enough password")
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    short = desk_user(ws, "add", "shorty", "--role", "reader", password="short")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    again = desk_user(ws, "add", "clerk", "--role", "reader", password="another password")
    assert again.returncode == 2 and "exists already" in again.stderr
    listed = desk_user(ws, "list").stdout
    assert re.search(r"clerk\s+operator", listed) and re.search(r"reader1\s+reader", listed)
    path = os.path.join(ws.spool, "desk-users.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = open(path).read()
    for password in PASSWORDS.values():
        assert password not in stored and password not in listed
    account = json.load(open(path))["accounts"][0]["password"]
    assert (account["algorithm"], account["n"], account["r"], account["p"]) == ("scrypt", 16384, 8, 1)
    assert "hash" not in listed and account["hash"] not in listed


def test_sign_in_search_open_resend_and_the_run_delivers_to_the_corrected_address(ws, desk, browser):
    from selenium.webdriver.common.by import By

    from test_viewer import click_and_read

    browser.get(desk.url + "/")
    assert browser.current_url.endswith("/signin")
    shot(browser, "01-signin")
    browser.find_element(By.NAME, "user").send_keys("clerk")
    browser.find_element(By.NAME, "password").send_keys(PASSWORDS["clerk"])
    text = click_and_read(browser, "form[action='/signin'] button")
    assert browser.current_url == desk.url + "/", text
    for expected in ("本日の状況", "発行済み", "前回のバッチ実行", "clerk（担当者）"):
        assert expected in text, expected
    shot(browser, "02-day")
    cookie = next(c for c in browser.get_cookies() if c["name"] == "mb_desk")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and len(cookie["value"]) == 64

    # Search by the contractor's address, full-width and upper case as a clerk might type it.
    browser.get(desk.url + "/search?q=" + urllib.parse.quote("ＷＲＯＮＧ-ADDRESS"))
    text = browser.find_element(By.TAG_NAME, "body").text
    assert NUMBERS[0] in text and NUMBERS[1] not in text and "有効" in text, text
    shot(browser, "03-search")

    browser.find_element(By.LINK_TEXT, NUMBERS[0]).click()
    text = browser.find_element(By.TAG_NAME, "body").text
    for expected in ("保証契約番号 " + NUMBERS[0], "日置市", "保証証書（印刷用）", "保証料計算書", "受注者あて",
                     "送信済み", "wrong-address@example.jp", "まだありません", "未確認", "履歴"):
        assert expected in text, expected
    assert "key-notice" not in browser.page_source and "認証キー等のお知らせ」は認証キーが記載" in text
    shot(browser, "04-contract")

    browser.find_element(By.LINK_TEXT, "再送する").click()
    assert "/resend" in browser.find_element(By.CSS_SELECTOR, "form.panel").get_attribute("action")
    browser.find_element(By.CSS_SELECTOR, "input[name=to][value=contractor]").click()
    browser.find_element(By.NAME, "address").send_keys("right-address@example.jp")
    browser.find_element(By.NAME, "reason").send_keys("受注者から電話: 登録アドレスの誤り")
    shot(browser, "05-resend-form")
    text = click_and_read(browser, "form.panel button[type=submit]")
    assert "再送を受け付けました" in text, text
    shot(browser, "06-resend-done")

    before = set(os.listdir(ws.received))
    result = ws.run("run")
    assert result.returncode == 0, result.stderr
    arrived = [json.load(open(os.path.join(ws.received, f))) for f in sorted(set(os.listdir(ws.received)) - before) if f.endswith(".json")]
    assert any("right-address@example.jp" in env["rcpt_tos"] for env in arrived), arrived
    shown = ws.run("show", NUMBERS[0]).stdout
    assert "clerk via desk from 127.0.0.1" in shown and "登録アドレスの誤り" in shown, shown
    table = ws.run("desk", "audit").stdout
    assert "clerk" in table and "resend" in table and NUMBERS[0] in table, table
    [entry] = [e for e in audit(ws) if e["action"] == "resend"]
    assert (entry["actor"], entry["channel"], entry["address"], entry["outcome"]) == ("clerk", "desk", "127.0.0.1", "done")

    # The contract page now shows the operator's action in the history.
    browser.get(desk.url + "/contract/" + NUMBERS[0])
    assert "clerk via desk" in browser.find_element(By.TAG_NAME, "body").text


def test_wrong_password_unknown_user_and_a_lockout_that_survives_a_restart(ws, desk, browser):
    client = Client(desk.url)

    def attempt(user, password):
        status, _, body = client.request("GET", "/signin")
        token = re.search(r'name="csrf" value="([^"]+)"', keep(body)).group(1)
        return post(client, "/signin", csrf=token, user=user, password=password)

    status, _, body = attempt("clerk", "not the password")
    assert status == 401 and "ユーザー名かパスワードが違います" in body
    show_html(browser, desk, body, "07-wrong-password")
    status, _, body = attempt("nobody", "whatever password")
    assert status == 401 and "ユーザー名かパスワードが違います" in body
    assert "nobody" not in body  # an unknown name is not echoed back
    status, _, body = attempt("temp", "wrong once more")
    assert status == 429 and "しばらくサインインできません" in body, status
    show_html(browser, desk, body, "08-locked")
    status, _, body = attempt("temp", PASSWORDS["temp"])
    assert status == 429 and "mb_desk=" not in str(client.jar)

    # A restart of the desk remembers it (the count is in a file beside the accounts).
    code, err = desk.stop()
    ws.logs.append(err)
    assert code == 0
    restarted = Desk(ws)
    try:
        client = Client(restarted.url)
        status, _, body = client.request("GET", "/signin")
        token = re.search(r'name="csrf" value="([^"]+)"', body.decode()).group(1)
        status, _, body = post(client, "/signin", csrf=token, user="temp", password=PASSWORDS["temp"])
        assert status == 429, status
    finally:
        code, err = restarted.stop()
        ws.logs.append(err)
    failures = json.load(open(os.path.join(ws.spool, "desk-signin-failures.json")))
    assert "user:temp" in failures and "client:127.0.0.1" in failures
    # The test's later sign-ins come from the same address: the count is cleared as an operator would, by waiting.
    os.remove(os.path.join(ws.spool, "desk-signin-failures.json"))
    desk.__init__(ws)


def test_form_tokens_are_required_and_used_once(ws, desk, browser):
    client = signed_in(desk, "clerk")
    path = "/contract/%s/retry" % NUMBERS[0]
    status, _, body = post(client, path, reason="理由")
    assert status == 403 and "この送信は受け付けられません" in body
    show_html(browser, desk, body, "09-form-refused")
    token = token_of(client, path)
    assert post(client, path, csrf=token, reason="再試行のテスト")[0] == 200
    status, _, body = post(client, path, csrf=token, reason="再試行のテスト")
    assert status == 403 and "二度送信" in body
    # A token from another session is no good either.
    other = signed_in(desk, "clerk")
    assert post(other, path, csrf=token_of(client, path), reason="x")[0] == 403
    # Nor is the sign-in form's token for an action.
    signin_token = re.search(r'name="csrf" value="([^"]+)"', Client(desk.url).request("GET", "/signin")[2].decode()).group(1)
    assert post(client, path, csrf=signin_token, reason="x")[0] == 403


def test_a_reader_sees_but_cannot_act_and_the_refusal_is_audited(ws, desk, browser):
    reader = signed_in(desk, "reader1")
    status, _, body = reader.request("GET", "/contract/" + NUMBERS[0])
    page = keep(body)
    assert status == 200 and NUMBERS[0] in page and "/resend" not in page and "閲覧専用" in page
    status, _, body = reader.request("GET", "/contract/%s/resend" % NUMBERS[0])
    assert status == 403
    token = token_of(reader, "/search?q=x")  # any page of the session gives a token (the sign-out form's)
    queued = sorted(os.listdir(os.path.join(ws.spool, "outbox")))
    status, _, body = post(reader, "/contract/%s/resend" % NUMBERS[0], csrf=token, to="all", reason="読むだけの人")
    assert status == 403 and "閲覧専用のアカウント" in body
    show_html(browser, desk, body, "10-reader-refused")
    assert sorted(os.listdir(os.path.join(ws.spool, "outbox"))) == queued
    entry = audit(ws)[-1]
    assert (entry["actor"], entry["action"], entry["channel"]) == ("reader1", "resend", "desk")
    assert entry["outcome"].startswith("refused") and "reader" in entry["outcome"]


def test_hostile_search_bad_address_unknown_contract_and_the_key_notice(ws, desk, browser):
    client = signed_in(desk, "clerk")
    for q in ('<script>alert(1)</script>', '../../etc/passwd', "株式会社山田組"):
        status, _, body = client.request("GET", "/search?q=" + urllib.parse.quote(q))
        page = keep(body)
        assert status == 200 and "<script>alert" not in page and "<script>document" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in keep(client.request("GET", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")[2])
    status, _, body = client.request("GET", "/search?q=" + urllib.parse.quote("山田組"))
    assert NUMBERS[1] in body.decode() and "&lt;script&gt;document.title" in body.decode()

    # The hostile contractor's contract page, shown by Chromium: no script ran.
    from selenium.webdriver.common.by import By

    for cookie in client.jar:
        browser.get(desk.url + "/healthz")
        browser.delete_all_cookies()
        browser.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})
    browser.get(desk.url + "/search?q=" + urllib.parse.quote("<script>../"))
    shot(browser, "11-search-hostile")
    browser.get(desk.url + "/contract/" + NUMBERS[1])
    assert browser.title != "pwned" and HOSTILE.split(">")[0] in browser.find_element(By.TAG_NAME, "body").text
    shot(browser, "12-contract-hostile-name")

    outbox = sorted(os.listdir(os.path.join(ws.spool, "outbox")))
    path = "/contract/%s/resend" % NUMBERS[0]
    status, _, body = post(client, path, csrf=token_of(client, path), to="contractor", address="not-an-address", reason="誤ったアドレス")
    assert status == 400 and "not a plain e-mail address" in body and 'value="not-an-address"' in body
    show_html(browser, desk, body, "13-resend-bad-address")
    assert sorted(os.listdir(os.path.join(ws.spool, "outbox"))) == outbox

    status, _, body = client.request("GET", "/contract/R07-9999-999999")
    assert status == 404 and "見つかりません" in keep(body)
    status, _, body = post(client, "/contract/R07-9999-999999/retry", csrf=token_of(client, "/"), reason="ない契約")
    assert status in (400, 404) and "R07-9999-999999" in body
    assert not os.path.exists(os.path.join(ws.spool, "contracts", "R07-9999-999999"))

    for url in ("/contract/%s/documents/key-notice.pdf" % NUMBERS[0], "/contract/%s/versions/1/documents/key-notice.pdf" % NUMBERS[0]):
        status, _, body = client.request("GET", url)
        assert status == 403 and b"%PDF" not in body
        keep(body)
    show_html(browser, desk, body.decode(), "14-key-notice-refused")
    status, headers, body = client.request("GET", "/contract/%s/documents/certificate.pdf" % NUMBERS[0])
    assert status == 200 and body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    for url in ("/contract/%s/documents/..%%2Fkey" % NUMBERS[0], "/contract/%s/documents/key" % NUMBERS[0],
                "/contract/..%%2F..%%2Fdesk-users.json/documents/certificate.pdf"):
        status, _, body = client.request("GET", url)
        assert status in (403, 404), url
        keep(body)


def test_other_actions_their_forms_results_and_a_busy_spool(ws, desk, browser):
    from selenium.webdriver.common.by import By

    from test_viewer import click_and_read

    client = signed_in(desk, "clerk")
    browser.get(desk.url + "/healthz")
    browser.delete_all_cookies()
    for cookie in client.jar:
        browser.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})

    # A spool lock held as a run holds it: 503, nothing done.
    path = "/contract/%s/retry" % NUMBERS[1]
    token = token_of(client, path)
    with open(os.path.join(ws.spool, "lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        status, headers, body = post(client, path, csrf=token, reason="実行中の再試行")
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert status == 503 and "1分ほど待って" in body and headers.get("Retry-After") == "60"
    show_html(browser, desk, body, "15-busy")

    steps = [("retry", "16-retry-form", "17-retry-done", "再試行を受け付けました"),
             ("reissue-key", "18-reissue-form", "19-reissue-done", "認証キーを再発行しました")]
    for action, form_shot, done_shot, done in steps:
        browser.get(desk.url + "/contract/%s/%s" % (NUMBERS[1], action))
        browser.find_element(By.NAME, "reason").send_keys("受注者の依頼（%s）" % action)
        shot(browser, form_shot)
        text = click_and_read(browser, "form.panel button[type=submit]")
        assert done in text, text
        shot(browser, done_shot)

    browser.get(desk.url + "/contract/%s/revoke" % NUMBERS[1])
    browser.find_element(By.NAME, "reason").send_keys("契約の取り消し")
    shot(browser, "20-revoke-form")
    text = click_and_read(browser, "form.panel button[type=submit]")
    assert "失効させてよいですか" in text and "取り消せません" in text
    assert json.load(open(os.path.join(ws.contract(NUMBERS[1]), "certificate.json")))["state"] == "valid"
    shot(browser, "21-revoke-confirm")
    text = click_and_read(browser, "form.panel button[type=submit]")
    assert "電子証書を失効させました" in text, text
    shot(browser, "22-revoke-done")
    assert json.load(open(os.path.join(ws.contract(NUMBERS[1]), "certificate.json")))["state"] == "revoked"

    # A held record, listed with its note on the day's view and taken back.
    held = os.path.join(ws.spool, "held")
    os.makedirs(held, exist_ok=True)
    with open(os.path.join(held, "c.json"), "w") as fh:
        json.dump(sample_record("R07-4621-000703"), fh, ensure_ascii=False)
    with open(os.path.join(held, "c.json.error.txt"), "w") as fh:
        fh.write("the template document-certificate.mustache does not parse\n")
    browser.get(desk.url + "/")
    assert "document-certificate.mustache does not parse" in browser.find_element(By.TAG_NAME, "body").text
    shot(browser, "23-day-with-held")
    browser.find_element(By.LINK_TEXT, "戻す").click()
    browser.find_element(By.NAME, "reason").send_keys("テンプレートを直した")
    shot(browser, "24-release-form")
    text = click_and_read(browser, "form.panel button[type=submit]")
    assert "受付に戻しました" in text, text
    shot(browser, "25-release-done")
    assert "c.json" in os.listdir(os.path.join(ws.spool, "incoming"))
    actions = [(e["actor"], e["action"], e["outcome"]) for e in audit(ws) if e["actor"] == "clerk"]
    for action in ("retry", "reissue-key", "revoke", "release"):
        assert ("clerk", action, "done") in actions, actions


def test_a_cookie_from_before_the_account_was_removed_or_its_password_changed_is_refused(ws, desk):
    # temp was locked earlier and the count cleared; sign in afresh.
    client = signed_in(desk, "temp")
    assert client.request("GET", "/")[0] == 200
    assert desk_user(ws, "remove", "temp").returncode == 0
    status, headers, _ = client.request("GET", "/")
    assert status == 303 and headers["Location"] == "/signin"
    # Added again under the same name: the old cookie still names the old account.
    assert desk_user(ws, "add", "temp", "--role", "operator", password=PASSWORDS["temp"]).returncode == 0
    assert client.request("GET", "/")[0] == 303
    fresh = signed_in(desk, "temp")
    assert desk_user(ws, "passwd", "temp", password="a brand new password").returncode == 0
    assert fresh.request("GET", "/")[0] == 303


def test_sign_out_ends_the_session(ws, desk, browser):
    from selenium.webdriver.common.by import By

    client = signed_in(desk, "clerk")
    token = token_of(client, "/")
    status, headers, _ = post(client, "/signout", csrf=token)
    assert status == 303 and headers["Location"] == "/signin"
    assert client.request("GET", "/")[0] == 303
    status, headers, body = client.request("GET", "/healthz")
    assert status == 200 and body == b"ok\n"
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert name in client.request("GET", "/signin")[1]


def test_a_proxys_user_header_counts_only_from_that_proxy(ws):
    original = open(ws.config).read()
    desk_block = "[desk]\nlockout_attempts = 3\n"
    try:
        for proxy, accepted in (("127.0.0.1", True), ("192.0.2.1", False)):
            with open(ws.config, "w") as fh:
                fh.write(original.replace(desk_block, desk_block + 'trusted_user_header = "X-Remote-User"\ntrusted_proxy = "%s"\n' % proxy))
            server = Desk(ws)
            try:
                client = Client(server.url)
                status, headers, body = client.request("GET", "/", headers={"X-Remote-User": "clerk"})
                if accepted:
                    assert status == 200 and "clerk（担当者）" in keep(body)
                    # The session it opened serves the next request even without the header.
                    assert client.request("GET", "/search?q=x")[0] == 200
                    assert Client(server.url).request("GET", "/", headers={"X-Remote-User": "nobody"})[0] == 303
                else:
                    assert status == 303 and headers["Location"] == "/signin"
            finally:
                ws.logs.append(server.stop()[1])
    finally:
        with open(ws.config, "w") as fh:
            fh.write(original)


def test_no_key_in_any_page_log_or_the_audit_trail(ws, desk):
    code, err = desk.stop()
    ws.logs.append(err)
    keys = list(ws.first_keys)
    for number in NUMBERS:
        folder = ws.contract(number)
        keys.append(open(os.path.join(folder, "key")).read().strip())
        versions = os.path.join(folder, "versions")
        for version in os.listdir(versions) if os.path.isdir(versions) else []:
            path = os.path.join(versions, version, "key")
            if os.path.exists(path):
                keys.append(open(path).read().strip())
    assert len(set(keys)) >= 3  # the two issued and the reissued one
    audit_text = open(os.path.join(ws.spool, "audit.jsonl"), encoding="utf-8").read()
    everything = "\n".join(PAGES + ws.logs + [audit_text])
    assert len(PAGES) > 20 and "desk sign-in" in "\n".join(ws.logs)
    for key in keys:
        for form in (key, key.replace("-", "")):
            assert form not in everything
