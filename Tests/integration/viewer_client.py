"""Helpers for the viewer tests: start `mailbatch serve` on a free port, a small HTTP client that
keeps cookies (as a browser does), and a headless Chromium driven by selenium."""
import http.cookiejar
import os
import re
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from conftest import BIN


class Server:
    def __init__(self, ws, *extra):
        self.proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--config", ws.config, *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (https?://\S+)", line)
        if not match:
            self.proc.kill()
            raise AssertionError("serve did not start: " + line + self.proc.stderr.read())
        self.url = match.group(1)
        self.stderr_text = ""

    def stop(self, timeout=15):
        """SIGTERM, as systemd stops it; returns the exit code and everything it logged."""
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=timeout)
        self.stderr_text = err
        return self.proc.returncode


class _LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies go back to a loopback server over http, as browsers do for 127.0.0.1."""

    def return_ok_secure(self, cookie, request):
        return True


class Client:
    """Cookies kept, redirects not followed, every response returned (errors included)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base, context=None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar(policy=_LoopbackPolicy())
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect()]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, method, path, data=None, headers=None):
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, dict(resp.headers.items()), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers.items()), err.read()

    def form_token(self, path="/"):
        status, headers, body = self.request("GET", path)
        assert status == 200
        return re.search(r'name="csrf" value="([^"]+)"', body.decode()).group(1)

    def lookup(self, number, key, token=None):
        token = token if token is not None else self.form_token()
        data = urllib.parse.urlencode({"csrf": token, "contract_number": number, "key": key}).encode()
        return self.request("POST", "/lookup", data, {"Content-Type": "application/x-www-form-urlencoded"})


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,1400",
                "--lang=ja-JP", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": "/tmp", "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def screenshot(driver, folder, name):
    """Every page the tests visit is kept as a PNG (full page height) for a person to look at."""
    os.makedirs(folder, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, max(800, min(height + 40, 4000)))
    path = os.path.join(folder, name + ".png")
    driver.save_screenshot(path)
    return path
