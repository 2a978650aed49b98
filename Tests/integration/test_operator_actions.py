"""The operator's actions through the binary: a reason recorded with the operator in the contract's
history and in the audit log (`desk audit`), the spool lock taken without waiting (exit 75, nothing
changed), no key in the audit log, the output or the log, hostile reasons refused, and a held record
taken back (`release`) once corrected, also when a kill cut the release short."""
import fcntl
import hashlib
import json
import os
import shutil

from conftest import ROOT, sample_record

NUMBER = "R07-4621-000123"
OPERATOR = {"SUDO_USER": "yamada", "SSH_CONNECTION": "10.0.0.5 50522 10.0.0.1 22"}


def read(path, mode="r"):
    with open(path, mode) as fh:
        return fh.read()


def history(ws, number=NUMBER):
    return read(os.path.join(ws.contract(number), "history.log"))


def audit(ws, *args):
    result = ws.run("desk", "audit", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def snapshot(ws):
    """Every file of the spool but the lock and the audit log, with its bytes."""
    out = {}
    for folder, _, files in os.walk(ws.spool):
        for name in files:
            path = os.path.join(folder, name)
            if name not in ("lock", "audit.jsonl"):
                out[os.path.relpath(path, ws.spool)] = read(path, "rb")
    return out


def test_resend_to_a_corrected_address_names_the_operator_and_is_audited(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies["wrong@example.jp"] = "550 5.1.1 no such user"
    ws.drop("a.json", sample_record(contractor__email="wrong@example.jp"))
    assert ws.run("run").returncode == 1
    result = ws.run("resend", NUMBER, "--to", "contractor", "--address", "keiri@hioki-kensetsu.example.jp",
                    "--reason", "受注者から宛先訂正の電話", env=OPERATOR)
    assert result.returncode == 0, result.stderr
    assert ws.run("run").returncode == 0
    env, msg, _ = ws.messages()[-1]
    assert env["rcpt_tos"] == ["keiri@hioki-kensetsu.example.jp"]
    assert msg["subject"].startswith("電子証書・認証キー登録のお知らせ")

    line = ("resend of the contractor mail to keiri@hioki-kensetsu.example.jp requested by yamada via cli from "
            "10.0.0.5, reason: 受注者から宛先訂正の電話")
    assert line in history(ws)
    assert line in ws.run("show", NUMBER).stdout
    [entry] = audit(ws, "--contract", NUMBER)
    assert entry["actor"] == "yamada" and entry["channel"] == "cli" and entry["address"] == "10.0.0.5"
    assert entry["action"] == "resend" and entry["contract"] == NUMBER and entry["outcome"] == "done"
    assert entry["reason"] == "受注者から宛先訂正の電話" and "keiri@hioki-kensetsu.example.jp" in entry["target"]
    assert entry["at"].startswith("2025-10-20T") and entry["at"].endswith("+09:00")
    assert audit(ws, "--contract", "R07-4621-000999") == []
    table = ws.run("desk", "audit").stdout
    assert "yamada" in table and "受注者から宛先訂正の電話 → done" in table and "10.0.0.5" in table
    mode = os.stat(os.path.join(ws.spool, "audit.jsonl")).st_mode & 0o777
    assert mode == 0o600
    # The failed mail to the wrong address was replaced: status no longer counts it as failed, `retry`
    # cannot send it to the wrong address again, and `show` still lists it (withdrawn, with the reason).
    state = json.loads(ws.run("status", "--json").stdout)
    assert state["failed"] == 0 and state["withdrawn"] == 1, state
    assert ws.run("retry", NUMBER, "--reason", "再確認").stdout.strip() == "nothing to retry"
    assert "replaced by the resend to keiri@hioki-kensetsu.example.jp" in ws.run("show", NUMBER).stdout
    assert [e["rcpt_tos"] for e, _, _ in ws.messages()].count(["wrong@example.jp"]) == 0


def test_a_plain_resend_after_a_correction_goes_to_the_corrected_address(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies["wrong@example.jp"] = "550 5.1.1 no such user"
    ws.drop("a.json", sample_record(contractor__email="wrong@example.jp"))
    assert ws.run("run").returncode == 1
    fixed = "keiri@hioki-kensetsu.example.jp"
    assert ws.run("resend", NUMBER, "--to", "contractor", "--address", fixed, "--reason", "訂正").returncode == 0
    assert ws.run("run").returncode == 0
    # 「届いていない」 a week later: the plain resend goes to the corrected address, not the wrong one.
    again = ws.run("resend", NUMBER, "--to", "all", "--reason", "再送依頼")
    assert again.returncode == 0 and f"queued to {fixed}" in again.stdout, again.stdout
    assert ws.run("run").returncode == 0
    assert [e["rcpt_tos"] for e, _, _ in ws.messages()] == [[fixed], [fixed]]


def test_a_failed_mail_left_by_a_cut_corrected_resend_is_not_retried_to_the_old_address(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies["wrong@example.jp"] = "550 5.1.1 no such user"
    ws.drop("a.json", sample_record(contractor__email="wrong@example.jp"))
    assert ws.run("run").returncode == 1
    [failed] = os.listdir(os.path.join(ws.spool, "failed"))
    kept = read(os.path.join(ws.spool, "failed", failed), "rb")
    fixed = "keiri@hioki-kensetsu.example.jp"
    assert ws.run("resend", NUMBER, "--to", "contractor", "--address", fixed, "--reason", "訂正").returncode == 0
    # A kill after the corrected mail was queued and before the failed one was retired: put it back.
    with open(os.path.join(ws.spool, "failed", failed), "wb") as fh:
        fh.write(kept)
    assert ws.run("run").returncode == 0
    del ws.handler.faults.rcpt_replies["wrong@example.jp"]
    result = ws.run("retry", NUMBER, "--reason", "再確認")
    assert result.returncode == 0 and f"a resend to {fixed} replaced it" in result.stdout, result.stdout
    assert ws.run("run").returncode == 0
    assert [e["rcpt_tos"] for e, _, _ in ws.messages()] == [[fixed]]
    assert json.loads(ws.run("status", "--json").stdout)["failed"] == 0


def test_a_corrected_resend_replaces_the_mail_still_waiting_in_the_outbox(workspace):
    ws = workspace
    ws.write_config(delivery="retry_initial_seconds = 0")
    ws.handler.faults.rcpt_replies["slow@example.jp"] = "451 4.2.0 try again later"
    ws.drop("a.json", sample_record(contractor__email="slow@example.jp"))
    assert ws.run("run").returncode == 75
    assert os.path.exists(os.path.join(ws.spool, "outbox", NUMBER + ".contractor.json"))
    result = ws.run("resend", NUMBER, "--to", "contractor", "--address", "keiri@hioki-kensetsu.example.jp",
                    "--reason", "宛先訂正", env=OPERATOR)
    assert result.returncode == 0 and "queued to keiri@hioki-kensetsu.example.jp" in result.stdout, result.stdout
    assert ws.run("run").returncode == 0
    assert [e["rcpt_tos"] for e, _, _ in ws.messages()] == [["keiri@hioki-kensetsu.example.jp"]]
    [entry] = audit(ws, "--contract", NUMBER)
    assert entry["outcome"] == "done" and "keiri@hioki-kensetsu.example.jp" in entry["target"]


def test_retry_without_a_reason_keeps_working_and_says_so(workspace):
    ws = workspace
    ws.handler.faults.rcpt_replies["k@example.jp"] = "550 5.1.1 no such user"
    ws.drop("a.json", sample_record(contractor__email="k@example.jp"))
    assert ws.run("run").returncode == 1
    del ws.handler.faults.rcpt_replies["k@example.jp"]
    result = ws.run("retry", NUMBER, env={"SUDO_USER": "", "LOGNAME": "tanaka", "SSH_CONNECTION": ""})
    assert result.returncode == 0, result.stderr
    assert "back in the outbox" in result.stdout
    assert ws.run("run").returncode == 0
    assert "requested by tanaka via cli from local, reason: not given (mailbatch retry)" in history(ws)
    [entry] = audit(ws)
    assert entry["action"] == "retry" and entry["reason"] == "not given (mailbatch retry)" and entry["outcome"] == "done"


def test_an_action_while_a_run_holds_the_lock_exits_75_and_changes_nothing(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    before = snapshot(ws)
    with open(os.path.join(ws.spool, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for args in (["resend", NUMBER, "--to", "contractor", "--address", "x@example.jp", "--reason", "宛先訂正"],
                     ["retry", "--all", "--reason", "再送"], ["reissue-key", NUMBER, "--reason", "紛失"],
                     ["revoke", NUMBER, "--reason", "誤発行"]):
            result = ws.run(*args, timeout=20)
            assert result.returncode == 75, (args, result.stdout, result.stderr)
            assert "holds the spool lock" in result.stderr and "try again" in result.stderr
    assert snapshot(ws) == before
    entries = audit(ws)
    assert [e["action"] for e in entries] == ["resend", "retry", "reissue-key", "revoke"]
    assert all(e["outcome"].startswith("refused: ") for e in entries)


def test_reissue_key_leaves_no_key_in_the_audit_log_the_output_or_the_log(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    old = read(os.path.join(ws.contract(NUMBER), "key")).strip()
    # A reason that holds the key is refused, and not kept anywhere.
    pasted = ws.run("reissue-key", NUMBER, "--reason", f"キー {old} を紛失")
    assert pasted.returncode == 1 and "認証キー" in pasted.stderr and old not in pasted.stdout + pasted.stderr
    # The same key typed in full-width letters and digits (as an IME gives them) is the same key.
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in old)
    typed = ws.run("retry", NUMBER, "--reason", f"キー {wide} を確認")
    assert typed.returncode == 1 and "認証キー" in typed.stderr, typed.stdout + typed.stderr
    assert wide not in read(os.path.join(ws.spool, "audit.jsonl")) + read(os.path.join(ws.contract(NUMBER), "history.log"))
    result = ws.run("reissue-key", NUMBER, "--reason", "発注者が紛失", "--verbose")
    assert result.returncode == 0, result.stderr
    new = read(os.path.join(ws.contract(NUMBER), "key")).strip()
    assert new != old
    sent = ws.run("run", "--verbose")
    log = read(os.path.join(ws.spool, "audit.jsonl"))
    for key in (old, new):
        for form in (key, key.replace("-", "")):
            assert form not in log
            assert form not in result.stdout + result.stderr + sent.stdout + sent.stderr
            assert form not in history(ws)
    assert [e["outcome"][:8] for e in audit(ws)] == ["refused:", "refused:", "done"]
    assert "key reissued by" in history(ws) and "reason: 発注者が紛失" in history(ws)


def test_show_reveal_key_is_audited_with_the_operator_and_the_key_is_kept_nowhere(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    key = read(os.path.join(ws.contract(NUMBER), "key")).strip()
    shown = ws.run("show", NUMBER, "--reveal-key", "--reason", "受注者から電話で照会", env=OPERATOR)
    assert shown.returncode == 0, shown.stderr
    assert f"認証キー: {key}" in shown.stdout
    [entry] = audit(ws, "--contract", NUMBER)
    assert (entry["actor"], entry["channel"], entry["address"]) == ("yamada", "cli", "10.0.0.5")
    assert (entry["action"], entry["reason"], entry["outcome"]) == ("reveal-key", "受注者から電話で照会", "done")
    assert "key revealed to yamada via cli from 10.0.0.5, reason: 受注者から電話で照会" in history(ws)
    # Two lines on disk, started before the key was read, then done; neither holds the key.
    raw = [json.loads(line) for line in read(os.path.join(ws.spool, "audit.jsonl")).splitlines()]
    assert [e["outcome"] for e in raw] == ["started", "done"] and raw[0]["id"] == raw[1]["id"]
    for form in (key, key.replace("-", "")):
        assert form not in read(os.path.join(ws.spool, "audit.jsonl")) + history(ws) + shown.stderr
    # A reveal that cannot be audited (here the log's path is a folder: even root cannot append) shows no key.
    log = os.path.join(ws.spool, "audit.jsonl")
    os.rename(log, log + ".aside")
    os.mkdir(log)
    refused = ws.run("show", NUMBER, "--reveal-key", "--reason", "照会")
    assert refused.returncode != 0 and "audit log" in refused.stderr
    assert key not in refused.stdout + refused.stderr
    os.rmdir(log)
    os.rename(log + ".aside", log)
    # --reason alone is a mistake, not a silent no-op.
    alone = ws.run("show", NUMBER, "--reason", "x")
    assert alone.returncode != 0 and "--reveal-key" in alone.stderr


def test_hostile_reasons_and_inputs_are_refused_and_change_nothing(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    before = snapshot(ws)
    cases = [
        (["resend", NUMBER, "--to", "contractor", "--reason", "宛先訂正\n2026-01-01 key revealed"], "line break"),
        (["resend", NUMBER, "--to", "contractor", "--reason", "x" * 600], "at most 500"),
        (["resend", NUMBER, "--to", "contractor", "--reason", "   "], "give a reason"),
        (["revoke", NUMBER, "--reason", "誤発行\r\n"], "line break"),
        (["resend", NUMBER, "--to", "contractor", "--address", "a@example.jp, b@example.jp", "--reason", "訂正"],
         "not a plain e-mail address"),
        (["resend", NUMBER, "--to", "all", "--address", "a@example.jp", "--reason", "訂正"], "one mail"),
        (["resend", "R07-0000-000000", "--reason", "問い合わせ"], "no contract R07-0000-000000 in the spool"),
        (["reissue-key", "../../etc", "--reason", "x"], "no contract"),
    ]
    for args, said in cases:
        result = ws.run(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert said in result.stderr, (args, result.stderr)
    assert snapshot(ws) == before
    entries = audit(ws)
    assert len(entries) == len(cases) and all(e["outcome"].startswith("refused: ") for e in entries)
    # One JSON object a line whatever the input held: a refused reason is one line; an action refused
    # after it began (a bad address, an unknown contract) is its `started` line and its outcome.
    raw = [json.loads(line) for line in read(os.path.join(ws.spool, "audit.jsonl")).splitlines()]
    assert len(raw) == 4 + 2 * 4
    assert [e["outcome"] for e in raw if "id" in e].count("started") == 4
    assert all(len(e["reason"]) <= 520 for e in entries)
    table = ws.run("desk", "audit").stdout
    assert "\r" not in table and "\n2026-01-01 key revealed" not in table


def make_held(ws):
    """A 契約保証 record held because a template line only it reaches is broken; the fixed template."""
    templates = os.path.join(ws.path, "templates")
    os.makedirs(templates)
    shipped = os.path.join(ROOT, "Sources", "Templates", "mustache", "document-certificate.mustache")
    broken = read(shipped) + "{{#is_contract}}\nthis line is not a document directive\n{{/is_contract}}\n"
    with open(os.path.join(templates, "document-certificate.mustache"), "w", encoding="utf-8") as fh:
        fh.write(broken)
    config = read(ws.config)
    with open(ws.config, "w", encoding="utf-8") as fh:
        fh.write('templates = "templates"\n' + config)
    ws.drop("b.json", sample_record("R07-4621-000502", guarantee_type="contract", guarantee__amount=4840000))
    assert ws.run("run").returncode == 1
    assert ws.listdir("held") == ["b.json", "b.json.error.txt"]
    return lambda: shutil.copy(shipped, os.path.join(templates, "document-certificate.mustache"))


def test_release_takes_a_corrected_held_record_back_and_the_next_run_issues_it(workspace):
    ws = workspace
    fix = make_held(ws)
    note = read(os.path.join(ws.spool, "held", "b.json.error.txt"))
    for name, said in (("../incoming/b.json", "no `/`"), ("b.json.error.txt", "not the .error.txt"),
                       ("nothing.json", "nothing is held as nothing.json")):
        refused = ws.run("release", name, "--reason", "テンプレート修正")
        assert refused.returncode == 1 and said in refused.stderr, refused.stderr
    fix()
    result = ws.run("release", "b.json", "--reason", "テンプレート修正済み", env=OPERATOR)
    assert result.returncode == 0, result.stderr
    assert "held/b.json is back in incoming/b.json" in result.stdout
    assert ws.listdir("held") == [] and ws.listdir("incoming") == ["b.json"]
    [kept] = ws.listdir("released")
    assert kept.startswith("b.json.") and kept.endswith(".error.txt") and read(os.path.join(ws.spool, "released", kept)) == note
    assert ws.run("run").returncode == 0
    assert "R07-4621-000502" in ws.listdir("contracts") and ws.listdir("incoming") == []
    [entry] = [e for e in audit(ws) if e["outcome"] == "done"]
    assert entry["action"] == "release" and entry["target"] == "b.json" and entry["actor"] == "yamada"


def test_a_release_cut_by_a_kill_is_finished_by_the_next_run(workspace):
    ws = workspace
    fix = make_held(ws)
    fix()
    # The state a kill -9 leaves between the steps: the journal entry written and the note moved
    # aside, the record still in held/ (what the entry holds is what `release` writes first).
    epoch = 1760922000
    note = f"b.json.{epoch}.error.txt"
    os.makedirs(os.path.join(ws.spool, "released"), exist_ok=True)
    os.rename(os.path.join(ws.spool, "held", "b.json.error.txt"), os.path.join(ws.spool, "released", note))
    entry = "release-" + hashlib.sha256(b"b.json").hexdigest()[:24]
    with open(os.path.join(ws.spool, "journal", entry), "w") as fh:
        fh.write(f"release\nb.json\n{note}\nb.json\n")
    assert ws.listdir("held") == ["b.json"]
    result = ws.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ws.listdir("journal") == [] and ws.listdir("held") == [] and ws.listdir("incoming") == []
    assert ws.listdir("released") == [note]
    assert "R07-4621-000502" in ws.listdir("contracts")


def test_the_audit_table_shows_invisible_characters_of_a_refused_reason(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    assert ws.run("retry", NUMBER, "--reason", "abc\u202edone").returncode == 1
    table = ws.run("desk", "audit").stdout
    assert "\u202e" not in table and "abc<U+202E>done" in table, table


def test_a_revoked_certificates_mail_is_refused_a_resend_or_retry_not_answered_queued(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    assert ws.run("revoke", NUMBER, "--reason", "誤発行").returncode == 0
    for args in (["resend", NUMBER, "--to", "contractor", "--reason", "再送依頼"],
                 ["resend", NUMBER, "--to", "contractor", "--address", "keiri@hioki-kensetsu.example.jp", "--reason", "訂正"],
                 ["retry", NUMBER, "--reason", "再確認"]):
        result = ws.run(*args)
        assert result.returncode == 1 and "was revoked (失効)" in result.stderr, (args, result.stdout, result.stderr)
    assert os.listdir(os.path.join(ws.spool, "outbox")) == []
    assert [e["outcome"][:8] for e in audit(ws)][-3:] == ["refused:"] * 3
