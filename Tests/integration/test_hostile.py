"""Hostile input in one batch with good records: every bad file rejected with its reason and moved,
never followed or deleted; the good ones delivered to exactly their intended recipients."""
import os
import re
import stat
import subprocess

from conftest import BIN, sample_record
from hostile_corpus import CASES, SPECIAL_NAMES, raw, record


def test_corpus_has_at_least_sixty_cases():
    assert len(CASES) + len(SPECIAL_NAMES) >= 60
    assert len({name for name, _, _ in CASES}) == len(CASES)


def test_hostile_corpus_in_one_batch_with_good_records(workspace, tmp_path):
    ws = workspace
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write('["日置市"]\nemail = ["keiyaku@city.hioki.example.jp"]\n')
    with open(ws.config, "a") as fh:
        fh.write('\n[orderers]\nfile = "orderers.local.toml"\n')
    incoming = os.path.join(ws.spool, "incoming")
    outside = tmp_path / "outside.json"
    outside.write_bytes(raw(record("R07-8000-777777")))
    for name, content, _ in CASES:
        path = os.path.join(incoming, name)
        if content == "symlink":
            os.symlink(outside, path)
        elif content == "fifo":
            os.mkfifo(path)
        elif content == "dir":
            os.mkdir(path)
            open(os.path.join(path, "inner.json"), "wb").write(raw(record("R07-8000-666666")))
        else:
            open(path, "wb").write(content)
    for name in SPECIAL_NAMES:
        open(os.path.join(incoming.encode(), name), "wb").write(raw(record("R07-8000-555555")))
    good = [f"R07-8000-9000{i:02d}" for i in range(6)]
    for i, number in enumerate(good):
        ws.drop(f"good-{i}.json", sample_record(number, contractor__email=f"good{i}@example.jp"))

    result = ws.run("run", timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr

    rejected = os.path.join(ws.spool, "rejected")
    for name, content, reason in CASES:
        assert os.path.lexists(os.path.join(rejected, name)), f"{name} was not moved to rejected/"
        note = open(os.path.join(rejected, name + ".error.txt"), encoding="utf-8").read()
        assert reason in note, f"{name}: expected {reason!r} in:\n{note}"
        assert f"file: {name}" in note
    # Moved, never followed: the link is still a link, its target untouched; the FIFO and folder kept.
    assert os.path.islink(os.path.join(rejected, "link.json"))
    assert outside.read_bytes() == raw(record("R07-8000-777777"))
    assert os.path.isdir(os.path.join(rejected, "folder.json"))
    assert os.path.exists(os.path.join(rejected, "folder.json", "inner.json"))
    odd = [n for n in os.listdir(rejected) if n.startswith("unreadable-name-") and n.endswith(".json")]
    assert len(odd) == len(SPECIAL_NAMES)
    for n in odd:
        assert "not valid UTF-8 or contains a control character" in open(os.path.join(rejected, n + ".error.txt")).read()
    assert os.listdir(incoming) == []
    assert ws.listdir("processing") == []

    # Only the good records were issued, and their mail went exactly where it should.
    assert ws.listdir("contracts") == good
    expected = {f"good{i}@example.jp" for i in range(len(good))} | {"keiyaku@city.hioki.example.jp"}
    seen = set()
    for env, msg, raw_bytes in ws.messages():
        seen.update(env["rcpt_tos"])
        assert b"\r\nBcc:" not in raw_bytes and b"someone@example.com" not in raw_bytes
        header = raw_bytes.split(b"\r\n\r\n", 1)[0]
        assert all(line[:1] in (b" ", b"\t") or b":" in line for line in header.split(b"\r\n"))
    assert seen == expected
    assert len(ws.messages()) == 2 * len(good)
    total = len(CASES) + len(SPECIAL_NAMES)
    assert re.search(rf"^  rejected\s+{total}\s", result.stdout, re.M), result.stdout


def test_spool_writable_by_others_is_refused(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    os.chmod(ws.spool, 0o777)
    result = ws.run("run")
    assert result.returncode == 2
    assert "can be written by other users" in result.stderr and "chmod 700" in result.stderr
    assert ws.listdir("incoming") == ["a.json"]
    os.chmod(ws.spool, 0o700)
    assert ws.run("run").returncode == 0


def test_files_are_owner_only_whatever_the_umask(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    result = subprocess.run(["sh", "-c", f'umask 000; exec "{BIN}" run --config "{ws.config}"'], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for root, dirs, files in os.walk(ws.contract("R07-4621-000123")):
        for d in dirs:
            assert stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode) == 0o700
        for f in files:
            assert stat.S_IMODE(os.stat(os.path.join(root, f)).st_mode) == 0o600


def test_key_for_verify_can_come_from_stdin(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    key = open(os.path.join(ws.contract("R07-4621-000123"), "key")).read().strip()
    result = subprocess.run([BIN, "verify", "R07-4621-000123", "-", "--config", ws.config], input=key + "\n",
                            capture_output=True, text=True)
    assert result.returncode == 0 and "valid" in result.stdout
