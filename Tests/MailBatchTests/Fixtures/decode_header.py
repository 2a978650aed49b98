"""Decodes headers with Python's email package for the property tests: one base64 header per input
line ("Name: value" with CRLF folding), one base64 UTF-8 result per output line."""
import base64
import email
import email.policy
import sys

for line in sys.stdin:
    raw = base64.b64decode(line.strip())
    try:
        msg = email.message_from_bytes(raw + b"\r\n", policy=email.policy.default)
        name = raw.split(b":", 1)[0].decode()
        value = str(msg[name]) if msg[name] is not None else ""
    except Exception as error:  # reported to the test as text, so one bad header does not end the helper
        value = "<python error: %r>" % (error,)
    sys.stdout.write(base64.b64encode(value.encode("utf-8", "surrogatepass")).decode() + "\n")
    sys.stdout.flush()
