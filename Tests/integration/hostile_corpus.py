"""A corpus of hostile and broken inputs, each with the reason mailbatch must give for rejecting it.

Each case: (file name, content, expected text in the .error.txt). Content is bytes, a dict (written as
JSON), or one of the special kinds "symlink", "fifo", "dir". Names that are not valid UTF-8 or that hold
a newline are made by the test (see SPECIAL_NAMES).
"""
import json

from conftest import DELETE, sample_record


def record(number="R07-8000-000001", **changes):
    return sample_record(number, **changes)


def raw(r):
    return json.dumps(r, ensure_ascii=False).encode()


def with_text(r, old, new):
    return raw(r).replace(old.encode(), new.encode(), 1)


CASES = []


def case(name, content, reason):
    CASES.append((name, content, reason))


# Not JSON, or not text.
case("invalid.json", b"this is not json", "not valid JSON")
case("truncated.json", raw(record())[:-40], "truncated file")
case("empty.json", b"", "the file is empty")
case("bom.json", b"\xef\xbb\xbf" + raw(record()), "byte-order mark")
case("utf16le.json", b"\xff\xfe" + raw(record()).decode().encode("utf-16-le"), "UTF-16")
case("utf16be.json", raw(record()).decode().encode("utf-16-be"), "UTF-16")
case("shift_jis.json", raw(record()).decode().encode("shift_jis"), "Shift_JIS")
case("invalid-utf8.json", with_text(record(), "株式会社日置建設", "株式会社\udcff").replace("\\udcff".encode(), b"\xc3\x28") if False else raw(record()).replace("日置建設".encode(), b"\xc3\x28"), "not valid UTF-8")
case("overlong-utf8.json", raw(record()).replace("日置建設".encode(), b"\xc0\xaf"), "not valid UTF-8")
case("nul-escape.json", with_text(record(), "株式会社日置建設", "株式会社\\u0000日置建設"), "control character")
case("lone-high-surrogate.json", with_text(record(), "株式会社日置建設", "株式会社\\ud800"), "lone surrogate")
case("lone-low-surrogate.json", with_text(record(), "株式会社日置建設", "\\udc00日置建設"), "lone surrogate")
case("duplicate-key.json", raw(record())[:-1] + b', "contract_number": "R07-8000-999999"}', "duplicate key")
case("duplicate-nested-key.json", with_text(record(), '"name": "株式会社日置建設"', '"name": "株式会社日置建設", "name": "別会社"'), "duplicate key")
case("deep-nesting.json", b"[" * 10000 + b"]" * 10000, "nesting deeper")
case("two-megabytes.json", b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}', "1 MiB")
case("top-level-array.json", b"[" + raw(record()) + b"]", "expected an object")
case("trailing-garbage.json", raw(record()) + b" {}", "after the end")
case("nan.json", with_text(record(), "48400000", "NaN"), "expected a JSON value")
case("single-quotes.json", raw(record()).replace(b'"schema"', b"'schema'"), "quoted member name")

# CR, LF and other controls in every string field.
for field, path in [
    ("contractor.name", "contractor__name"), ("contractor.representative", "contractor__representative"),
    ("contractor.address", "contractor__address"), ("contractor.email", "contractor__email"),
    ("orderer.name", "orderer__name"), ("orderer.title", "orderer__title"), ("project.name", "project__name"),
    ("project.location", "project__location"), ("contract_number", "contract_number"), ("schema", "schema"),
    ("guarantee_type", "guarantee_type"), ("application.channel", "application__channel"),
    ("project.category", "project__category"), ("concluded_on", "concluded_on"), ("project.contract_on", "project__contract_on"),
]:
    r = record()
    node, keys = r, path.split("__")
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = str(node[keys[-1]]) + "\r\nBcc: someone@example.com"
    case(f"crlf-{field}.json", raw(r), "control character")
case("tab-in-name.json", raw(record(contractor__name="株式会社\t日置建設")), "control character")
case("del-in-name.json", raw(record(contractor__name="株式会社\x7f日置建設")), "control character")
case("line-separator.json", raw(record(project__name="市道\u2028工事")), "control character")
case("bidi-override.json", raw(record(contractor__name="株式会社\u202e日置")), "control character")

# Contract numbers that could name a path, or are out of shape.
for i, number in enumerate(["../x", ".", "..", "a/b", "A" * 33, "R07", "R07 4621", "R07_4621", "Ｒ０７－４６２１", "../../etc/passwd"]):
    case(f"number-{i}.json", raw(record(number)), "4 to 32")
case("number-missing.json", raw(record(contract_number=DELETE)), "a required string is missing")

# Numbers.
case("amount-negative.json", raw(record(guarantee__amount=-19360000)), "out of range")
case("amount-zero.json", raw(record(guarantee__amount=0)), "out of range")
case("amount-fraction.json", with_text(record(), "19360000", "19360000.5"), "whole number")
case("amount-1e308.json", with_text(record(), "19360000", "1e308"), "whole number")
case("amount-beyond-64-bits.json", with_text(record(), "19360000", "18446744073709551616"), "out of range")
case("amount-trillion.json", raw(record(project__contract_amount=10**12)), "out of range")
case("amount-string.json", raw(record(guarantee__amount="19360000")), "found a string")
case("amount-negative-zero.json", with_text(record(), "52000", "-0"), "out of range")
case("guarantee-over-contract.json", raw(record(guarantee__amount=48400001)), "exceeds the contract amount")

# E-mail addresses that could smuggle recipients.
for i, email in enumerate(["経理 <keiri@example.jp>", "a@example.jp, b@example.jp", "a@b@example.jp", "a@example.jp\r",
                           "a b@example.jp", "a@example", "\"a\"@example.jp", "a@[127.0.0.1]", "a@example.jp>", "a.@example.jp",
                           "<a@example.jp>", "a@example.jp;b@example.jp"]):
    case(f"email-{i}.json", raw(record(contractor__email=email)), "plain e-mail address" if "\r" not in email else "control character")

# Dates, periods, shape.
case("date-feb-30.json", raw(record(concluded_on="2025-02-30")), "real calendar date")
case("date-slashes.json", raw(record(concluded_on="2025/06/20")), "YYYY-MM-DD")
case("period-reversed.json", raw(record(guarantee__period={"from": "2026-03-27", "to": "2025-06-20"})), "before it begins")
case("unknown-field.json", raw(record(extra="x")), "unexpected field")
case("schema-v2.json", raw(record(schema="mailbatch.contract/v2")), "not supported")
case("contractor-missing.json", raw(record(contractor=DELETE)), "a required object is missing")
case("contractor-string.json", raw(record(contractor="株式会社日置建設")), "expected an object")
case("type-unknown.json", raw(record(guarantee_type="bid_bond")), "is not one of")
case("name-too-long.json", raw(record(contractor__name="建" * 101)), "at most 100")
case("blank-name.json", raw(record(contractor__name="   ")), "blank")

# Things that are not regular files.
case("link.json", "symlink", "symbolic link")
case("pipe.json", "fifo", "FIFO")
case("folder.json", "dir", "a folder")

# Names that cannot be shown safely: made by the test, found under a safe name in rejected/.
SPECIAL_NAMES = [b"new\nline.json", b"latin1-\xe9\xe8.json", b"ctrl-\x1b[31m.json"]
