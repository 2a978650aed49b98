"""Helpers that read mail with Python's email package."""
import email
import email.header
import email.policy


def display_names(raw, header="To"):
    """The display names of an address header, decoded the way RFC 2047 says (white space between
    adjacent encoded-words is dropped). Python's policy.default keeps a space there (a known CPython
    bug, it mangles its own output the same way), so the legacy decoder reads the raw header."""
    legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
    value = legacy[header]
    names = []
    for part in str(value).split(">,"):
        part = part.replace("\r\n", "").replace("\n", "")
        text = str(email.header.make_header(email.header.decode_header(part)))
        names.append(text.rsplit("<", 1)[0].strip())
    return names


def attachments(msg):
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def body_text(msg):
    return msg.get_body(preferencelist=("plain",)).get_content()


def raw_lines(raw):
    """The message's lines, checking that every line ends in CRLF."""
    assert raw.endswith(b"\r\n")
    assert b"\r\n".join(raw.split(b"\r\n")) == raw
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in raw.replace(b"\r\n", b""), "bare CR"
    return raw.split(b"\r\n")[:-1]
