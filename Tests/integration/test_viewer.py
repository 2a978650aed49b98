"""The orderer's viewer (`mailbatch serve`) in a real Chromium: look a certificate up, print it on
one A4 page, download what it offers, check a data file; and the security a certificate viewer
needs: identical refusals, lockout, escaping, CSRF, headers, size limits, no key in any log."""
import base64
import hashlib
import json
import os
import re
import ssl
import subprocess
import time
import urllib.parse

import pytest

import certs
from conftest import ROOT, Workspace, sample_record
from viewer_client import Client, Server, chromium, screenshot

SHOTS = os.environ.get("VIEWER_SCREENSHOTS", os.path.join(ROOT, ".build", "viewer-screenshots"))
HOSTILE = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned2\'">株式会社山田組'
NUMBERS = ["R07-4621-000123", "R07-4621-000124", "R07-4621-000125", "R07-4621-000126"]


@pytest.fixture(scope="module")
def spool(tmp_path_factory):
    """One batch for the module: four 日置市 contracts (one whose contractor is named with markup),
    signed, with [viewer] set. The SMTP server is only needed while the batch runs."""
    import smtp_server

    base = tmp_path_factory.mktemp("viewer")
    received = str(base / "received")
    controller, handler = smtp_server.start(received)
    try:
        ws = Workspace(str(base / "ws"), controller.port, received)
        keys = os.path.join(ws.path, "keys")
        assert ws.run("keygen", "--out", keys).returncode == 0
        with open(ws.config, "a") as fh:
            fh.write(f'\n[signing]\nprivate_key_file = "{keys}/signing-key.pem"\n'
                     '[viewer]\nurl = "https://viewer.example.jp/"\n')
        ws.drop("a.json", sample_record(NUMBERS[0]))
        ws.drop("b.json", sample_record(NUMBERS[1], contractor__name=HOSTILE))
        ws.drop("c.json", sample_record(NUMBERS[2]))
        ws.drop("d.json", sample_record(NUMBERS[3]))
        result = ws.run("run")
        assert result.returncode == 0, result.stderr
    finally:
        controller.stop()
    ws.keys = {n: open(os.path.join(ws.contract(n), "key")).read().strip() for n in NUMBERS}
    return ws


@pytest.fixture
def server(spool):
    srv = Server(spool)
    yield srv
    if srv.proc.poll() is None:
        assert srv.stop() == 0, "serve did not stop cleanly on SIGTERM"


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def fingerprint(ws, number):
    value = json.load(open(os.path.join(ws.contract(number), "certificate.json")))["signature"]["value"]
    hexa = hashlib.sha256(value.encode()).hexdigest()[:16].upper()
    return " ".join(hexa[i:i + 4] for i in range(0, 16, 4))


def submit(driver, url, number, key):
    from selenium.webdriver.common.by import By

    driver.get(url)
    driver.find_element(By.NAME, "contract_number").send_keys(number)
    driver.find_element(By.NAME, "key").send_keys(key)
    return click_and_read(driver, "form[action='/lookup'] button")


