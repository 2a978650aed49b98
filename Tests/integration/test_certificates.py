"""The orderer's side: verify like D-Sure, signed certificates checked offline, key reissue and revocation."""
import hashlib
import json
import os
import re
import subprocess

import pytest

from conftest import sample_record
from mailcheck import attachments, body_text
from signature_check import CREDENTIALS, assert_signed, content, leaves


@pytest.fixture
def signed(workspace):
    ws = workspace
    keys = os.path.join(ws.path, "keys")
    result = ws.run("keygen", "--out", keys)
    assert result.returncode == 0, result.stderr
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\n')
    with open(ws.config, "a") as fh:
        fh.write(f'\n[signing]\nprivate_key_file = "{keys}/signing-key.pem"\n[orderers]\nfile = "orderers.local.toml"\n')
    ws.public_key = os.path.join(keys, "signing-key.pub.pem")
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    return ws


def key_of(ws, number="R07-4621-000123"):
    return open(os.path.join(ws.contract(number), "key")).read().strip()


def test_verify_right_wrong_and_unknown(signed):
    ws = signed
    key = key_of(ws)
    ok = ws.run("verify", "R07-4621-000123", key)
    assert ok.returncode == 0, ok.stderr
    assert "電子証書 R07-4621-000123: valid" in ok.stdout and "金19,360,000円" in ok.stdout
    assert ws.run("verify", "R07-4621-000123", key.lower().replace("-", " ")).returncode == 0
    as_json = json.loads(ws.run("verify", "R07-4621-000123", key, "--json").stdout)
    assert as_json["contract_number"] == "R07-4621-000123" and as_json["state"] == "valid" and as_json["key_version"] == 1
    assert as_json["certificate"]["signature"]["algorithm"] == "Ed25519"

    wrong = ws.run("verify", "R07-4621-000123", "2222-2222-2222-2222-2222")
    unknown = ws.run("verify", "R07-9999-000001", key)
    assert wrong.returncode == unknown.returncode == 1
    assert wrong.stderr == unknown.stderr == "mailbatch: the contract number and the key do not match\n"
    assert key not in wrong.stderr + unknown.stderr + ok.stderr
    log = open(os.path.join(ws.spool, "verify", "R07-4621-000123.log")).read()
    assert "key matched" in log and "no match" in log


def test_verify_rate_limit(signed):
    ws = signed
    for _ in range(5):
        assert ws.run("verify", "R07-4621-000123", "2222-2222-2222-2222-2222").returncode == 1
    refused = ws.run("verify", "R07-4621-000123", key_of(ws))
    assert refused.returncode == 75
    assert "too many failed attempts" in refused.stderr
    # Unknown numbers are limited the same way.
    for _ in range(5):
        ws.run("verify", "R07-9999-000001", "2222-2222-2222-2222-2222")
    assert ws.run("verify", "R07-9999-000001", "2222-2222-2222-2222-2222").returncode == 75


def test_signature_verifies_and_names_any_altered_field(signed):
    ws = signed
    path = os.path.join(ws.contract("R07-4621-000123"), "certificate.json")
    ok = ws.run("verify", "--file", path, "--public-key", ws.public_key)
    assert ok.returncode == 0 and "valid" in ok.stdout
    document = json.load(open(path))
    fields = [p for p, _ in leaves(content(document))]
    assert len(fields) >= 23
    for field in fields:
        altered = json.loads(json.dumps(document))
        node = altered
        parts = re.findall(r"\.([^.\[]+)|\[(\d+)\]", field)
        for name, index in parts[:-1]:
            node = node[name] if name else node[int(index)]
        last_name, last_index = parts[-1]
        target = last_name if last_name else int(last_index)
        old = node[target]
        node[target] = (old + 1) if isinstance(old, int) and not isinstance(old, bool) else (str(old) + "x")
        tampered = os.path.join(ws.path, "tampered.json")
        with open(tampered, "w") as fh:
            json.dump(altered, fh, ensure_ascii=False)
        result = ws.run("verify", "--file", tampered, "--public-key", ws.public_key)
        assert result.returncode == 1, field
        assert f"altered: {field} differs" in result.stderr, (field, result.stderr)


def test_signature_is_reproducible_outside_mailbatch(signed):
    """An orderer's own system can check the signature with any Ed25519 library."""
    ws = signed
    document = json.load(open(os.path.join(ws.contract("R07-4621-000123"), "certificate.json")))
    assert_signed(document, ws.public_key)


