"""The store's acts through the binary: a revocation cut by a kill is finished by the next run, a
failed message whose entry has a number (`failed/<queue>.N`) is retried, a re-send's stored copy is
named by its message key."""
import json
import os
import shutil

from conftest import sample_record

NUMBER = "R07-4621-000123"


def read(path, mode="r"):
    with open(path, mode) as fh:
        return fh.read()


def test_revocation_cut_after_its_journal_entry_is_finished_by_the_next_run(workspace):
    ws = workspace
    # Issue with the server down: the contract's mails stay queued in outbox/.
    ws.write_config(url="smtp://127.0.0.1:1", delivery="retry_initial_seconds = 0")
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode != 0
    folder = ws.contract(NUMBER)
    queued = ws.listdir("outbox")
    assert queued, "the mails should be queued while the server is down"
    before = {name: read(os.path.join(ws.spool, "outbox", name), "rb") for name in queued}
    certificate = read(os.path.join(folder, "certificate.json"), "rb")
    history = read(os.path.join(folder, "history.log"), "rb")

    # A complete revocation, to learn what the journal entry holds.
    result = ws.run("revoke", NUMBER, "--reason", "誤発行")
    assert result.returncode == 0, result.stderr
    revoked = read(os.path.join(folder, "certificate.json"), "rb")
    assert json.loads(revoked)["state"] == "revoked"
    line = [l for l in read(os.path.join(folder, "history.log")).splitlines() if "certificate revoked by" in l]
    assert len(line) == 1 and ws.listdir("outbox") == [] and ws.listdir("journal") == []

    # The state a kill right after the journal entry leaves: the entry, and nothing else done yet.
    with open(os.path.join(folder, "certificate.json"), "wb") as fh:
        fh.write(certificate)
    with open(os.path.join(folder, "history.log"), "wb") as fh:
        fh.write(history)
    for name, data in before.items():
        with open(os.path.join(ws.spool, "outbox", name), "wb") as fh:
            fh.write(data)
    with open(os.path.join(ws.spool, "journal", f"revoke-{NUMBER}"), "wb") as fh:
        fh.write(line[0].encode() + b"\n" + revoked)

    # The server is back: the next run finishes the revocation before it delivers anything.
    ws.write_config()
    assert ws.run("run").returncode == 0
    assert ws.messages() == [], "a revoked contract's mail was sent"
    assert ws.listdir("outbox") == [] and ws.listdir("journal") == []
    assert read(os.path.join(folder, "certificate.json"), "rb") == revoked
    assert read(os.path.join(folder, "history.log")).count("certificate revoked by") == 1
    # A second revoke says so and changes nothing.
    again = ws.run("revoke", NUMBER, "--reason", "誤発行")
    assert again.returncode == 0 and "already revoked" in again.stdout


def test_revoke_finishes_its_own_cut_revocation(workspace):
    ws = workspace
    ws.write_config(url="smtp://127.0.0.1:1", delivery="retry_initial_seconds = 0")
    ws.drop("a.json", sample_record())
    ws.run("run")
    folder = ws.contract(NUMBER)
    queued = {n: read(os.path.join(ws.spool, "outbox", n), "rb") for n in ws.listdir("outbox")}
    assert ws.run("revoke", NUMBER, "--reason", "誤発行").returncode == 0
    revoked = read(os.path.join(folder, "certificate.json"), "rb")
    line = [l for l in read(os.path.join(folder, "history.log")).splitlines() if "certificate revoked by" in l][0]
    # Cut after the certificate was written (before the outbox was cleared): revoke again finishes it.
    for name, data in queued.items():
        with open(os.path.join(ws.spool, "outbox", name), "wb") as fh:
            fh.write(data)
    with open(os.path.join(ws.spool, "journal", f"revoke-{NUMBER}"), "wb") as fh:
        fh.write(line.encode() + b"\n" + revoked)
    result = ws.run("revoke", NUMBER, "--reason", "誤発行")
    assert result.returncode == 0, result.stderr
    assert "interrupted" in result.stdout
    assert ws.listdir("outbox") == [] and ws.listdir("journal") == []
    assert read(os.path.join(folder, "history.log")).count("certificate revoked by") == 1


def test_a_numbered_failed_entry_is_retried(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies["k@example.jp"] = "550 5.1.1 no such user"
    ws.drop("a.json", sample_record(contractor__email="k@example.jp"))
    assert ws.run("run").returncode == 1
    entry = f"{NUMBER}.contractor.json"
    assert entry in ws.listdir("failed")
    # A second failure of the same message found the first still in failed/: it is kept as `.1`.
    os.rename(os.path.join(ws.spool, "failed", entry), os.path.join(ws.spool, "failed", entry + ".1"))
    status = json.loads(ws.run("status", "--json").stdout)
    assert status["failed"] == 1

    del ws.handler.faults.rcpt_replies["k@example.jp"]
    result = ws.run("retry", NUMBER)
    assert result.returncode == 0, result.stderr
    assert f"failed/{entry}.1: back in the outbox" in result.stdout
    assert ws.listdir("failed") == [] and ws.listdir("outbox") == [entry]
    assert ws.run("run").returncode == 0
    assert [e["rcpt_tos"] for e, _, _ in ws.messages()].count(["k@example.jp"]) == 1
    assert "retry of the failed contractor mail" in read(os.path.join(ws.contract(NUMBER), "history.log"))


def test_a_resend_to_a_new_address_stores_its_copy_under_the_message_key(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    result = ws.run("resend", NUMBER, "--to", "contractor", "--address", "fixed@example.jp")
    assert result.returncode == 0, result.stderr
    queued = json.loads(read(os.path.join(ws.spool, "outbox", f"{NUMBER}.contractor.json")))
    copy = os.path.basename(queued["message_path"])
    assert copy.startswith("contractor.resend-") and copy.endswith(".plan")
    assert os.path.exists(os.path.join(ws.contract(NUMBER), "messages", copy))
    assert "resend of the contractor mail to fixed@example.jp" in read(os.path.join(ws.contract(NUMBER), "history.log"))
    assert ws.run("run").returncode == 0
    assert ws.messages()[-1][0]["rcpt_tos"] == ["fixed@example.jp"]


def test_a_cancellation_whose_contract_key_cannot_be_read_is_held_and_the_run_goes_on(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    key = os.path.join(ws.contract(NUMBER), "key")
    os.remove(key)
    os.mkdir(key)  # a key file that cannot be read (root reads any file, so not a chmod)
    ws.drop("cancel.json", {"schema": "mailbatch.cancellation/v1", "contract_number": NUMBER,
                            "concluded_on": "2025-10-01", "reason": "工事中止"})
    ws.drop("b.json", sample_record("R07-4621-000124", contractor__email="b@example.jp"))
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "spool error" not in result.stderr
    assert ws.listdir("held") == ["cancel.json", "cancel.json.error.txt"]
    note = read(os.path.join(ws.spool, "held", "cancel.json.error.txt"))
    assert f"the key file of the issued contract {NUMBER} cannot be read" in note and "restore" in note
    assert ws.listdir("processing") == []
    assert "R07-4621-000124" in ws.listdir("contracts")
    assert ["b@example.jp"] in [e["rcpt_tos"] for e, _, _ in ws.messages()]
