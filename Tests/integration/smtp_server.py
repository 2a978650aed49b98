"""A real SMTP server (aiosmtpd) on loopback that records what it receives, with fault injection.

Used by the integration tests (in-process) and by scripts/demo (as a program).
Each accepted message is written to OUT/<n>.eml with OUT/<n>.json holding the envelope.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import random
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    """A free TCP port on 127.0.0.1 below 32768, chosen at run time."""
    for _ in range(200):
        port = random.randint(20000, 32767)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below 32768")


class Faults:
    """What the server should do wrong. Tests set these between runs."""

    def __init__(self):
        self.rcpt_replies = {}      # address -> reply, e.g. "550 5.1.1 no such user"
        self.rcpt_once = {}         # address -> reply, given once then accepted
        self.data_reply = None      # reply instead of 250 after DATA
        self.data_replies_once = [] # replies for the next DATA commands, consumed in order
        self.drop_in_data = 0       # drop the connection during the next N DATA transfers
        self.data_delay = 0.0       # seconds to wait before answering DATA
        self.ehlo_delay = 0.0       # seconds to wait before answering EHLO (a server that never answers)


class RecordingHandler:
    def __init__(self, out_dir, faults=None):
        self.out_dir = out_dir
        self.faults = faults or Faults()
        self.count = 0
        self.lock = threading.Lock()
        os.makedirs(out_dir, exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        f = self.faults
        if address in f.rcpt_once:
            return f.rcpt_once.pop(address)
        if address in f.rcpt_replies:
            return f.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.faults.ehlo_delay:
            await asyncio.sleep(self.faults.ehlo_delay)
        session.host_name = hostname
        return responses

    @staticmethod
    def _login(session):
        data = getattr(session, "auth_data", None)
        if session.authenticated and isinstance(data, LoginPassword):
            return data.login.decode()
        return None

    async def handle_DATA(self, server, session, envelope):
        f = self.faults
        if f.data_delay:
            await asyncio.sleep(f.data_delay)
        if f.drop_in_data > 0:
            f.drop_in_data -= 1
            server.transport.close()
            return "421 closing"
        if f.data_replies_once:
            return f.data_replies_once.pop(0)
        if f.data_reply:
            return f.data_reply
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.out_dir, "%05d" % n)
        with open(base + ".eml", "wb") as fh:
            fh.write(envelope.original_content)
        with open(base + ".json", "w") as fh:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "auth": self._login(session)}, fh)
        return "250 2.0.0 OK: queued as %05d" % n


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password
        self.attempts.append({"mechanism": mechanism, "tls": session.ssl is not None, "ok": ok})
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


def start(out_dir, port=None, faults=None, tls_cert=None, tls_key=None, require_starttls=False,
          auth=None, auth_require_tls=True):
    """Starts the server in a thread; returns (controller, handler)."""
    port = port or free_port()
    handler = RecordingHandler(out_dir, faults)
    kwargs = {}
    if tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(tls_cert, tls_key)
        kwargs["tls_context"] = ctx
        kwargs["require_starttls"] = require_starttls
    if auth:
        kwargs["authenticator"] = auth
        kwargs["auth_require_tls"] = auth_require_tls
    else:
        kwargs["auth_require_tls"] = False
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="mail.test", **kwargs)
    controller.start()
    return controller, handler


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    args = parser.parse_args()
    controller, _ = start(args.out, port=args.port or None)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as fh:
            fh.write(str(controller.port))
        os.replace(args.port_file + ".tmp", args.port_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.is_set():
        stop.wait(0.5)
    controller.stop()


if __name__ == "__main__":
    main()