def test_orderer_mail_carries_the_signed_data_and_the_notice_its_fingerprint(signed):
    ws = signed
    document = json.load(open(os.path.join(ws.contract("R07-4621-000123"), "certificate.json")))
    (o_env, o_msg, _), = [m for m in ws.messages() if "keiyaku@city.hioki.example.jp" in m[0]["rcpt_tos"]]
    files = attachments(o_msg)
    data = json.loads(files["電子証書データ_R07-4621-000123.json"])
    # What a 保証証書 shows and no more: no key digest, no premium, no e-mail address.
    assert data == {k: v for k, v in document.items() if k not in CREDENTIALS}
    assert "key_digest" in document and "key_digest" not in data
    flat_data = json.dumps(data, ensure_ascii=False)
    for absent in ("premium", "email", "keiri@hioki-kensetsu.example.jp", "52000", "public_notice_on"):
        assert absent not in flat_data and absent not in json.dumps(document, ensure_ascii=False), absent
    copy = os.path.join(ws.path, "orderer-copy.json")
    with open(copy, "w") as fh:
        json.dump(data, fh, ensure_ascii=False)
    checked = ws.run("verify", "--file", copy, "--public-key", ws.public_key)
    assert checked.returncode == 0 and "valid" in checked.stdout, checked.stderr
    part = [p for p in o_msg.iter_attachments() if p.get_filename().endswith(".json")][0]
    assert part.get_content_type() == "application/json"
    digest = hashlib.sha256(document["signature"]["value"].encode()).hexdigest().upper()[:16]
    fingerprint = " ".join(digest[i:i + 4] for i in range(0, 16, 4))
    pdf = os.path.join(ws.contract("R07-4621-000123"), "documents", "key-notice.pdf")
    text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert fingerprint in text


def test_reissue_key_end_to_end(signed):
    ws = signed
    old_key = key_of(ws)
    before = len(ws.messages())
    result = ws.run("reissue-key", "R07-4621-000123")
    assert result.returncode == 0, result.stderr
    new_key = key_of(ws)
    assert new_key != old_key
    assert old_key not in result.stdout + result.stderr and new_key not in result.stdout + result.stderr
    replaced = ws.run("verify", "R07-4621-000123", old_key)
    assert replaced.returncode == 1 and "replaced by a new one" in replaced.stderr and new_key not in replaced.stderr
    assert ws.run("verify", "R07-4621-000123", new_key).returncode == 0
    assert ws.run("verify", "--file", os.path.join(ws.contract("R07-4621-000123"), "certificate.json"), "--public-key", ws.public_key).returncode == 0
    assert ws.run("run").returncode == 0
    new_messages = ws.messages()[before:]
    assert sorted(e["rcpt_tos"][0] for e, _, _ in new_messages) == ["keiri@hioki-kensetsu.example.jp", "keiyaku@city.hioki.example.jp"]
    for env, msg, raw in new_messages:
        notice = attachments(msg)["電子証書閲覧用「認証キー」等のお知らせ_R07-4621-000123.pdf"]
        path = os.path.join(ws.path, "notice.pdf")
        open(path, "wb").write(notice)
        text = subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True).stdout
        assert new_key in text and old_key not in text
    history = open(os.path.join(ws.contract("R07-4621-000123"), "history.log")).read()
    assert "key reissued by" in history and "issued by" in history
    assert len(os.listdir(os.path.join(ws.contract("R07-4621-000123"), "sent"))) == 4  # two before, two after


def test_revoke(signed):
    ws = signed
    key = key_of(ws)
    result = ws.run("revoke", "R07-4621-000123", "--reason", "契約解除のため")
    assert result.returncode == 0, result.stderr
    revoked = ws.run("verify", "R07-4621-000123", key)
    assert revoked.returncode == 1 and "revoked" in revoked.stderr and "契約解除のため" in revoked.stderr
    assert "電子証書 R07-4621-000123: revoked" in revoked.stdout
    assert "certificate revoked by" in open(os.path.join(ws.contract("R07-4621-000123"), "history.log")).read()
    assert ws.run("reissue-key", "R07-4621-000123").returncode == 1


def test_signing_key_must_be_owner_only(signed):
    ws = signed
    os.chmod(os.path.join(ws.path, "keys", "signing-key.pem"), 0o644)
    ws.drop("b.json", sample_record("R07-0000-000002"))
    result = ws.run("run")
    assert result.returncode == 2
    assert "chmod 600" in result.stderr
    assert ws.listdir("incoming") == ["b.json"]


def test_a_key_made_by_openssl_signs_and_its_public_half_verifies(workspace):
    """PEM through swift-crypto: an OpenSSL key (PKCS#8) is read as it is; OpenSSL's public key checks it."""
    ws = workspace
    private = os.path.join(ws.path, "openssl-key.pem")
    public = os.path.join(ws.path, "openssl-key.pub.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", private], check=True)
    os.chmod(private, 0o600)
    subprocess.run(["openssl", "pkey", "-in", private, "-pubout", "-out", public], check=True)
    with open(ws.config, "a") as fh:
        fh.write(f'\n[signing]\nprivate_key_file = "{private}"\n')
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    path = os.path.join(ws.contract("R07-4621-000123"), "certificate.json")
    checked = ws.run("verify", "--file", path, "--public-key", public)
    assert checked.returncode == 0 and "valid" in checked.stdout, checked.stderr


def test_a_broken_signing_key_issues_nothing(workspace):
    ws = workspace
    private = os.path.join(ws.path, "broken.pem")
    with open(private, "w") as fh:
        fh.write("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n")
    os.chmod(private, 0o600)
    with open(ws.config, "a") as fh:
        fh.write(f'\n[signing]\nprivate_key_file = "{private}"\n')
    ws.drop("a.json", sample_record())
    result = ws.run("run")
    assert result.returncode == 2 and "is not an Ed25519 private key" in result.stderr, result.stderr
    assert ws.listdir("contracts") == [] and ws.listdir("incoming") == ["a.json"]
