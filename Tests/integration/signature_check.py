"""The surety's Ed25519 signature checked the way an orderer's own system would: with Python's
`cryptography`, from the certificate's published format alone."""
import base64
import hashlib
import json

from cryptography.hazmat.primitives.serialization import load_pem_public_key

CREDENTIALS = ("key_digest", "revoked_key_digests")


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content(document):
    """What the signature covers: the certificate without its signature and its key digests."""
    return {k: v for k, v in document.items() if k != "signature" and k not in CREDENTIALS}


def leaves(value, path="$"):
    if isinstance(value, dict) and value:
        for k in sorted(value, key=lambda s: s.encode()):
            yield from leaves(value[k], f"{path}.{k}")
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def assert_signed(document, public_key_path):
    """Raises unless every field is covered by its digest and the Ed25519 signature verifies."""
    signature = document["signature"]
    assert set(signature["fields"]) == {path for path, _ in leaves(content(document))}
    for path, value in leaves(content(document)):
        assert signature["fields"][path] == "sha256:" + hashlib.sha256(canonical(value).encode()).hexdigest(), path
    signed_part = canonical({"algorithm": signature["algorithm"], "key_id": signature["key_id"], "fields": signature["fields"]}).encode()
    public = load_pem_public_key(open(public_key_path, "rb").read())
    public.verify(base64.b64decode(signature["value"]), signed_part)  # raises if invalid


def fingerprint(document):
    """The short fingerprint printed on the key notice and shown by the viewer."""
    hexa = hashlib.sha256(document["signature"]["value"].encode()).hexdigest()[:16].upper()
    return " ".join(hexa[i:i + 4] for i in range(0, 16, 4))