def click_and_read(driver, selector):
    """Clicks, waits until the browser has left the page, and returns the new page's text."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, selector).click()

    def left_the_page(d):
        # Mid-navigation chromedriver may answer "stale" or "node does not belong to the document":
        # either way the old page is gone.
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(driver, 20).until(left_the_page)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return driver.find_element(By.TAG_NAME, "body").text


def test_lookup_print_and_downloads_in_chromium(spool, server, browser, tmp_path):
    ws, number = spool, NUMBERS[0]
    browser.get(server.url)
    screenshot(browser, SHOTS, "1-form")
    # Typed as a clerk might: full-width digits and a lower-case key without dashes.
    typed_number = number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    text = submit(browser, server.url, typed_number, ws.keys[number].lower().replace("-", ""))
    assert browser.current_url.endswith("/certificate"), text
    assert ws.keys[number] not in browser.current_url and "key=" not in browser.current_url
    screenshot(browser, SHOTS, "2-certificate")
    certificate = json.load(open(os.path.join(ws.contract(number), "certificate.json")))
    for expected in (number, "前払金保証", "日置市長", certificate["principal"]["name"], certificate["project"]["name"],
                     "金19,360,000円", "金48,400,000円", "状態: 有効", "電子証書を発行", fingerprint(ws, number),
                     "鹿児島支店", "099-257-2722"):
        assert expected in text, expected
    assert ws.keys[number] not in browser.page_source

    # Printed through the DevTools protocol with the page's own @page rule: one A4 page.
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\n", info), info
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, info
    printed = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert number in printed and fingerprint(ws, number) in printed
    assert "ダウンロード" not in printed and "閲覧を終了する" not in printed
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), os.path.join(SHOTS, "3-printed")], check=True)

    # The downloads go with the browser's session cookie; the key is never in a link.
    client = Client(server.url)
    for cookie in browser.get_cookies():
        client.jar.set_cookie(http_cookie(cookie))
    status, headers, body = client.request("GET", "/certificate/certificate.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body == open(os.path.join(ws.contract(number), "documents", "certificate.pdf"), "rb").read()
    assert "filename*=UTF-8''" + urllib.parse.quote(f"保証証書_{number}.pdf") in headers["Content-Disposition"]
    status, headers, body = client.request("GET", "/certificate/data.json")
    data = json.loads(body)
    assert status == 200 and data["contract_number"] == number and "key_digest" not in data and "signature" in data
    # Without the session: refused.
    assert Client(server.url).request("GET", "/certificate/data.json")[0] == 403

    # 閲覧を終了する ends the session.
    from selenium.webdriver.common.by import By
    click_and_read(browser, "form[action='/logout'] button")
    assert browser.current_url.rstrip("/") == server.url.rstrip("/")
    browser.get(server.url + "certificate")
    assert "閲覧できる時間が過ぎました" in browser.find_element(By.TAG_NAME, "body").text


def http_cookie(c):
    import http.cookiejar
    return http.cookiejar.Cookie(0, c["name"], c["value"], None, False, "127.0.0.1", False, False, "/", True,
                                 False, None, False, None, None, {})


def test_wrong_key_and_unknown_number_get_the_very_same_answer(spool, server, browser):
    ws = spool
    client = Client(server.url)
    wrong = client.lookup(NUMBERS[2], "2222-2222-2222-2222-2222")
    unknown = client.lookup("R07-9999-000001", ws.keys[NUMBERS[2]])
    junk = client.lookup("../../etc/passwd", "x")
    assert wrong[0] == unknown[0] == junk[0] == 403
    assert wrong[2] == unknown[2]
    strip = lambda h: {k: v for k, v in h.items() if k.lower() not in ("date",)}
    assert strip(wrong[1]) == strip(unknown[1])
    # What cannot be a number is told so (said of the input only, so it tells nothing of the spool).
    assert "保証契約番号として読み取れませんでした" in junk[2].decode()
    assert "保証契約番号または認証キーが正しくありません" in wrong[2].decode()
    submit(browser, server.url, "R07-9999-000001", "AAAA")
    screenshot(browser, SHOTS, "4-denied")


def test_number_lockout_and_client_lockout_answer_429(spool, server, browser):
    ws = spool
    client = Client(server.url)
    number = NUMBERS[3]
    for _ in range(5):
        assert client.lookup(number, "2222-2222-2222-2222-2222")[0] == 403
    status, headers, body = client.lookup(number, ws.keys[number])
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert "まで閲覧を止めています" in body.decode()
    submit(browser, server.url, number, ws.keys[number])
    screenshot(browser, SHOTS, "5-locked")
    # A client that fails on many numbers is refused even a right pair (a fresh server: in-memory rule).
    other = Server(ws)
    try:
        c2 = Client(other.url)
        for i in range(10):
            assert c2.lookup(f"R07-8888-{i:06d}", "2222")[0] == 403
        assert c2.lookup(NUMBERS[2], ws.keys[NUMBERS[2]])[0] == 429
    finally:
        assert other.stop() == 0


def test_markup_in_a_name_shows_as_text(spool, server, browser):
    ws, number = spool, NUMBERS[1]
    text = submit(browser, server.url, number, ws.keys[number])
    assert HOSTILE in text
    assert browser.title != "pwned" and browser.title != "pwned2" and "電子証書" in browser.title
    assert "&lt;script&gt;" in browser.page_source
    assert not browser.find_elements("css selector", "main script, main img")
    screenshot(browser, SHOTS, "6-markup-as-text")


def test_headers_csrf_methods_and_size_limits(spool, server):
    ws = spool
    client = Client(server.url)
    status, headers, body = client.request("GET", "/")
    assert status == 200
    assert "default-src 'self'" in headers["Content-Security-Policy"] and "script-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    assert "Secure" in headers["Set-Cookie"]  # [viewer] url is https://: the proxy in front speaks TLS
    assert "<script" not in body.decode()
    assert client.request("GET", "/healthz")[0] == 200
    # No form token, a forged one, or another browser's: refused.
    data = urllib.parse.urlencode({"contract_number": NUMBERS[0], "key": ws.keys[NUMBERS[0]]}).encode()
    assert Client(server.url).request("POST", "/lookup", data, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    forged = Client(server.url)
    forged.form_token()
    assert forged.lookup(NUMBERS[0], ws.keys[NUMBERS[0]], token="00.00")[0] == 403
    assert Client(server.url).lookup(NUMBERS[0], ws.keys[NUMBERS[0]], token=client.form_token())[0] == 403
    # The key is taken from a POST body only.
    assert client.request("GET", f"/lookup?contract_number={NUMBERS[0]}&key={ws.keys[NUMBERS[0]]}")[0] in (404, 405)
    # Too large: 413, with the same headers.
    status, headers, _ = client.request("POST", "/lookup", b"a=" + b"x" * 20000, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and headers["X-Content-Type-Options"] == "nosniff"
    assert client.request("GET", "/../../etc/passwd")[0] == 404
    assert client.request("GET", "/certificate/..%2fkey")[0] == 404
    # The right pair through the plain client: a 303 to /certificate and an HttpOnly session cookie.
    status, headers, _ = client.lookup(NUMBERS[0], ws.keys[NUMBERS[0]])
    assert status == 303 and headers["Location"] == "/certificate"
    status, headers, body = client.request("GET", "/certificate")
    assert status == 200 and headers["Cache-Control"] == "no-store" and NUMBERS[0] in body.decode()


def test_data_check_names_the_altered_field(spool, server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    ws, number = spool, NUMBERS[0]
    document = json.load(open(os.path.join(ws.contract(number), "certificate.json")))
    for member in ("key_digest", "revoked_key_digests"):
        document.pop(member, None)
    good = tmp_path / f"電子証書データ_{number}.json"
    good.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    document["guarantee"]["amount"] = 99999999
    bad = tmp_path / "altered.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    def check(path):
        browser.get(server.url + "check")
        browser.find_element(By.NAME, "file").send_keys(str(path))
        return click_and_read(browser, "form[action='/check'] button")

    text = check(good)
    assert "署名は正しく、改ざんはありません" in text and "金19,360,000円" in text
    screenshot(browser, SHOTS, "7-check-good")
    text = check(bad)
    assert "改ざんされています" in text and "「保証金額」（$.guarantee.amount）" in text
    screenshot(browser, SHOTS, "8-check-altered")


def test_revoked_and_reissued_keys(spool, server, browser):
    ws = spool
    number = NUMBERS[2]
    old = ws.keys[number]
    assert ws.run("reissue-key", number).returncode == 0
    new = open(os.path.join(ws.contract(number), "key")).read().strip()
    client = Client(server.url)
    status, _, body = client.lookup(number, old)
    assert status == 403 and "再発行により無効" in body.decode()
    assert ws.run("revoke", number, "--reason", "契約解除のため").returncode == 0
    text = submit(browser, server.url, number, new)
    assert "状態: 失効" in text and "契約解除のため" in text and "認証キーを再発行" in text
    assert "この電子証書は失効しています" in text
    screenshot(browser, SHOTS, "9-revoked")
    ws.keys[number] = new


def test_attempt_log_and_server_log_hold_no_key(spool, server):
    ws = spool
    client = Client(server.url)
    assert client.lookup(NUMBERS[0], ws.keys[NUMBERS[0]])[0] == 303
    assert client.lookup(NUMBERS[0], "2222-2222-2222-2222-2222")[0] == 403
    assert server.stop() == 0
    logs = server.stderr_text + "".join(open(os.path.join(ws.spool, "verify", f)).read()
                                        for f in os.listdir(os.path.join(ws.spool, "verify")) if f.endswith(".log"))
    assert "viewer 127.0.0.1 key matched" in logs and "viewer 127.0.0.1 no match" in logs
    assert "client=127.0.0.1" in server.stderr_text and f"contract={NUMBERS[0]}" in server.stderr_text
    for key in ws.keys.values():
        for form in (key, key.replace("-", ""), key.lower()):
            assert form not in logs
    assert "2222-2222" not in logs


def test_tls_directly(spool, tmp_path):
    paths = certs.make(str(tmp_path / "tls"))
    ca, cert, key = paths["ca.pem"], paths["server.pem"], paths["server.key"]
    srv = Server(spool, "--tls-cert", cert, "--tls-key", key)
    try:
        assert srv.url.startswith("https://")
        context = ssl.create_default_context(cafile=ca)
        status, headers, body = Client(srv.url, context=context).request("GET", "/healthz")
        assert status == 200 and body == b"ok\n"
    finally:
        assert srv.stop() == 0
