"""What the clerk sees of a cancelled contract under every key, and what `verify` says first: 解約
before anything else, then which version the key opened; no 保証証書 PDF under any key."""
import os

from conftest import ROOT, sample_record
from test_told import CANCEL, FIRST, HIOKI, NUMBER, amendment, overrides, run
from viewer_client import Client, Server, chromium, screenshot

SHOTS = os.environ.get("TOLD_SCREENSHOTS", os.path.join(ROOT, ".build", "told-screenshots"))


def key_of(ws, version=None):
    folder = ws.contract(NUMBER) if version is None else os.path.join(ws.contract(NUMBER), "versions", str(version))
    return open(os.path.join(folder, "key")).read().strip()


def page(server, key):
    client = Client(server.url)
    status, headers, _ = client.lookup(NUMBER, key)
    assert status in (302, 303), status
    status, _, body = client.request("GET", "/certificate")
    assert status == 200
    return client, body.decode()


def test_every_key_of_a_cancelled_contract_says_cancelled_first_and_hands_out_no_pdf(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n')
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    ws.drop("cancel.json", CANCEL)
    run(ws)
    old_key, new_key = key_of(ws, 1), key_of(ws)
    notice = "この保証契約は令和7年10月14日付けで解約されています（理由: 契約解除に伴う解約）。同日以後、この保証契約による保証はありません。"
    server = Server(ws)
    try:
        client, html = page(server, old_key)
        assert "状態: 解約" in html and "変更前の内容（最新ではありません）" not in html
        assert notice in html
        opened = "この認証キーで表示しているのは第1版（当初）の内容です。"
        assert opened in html and html.index(notice) < html.index(opened)
        assert "certificate.pdf" not in html
        status, _, _ = client.request("GET", "/certificate/certificate.pdf")
        assert status == 410

        client, html = page(server, new_key)
        assert "状態: 解約" in html and notice in html and "（変更第1号）</h1>" in html
        status, _, _ = client.request("GET", "/certificate/certificate.pdf")
        assert status == 410

        browser = chromium()
        try:
            from test_viewer import submit
            submit(browser, server.url, NUMBER, old_key)
            screenshot(browser, SHOTS, "cancelled-under-the-first-key")
            submit(browser, server.url, NUMBER, new_key)
            screenshot(browser, SHOTS, "cancelled-under-the-current-key")
        finally:
            browser.quit()
    finally:
        assert server.stop() == 0

    verified = ws.run("verify", NUMBER, old_key)
    first = verified.stdout.splitlines()[0]
    assert "解約" in first and "valid" not in first and "有効" not in first, first
    assert verified.returncode == 1


def test_verify_of_a_changed_contracts_earlier_key_says_so_first(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n')
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    verified = ws.run("verify", NUMBER, key_of(ws, 1))
    first = verified.stdout.splitlines()[0]
    assert "変更前" in first and "有効" not in first, first
    assert verified.returncode == 1


def test_the_page_after_two_changes_prints_on_one_a4_page_with_whole_amounts_and_dates(workspace, tmp_path):
    import base64
    import subprocess

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.print_page_options import PrintOptions

    from test_told import SECOND
    from test_viewer import submit

    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n')
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    ws.drop("amend2.json", amendment(**SECOND))
    run(ws)
    server = Server(ws)
    browser = chromium()
    try:
        text = submit(browser, server.url, NUMBER, key_of(ws))
        assert "変更履歴" in text
        heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.amendments thead th")]
        assert heads == ["項目", "変更前", "変更後"], heads
        screenshot(browser, SHOTS, "after-two-changes")
        # Every amount and date of the 変更履歴 on one line: one box per unbreakable part.
        parts = browser.find_elements(By.CSS_SELECTOR, "table.amendments .nobr")
        assert parts, "the 変更履歴 has its values"
        for width in (1200, 800):
            browser.set_window_size(width, 1400)
            for part in parts:
                rects = browser.execute_script("return arguments[0].getClientRects().length", part)
                assert rects == 1, (width, part.text)
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7
        # The page's own @page margins (14 mm, 16 mm), as a browser's print dialog uses them.
        options.margin_top = options.margin_bottom = 1.4
        options.margin_left = options.margin_right = 1.6
        pdf = tmp_path / "printed.pdf"
        pdf.write_bytes(base64.b64decode(browser.print_page(options)))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int([line for line in info.splitlines() if line.startswith("Pages:")][0].split()[1])
        os.makedirs(SHOTS, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), os.path.join(SHOTS, "after-two-changes-printed")], check=True)
        assert pages == 1, f"the printed page takes {pages} A4 pages"
    finally:
        browser.quit()
        assert server.stop() == 0
