"""PAdES signatures on the print-out, the statement and the receipt ([pdf_signing]), checked with
poppler's pdfsig and with pyHanko against a test CA and a local time-stamp authority."""
import os
import re
import subprocess

import pytest

import pades_ca
from conftest import sample_record

SIGNED = ["certificate.pdf", "premium-statement.pdf", "receipt.pdf"]
NOTICE = "この書類には西日本建設業保証株式会社の電子署名とタイムスタンプが付与されています"


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("ca"))
    return folder, pades_ca.make(folder)


@pytest.fixture
def tsa(ca):
    server = pades_ca.TSA(*ca)
    yield server
    server.stop()


def signing_config(ca_folder, tsa_url):
    lines = ["[pdf_signing]",
             f'certificate_file = "{ca_folder}/signer.pem"',
             f'private_key_file = "{ca_folder}/signer.key"',
             f'chain_file = "{ca_folder}/ca.pem"']
    if tsa_url:
        lines += [f'tsa_url = "{tsa_url}"', f'tsa_ca_file = "{ca_folder}/ca.pem"', "tsa_timeout_seconds = 3"]
    return "\n".join(lines) + "\n"


def pdfsig(path):
    return subprocess.run(["pdfsig", path], capture_output=True, text=True).stdout


def pyhanko_status(ca_pem, path):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    vc = ValidationContext(trust_roots=[load_cert_from_pemder(ca_pem)], allow_fetching=False, revocation_mode="soft-fail")
    with open(path, "rb") as fh:
        signatures = PdfFileReader(fh).embedded_signatures
        assert len(signatures) == 1, path
        sig = signatures[0]
        status = validate_pdf_signature(sig, vc, ts_validation_context=vc)
        attrs = [a["type"].native for a in sig.signer_info["signed_attrs"]]
        return sig.sig_object["/SubFilter"], attrs, status


def text(path):
    return subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True).stdout


def documents(ws, number="R07-4621-000123"):
    return os.path.join(ws.contract(number), "documents")


def test_signed_documents_are_valid_pades_with_a_timestamp_and_cover_the_whole_file(workspace, ca, tsa):
    folder, _ = ca
    workspace.write_config(extra=signing_config(folder, tsa.url))
    workspace.drop("R07-4621-000123.json", sample_record())
    result = workspace.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    docs = documents(workspace)
    for name in SIGNED:
        path = os.path.join(docs, name)
        subprocess.run(["qpdf", "--check", path], check=True, capture_output=True)
        report = pdfsig(path)
        assert "Signature Type: ETSI.CAdES.detached" in report, report
        assert "Total document signed" in report, report
        assert "Signature Validation: Signature is Valid." in report, report
        subfilter, attrs, status = pyhanko_status(os.path.join(folder, "ca.pem"), path)
        assert subfilter == "/ETSI.CAdES.detached"
        assert {"content_type", "message_digest", "signing_certificate_v2"} <= set(attrs), attrs
        assert status.bottom_line, status.pretty_print_details()
        assert status.coverage.name == "ENTIRE_FILE"
        assert status.timestamp_validity is not None and status.timestamp_validity.valid and status.timestamp_validity.trusted
        assert NOTICE in text(path)
    # The key notice is a letter, not a record: unsigned, and without the notice.
    key_notice = os.path.join(docs, "key-notice.pdf")
    assert "Signature #1" not in pdfsig(key_notice)
    assert NOTICE not in text(key_notice)
    # Every signature of the contract was timestamped (3 documents, 3 requests).
    assert tsa.answered == 3


def test_one_changed_byte_breaks_the_signature(workspace, ca, tmp_path):
    folder, _ = ca
    workspace.write_config(extra=signing_config(folder, None))
    workspace.drop("R07-4621-000123.json", sample_record())
    assert workspace.run("run").returncode == 0
    path = os.path.join(documents(workspace), "receipt.pdf")
    data = bytearray(open(path, "rb").read())
    assert "Signature is Valid." in pdfsig(path)
    # A byte of the document information (the Creator), inside the signed range.
    at = data.index(b"mailbatch")
    data[at] = ord("M")
    changed = str(tmp_path / "changed.pdf")
    open(changed, "wb").write(bytes(data))
    report = pdfsig(changed)
    assert "Signature is Valid." not in report and "Signature Validation:" in report, report
    _, _, status = pyhanko_status(os.path.join(folder, "ca.pem"), changed)
    assert not status.bottom_line


def test_text_is_unchanged_but_for_the_notice_line(tmp_path, smtp, ca, tsa):
    from conftest import Workspace
    controller, _, received = smtp
    plain = Workspace(str(tmp_path / "plain"), controller.port, received)
    signed = Workspace(str(tmp_path / "signed"), controller.port, received)
    signed.write_config(extra=signing_config(ca[0], tsa.url))
    for ws in (plain, signed):
        ws.drop("R07-4621-000123.json", sample_record())
        assert ws.run("run").returncode == 0
    for name in SIGNED:
        before = text(os.path.join(documents(plain), name))
        after = text(os.path.join(documents(signed), name))
        assert after.splitlines()[0] == NOTICE
        assert after.replace(NOTICE + "\n", "", 1) == before


