"""STARTTLS with a certificate the test makes, AUTH PLAIN, and the policy around them."""
import os

import certs
import smtp_server
from conftest import Workspace, sample_record

PASSWORD = "s3cret-Pa55word!"


def start_tls_server(tmp_path, require_starttls=True, with_tls=True):
    paths = certs.make(str(tmp_path / "certs"))
    auth = smtp_server.Authenticator("mailbatch", PASSWORD)
    received = str(tmp_path / "received")
    controller, handler = smtp_server.start(
        received, tls_cert=paths["server.pem"] if with_tls else None, tls_key=paths["server.key"],
        require_starttls=require_starttls, auth=auth, auth_require_tls=True)
    return controller, handler, auth, received, paths


def test_starttls_and_auth_plain(tmp_path):
    controller, handler, auth, received, paths = start_tls_server(tmp_path)
    try:
        ws = Workspace(str(tmp_path / "ws"), controller.port, received)
        password_file = tmp_path / "password"
        password_file.write_text(PASSWORD + "\n")
        os.chmod(password_file, 0o600)
        ws.write_config(tls="starttls", extra_smtp=f'username = "mailbatch"\npassword_file = "{password_file}"\nca_file = "{paths["ca.pem"]}"')
        ws.drop("a.json", sample_record())
        result = ws.run("run")
        assert result.returncode == 0, result.stdout + result.stderr
        (env, msg, raw), = ws.messages()
        assert env["tls"] is True
        assert env["auth"] == "mailbatch"
        assert auth.attempts and all(a["tls"] for a in auth.attempts)
        assert PASSWORD not in result.stdout + result.stderr
        for root, _, files in os.walk(ws.spool):
            for f in files:
                assert PASSWORD.encode() not in open(os.path.join(root, f), "rb").read()
    finally:
        controller.stop()


def test_password_from_environment(tmp_path):
    controller, handler, auth, received, paths = start_tls_server(tmp_path)
    try:
        ws = Workspace(str(tmp_path / "ws"), controller.port, received)
        ws.write_config(tls="starttls", extra_smtp=f'username = "mailbatch"\nca_file = "{paths["ca.pem"]}"')
        ws.drop("a.json", sample_record())
        result = ws.run("run", env={"MAILBATCH_SMTP_PASSWORD": PASSWORD})
        assert result.returncode == 0, result.stdout + result.stderr
        assert len(ws.messages()) == 1
    finally:
        controller.stop()


def test_untrusted_certificate_is_not_accepted(tmp_path):
    controller, handler, auth, received, paths = start_tls_server(tmp_path)
    try:
        ws = Workspace(str(tmp_path / "ws"), controller.port, received)
        ws.write_config(tls="starttls")  # no ca_file: the test CA is not trusted
        ws.drop("a.json", sample_record())
        result = ws.run("run")
        assert result.returncode == 75, result.stdout + result.stderr
        assert ws.messages() == []
        assert ws.listdir("outbox") == ["R07-4621-000123.contractor.json"]
    finally:
        controller.stop()


def test_starttls_required_never_falls_back_to_plain(tmp_path):
    # A server that offers no STARTTLS at all.
    received = str(tmp_path / "received")
    controller, handler = smtp_server.start(received)
    try:
        ws = Workspace(str(tmp_path / "ws"), controller.port, received)
        ws.write_config(tls="starttls")
        ws.drop("a.json", sample_record())
        result = ws.run("run")
        assert result.returncode == 75, result.stdout + result.stderr
        assert ws.messages() == []
        import json
        envelope = json.load(open(os.path.join(ws.spool, "outbox", "R07-4621-000123.contractor.json")))
        assert "STARTTLS" in envelope["attempts"][-1]["reply"]
    finally:
        controller.stop()


def test_credentials_in_clear_text_only_to_loopback(tmp_path):
    ws = Workspace(str(tmp_path / "ws"), 2525, str(tmp_path / "received"))
    ws.write_config(url="smtp://mail.example.jp:25", tls="none", extra_smtp='username = "mailbatch"')
    result = ws.run("run", env={"MAILBATCH_SMTP_PASSWORD": PASSWORD})
    assert result.returncode == 2
    assert "clear text" in result.stderr
    assert PASSWORD not in result.stderr


def test_hostname_mismatch_fails(tmp_path):
    paths = certs.make(str(tmp_path / "certs"), hosts=("mail.example.jp",))
    received = str(tmp_path / "received")
    controller, handler = smtp_server.start(received, tls_cert=paths["server.pem"], tls_key=paths["server.key"], require_starttls=True)
    try:
        ws = Workspace(str(tmp_path / "ws"), controller.port, received)
        ws.write_config(tls="starttls", extra_smtp=f'ca_file = "{paths["ca.pem"]}"')
        ws.drop("a.json", sample_record())
        result = ws.run("run")
        assert result.returncode == 75, result.stdout + result.stderr
        assert ws.messages() == []
        import json
        reply = json.load(open(os.path.join(ws.spool, "outbox", "R07-4621-000123.contractor.json")))["attempts"][-1]["reply"]
        assert "certificate" in reply.lower() or "ssl" in reply.lower(), reply
    finally:
        controller.stop()


def test_credentials_over_plain_text_to_loopback_are_allowed(tmp_path):
    received = str(tmp_path / "received")
    auth = smtp_server.Authenticator("mailbatch", PASSWORD)
    controller, handler = smtp_server.start(received, auth=auth, auth_require_tls=False)
    try:
        ws = Workspace(str(tmp_path / "ws"), controller.port, received)
        ws.write_config(tls="none", extra_smtp='username = "mailbatch"')
        ws.drop("a.json", sample_record())
        result = ws.run("run", env={"MAILBATCH_SMTP_PASSWORD": PASSWORD})
        assert result.returncode == 0, result.stdout + result.stderr
        (env, _, _), = ws.messages()
        assert env["auth"] == "mailbatch" and env["tls"] is False
    finally:
        controller.stop()
