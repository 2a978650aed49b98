"""Operator files typed by hand: every malformed mailbatch.toml and orderer file is exit 2 with the
file, the line and the column, no input consumed; never a crash."""
import os

import pytest

from conftest import sample_record

# (name, text, line, column, what the message says). Written to both readers in turn.
MALFORMED = [
    ("unclosed-japanese-header", '["日置市"]\nemail = ["a@b.jp"]\n[日田市\n', 3, 1, "a table header is closed with `]`"),
    ("triple-bracket", "[[[\n", 1, 1, "closed with `]]`"),
    ("bare-japanese-header", "[日置市]\n", 1, 1, '`["日置市"]`'),
    ("bare-japanese-key", "日本 = 1\n", 1, 1, "must be quoted"),
    ("nul-in-value", 'x = "a\x00b"\n', 1, 7, "NUL"),
    ("nul-after-header", '["日置市"]\x00\n', 1, 8, "NUL"),
    ("bell-in-comment", "# \x07\n", 1, 3, "in a comment"),
    ("bom-in-the-middle", 'x = 1\n\ufeffy = 2\n', 2, 1, "byte-order mark"),
    ("unterminated-string", 'x = "abc\n', 1, 5, "not closed"),
    ("unquoted-text", "x = smtp://127.0.0.1:25\n", 1, 5, 'x = "smtp://127.0.0.1:25"'),
    ("duplicate-key", 'x = "a"\nx = "b"\n', 2, 1, "set twice"),
    ("duplicate-table", "[t]\n[t]\n", 2, 1, "defined twice"),
    ("missing-equals", "x 1\n", 1, 3, "expected `=`"),
    ("missing-value", "x =\n", 1, 4, "has no value"),
    ("open-array", "x = [1, 2\n", 1, 5, "not closed with `]`"),
    ("leading-zero", "x = 0123\n", 1, 5, "not a TOML value"),
    ("bad-escape", 'x = "C:\\path"\n', 1, 8, "not an escape"),
    ("bare-carriage-return", "x = 1\ry = 2\n", 1, 6, "carriage return"),
    ("trailing-garbage", "x = 1 2\n", 1, 7, "expected the end of the line"),
]
SHIFT_JIS = "x = \"".encode() + "契約".encode("shift_jis") + b"\"\n"


def write(path, data):
    with open(path, "wb") as fh:
        fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))


ORDERERS_ONLY = [("shift-jis", SHIFT_JIS, 1, 6, "not UTF-8"),
                 ("number-for-text", '["日置市"]\ndepartment = 25\n', 2, 1, "must be a string")]
CONFIG_ONLY = [("shift-jis", SHIFT_JIS, 1, 6, "not UTF-8"), ("text-for-number", 'workers = "2"\n', 1, 1, "must be a whole number")]


@pytest.mark.parametrize("name,text,line,column,says", MALFORMED + ORDERERS_ONLY, ids=[c[0] for c in MALFORMED + ORDERERS_ONLY])
def test_malformed_orderer_file(workspace, name, text, line, column, says):
    ws = workspace
    with open(ws.config, "a") as fh:
        fh.write('\n[orderers]\nfile = "orderers.local.toml"\n')
    path = os.path.join(ws.path, "orderers.local.toml")
    write(path, text)
    ws.drop("a.json", sample_record())
    result = ws.run("run")
    assert result.returncode == 2, (result.returncode, result.stderr[-400:])
    assert f"{path}: line {line}, column {column}: " in result.stderr, result.stderr
    assert says in result.stderr, result.stderr
    assert result.stderr.count("\n") <= 2, "one error, not a backtrace"
    assert ws.listdir("incoming") == ["a.json"] and ws.listdir("contracts") == []
    doctor = ws.run("doctor")
    assert doctor.returncode == 1
    assert f"FAIL orderers      {path}: line {line}, column {column}: " in doctor.stdout, doctor.stdout


@pytest.mark.parametrize("name,text,line,column,says", MALFORMED + CONFIG_ONLY, ids=[c[0] for c in MALFORMED + CONFIG_ONLY])
def test_malformed_configuration(workspace, name, text, line, column, says):
    ws = workspace
    good = open(ws.config, "rb").read()
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    # The bad lines come first, so the line numbers are those of the case.
    write(ws.config, data + b"\n" + good)
    ws.drop("a.json", sample_record())
    result = ws.run("run")
    assert result.returncode == 2, (result.returncode, result.stderr[-400:])
    assert f"{ws.config}: line {line}, column {column}: " in result.stderr, result.stderr
    assert says in result.stderr, result.stderr
    assert result.stderr.count("\n") <= 2
    assert ws.listdir("incoming") == ["a.json"]
    doctor = ws.run("doctor")
    assert doctor.returncode == 2
    assert f"FAIL configuration {ws.config}: line {line}, column {column}: " in doctor.stdout, doctor.stdout


def test_every_example_file_in_the_repository_reads(workspace):
    """The shipped directory, the sample configuration and the example overrides parse as they are."""
    ws = workspace
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    with open(ws.config, "a") as fh:
        fh.write(f'\n[orderers]\nfile = "{os.path.abspath(os.path.join(root, "orderers.example.toml"))}"\n')
    assert ws.run("orderers").returncode == 0
    shown = ws.run("orderers", "show", "日置市").stdout
    assert "keiyaku@city.hioki.example.jp" in shown
    sample = ws.run("doctor", "--config", os.path.abspath(os.path.join(root, "mailbatch.toml")))
    assert "FAIL configuration" not in sample.stdout, sample.stdout