def test_a_tsa_that_does_not_answer_holds_the_contract_and_the_next_run_signs_it(workspace, ca, tsa):
    folder, _ = ca
    # A port with nothing listening: the connection is refused at once.
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = "http://127.0.0.1:%d/tsa" % s.getsockname()[1]
    workspace.write_config(extra=signing_config(folder, dead))
    workspace.drop("R07-4621-000123.json", sample_record())
    result = workspace.run("run")
    assert result.returncode == 75, result.stdout + result.stderr
    assert "held for timestamp" in result.stdout
    assert "did not answer" in result.stdout
    assert workspace.listdir("contracts") == []
    assert workspace.listdir("processing") == ["R07-4621-000123.json"]
    assert workspace.messages() == []
    doctor = workspace.run("doctor")
    assert doctor.returncode != 0 and "timestamp" in doctor.stdout and "did not answer" in doctor.stdout

    workspace.write_config(extra=signing_config(folder, tsa.url))
    result = workspace.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert workspace.listdir("processing") == []
    for name in SIGNED:
        report = pdfsig(os.path.join(documents(workspace), name))
        assert "Signature is Valid." in report and "Total document signed" in report
    (envelope, message, _), = workspace.messages()
    names = [part.get_filename() for part in message.iter_attachments()]
    receipt = "20250620_51800円_西日本建設業保証_保証料領収書_R07-4621-000123.pdf"
    assert receipt in names, names
    assert "20251020_51800円_西日本建設業保証_保証料計算書_R07-4621-000123.pdf" in names, names
    body = message.get_body(("plain",)).get_content()
    assert "保証料領収書（PDF）には西日本建設業保証株式会社の電子署名とタイムスタンプが付与されています。" in body
    attached = next(p for p in message.iter_attachments() if p.get_filename() == receipt).get_payload(decode=True)
    assert attached == open(os.path.join(documents(workspace), "receipt.pdf"), "rb").read()


def test_doctor_checks_the_certificate_and_the_tsa(workspace, ca, tsa):
    folder, _ = ca
    workspace.write_config(extra=signing_config(folder, tsa.url))
    result = workspace.run("doctor")
    assert re.search(r"ok\s+pdf signing\s+.*西日本建設業保証株式会社.*the chain verifies", result.stdout), result.stdout
    assert re.search(r"ok\s+timestamp\s+.*verifies against tsa_ca_file", result.stdout), result.stdout
    # A certificate whose chain is missing: doctor says so.
    workspace.write_config(extra=signing_config(folder, tsa.url).replace(f"{folder}/ca.pem\"\ntsa_url", f"{folder}/tsa.pem\"\ntsa_url"))
    result = workspace.run("doctor")
    assert re.search(r"FAIL\s+pdf signing|pdf signing.*does not verify", result.stdout, re.S), result.stdout


def test_without_pdf_signing_nothing_changes(workspace):
    workspace.drop("R07-4621-000123.json", sample_record())
    assert workspace.run("run").returncode == 0
    for name in SIGNED:
        path = os.path.join(documents(workspace), name)
        assert "Signature #1" not in pdfsig(path)
        assert "電子署名" not in text(path)
    (_, message, _), = workspace.messages()
    names = [part.get_filename() for part in message.iter_attachments()]
    assert "保証料領収書_R07-4621-000123.pdf" in names
    assert "電子署名" not in message.get_body(("plain",)).get_content()


def test_every_version_is_signed_and_the_viewer_hands_out_the_signed_print_out_of_the_version_the_key_opens(workspace, ca, tsa):
    from test_amendments import FIRST, amendment
    from viewer_client import Client, Server

    folder, _ = ca
    number = "R07-4621-000123"
    workspace.write_config(extra=signing_config(folder, tsa.url))
    workspace.drop("original.json", sample_record(number))
    assert workspace.run("run").returncode == 0
    old_key = open(os.path.join(workspace.contract(number), "key")).read().strip()
    workspace.drop("amend1.json", amendment(**FIRST))
    result = workspace.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    new_key = open(os.path.join(workspace.contract(number), "key")).read().strip()
    current = os.path.join(documents(workspace), "certificate.pdf")
    first = os.path.join(workspace.contract(number), "versions", "1", "documents", "certificate.pdf")
    for path in (current, first, os.path.join(documents(workspace), "receipt.pdf")):
        report = pdfsig(path)
        assert "Signature is Valid." in report and "Total document signed" in report, path + report
    assert open(current, "rb").read() != open(first, "rb").read()

    server = Server(workspace)
    try:
        for key, expected in ((new_key, current), (old_key, first)):
            client = Client(server.url)
            status, _, _ = client.lookup(number, key)
            assert status in (200, 303), status
            status, headers, body = client.request("GET", "/certificate/certificate.pdf")
            assert status == 200 and headers["Content-Type"] == "application/pdf"
            assert body == open(expected, "rb").read()
    finally:
        assert server.stop() == 0


def test_a_signing_key_others_can_read_stops_the_run_before_anything_is_issued(workspace, ca, tmp_path):
    import shutil
    folder, _ = ca
    key = str(tmp_path / "readable.key")
    shutil.copy(os.path.join(folder, "signer.key"), key)
    os.chmod(key, 0o644)
    workspace.write_config(extra=signing_config(folder, None).replace(f"{folder}/signer.key", key))
    workspace.drop("R07-4621-000123.json", sample_record())
    result = workspace.run("run")
    assert result.returncode != 0 and "chmod 600" in result.stdout + result.stderr
    assert workspace.listdir("contracts") == []
