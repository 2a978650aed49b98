"""A failure while issuing one record stays that record's: it is held with the error, the run goes on
with the others and exits 1, the operator hears of it, and the record is issued once the cause is
fixed and it is moved back."""
import os
import shutil

from conftest import ROOT, sample_record
from mailcheck import body_text


def test_a_record_that_fails_to_issue_is_held_and_the_run_goes_on(workspace):
    ws = workspace
    templates = os.path.join(ws.path, "templates")
    os.makedirs(templates)
    shipped = os.path.join(ROOT, "Sources", "Templates", "mustache", "document-certificate.mustache")
    # A broken line that only a 契約保証 record's print-out reaches.
    broken = open(shipped, encoding="utf-8").read() + "{{#is_contract}}\nthis line is not a document directive\n{{/is_contract}}\n"
    open(os.path.join(templates, "document-certificate.mustache"), "w", encoding="utf-8").write(broken)
    ws.write_config(extra='[notify]\nto = ["ops@example.jp"]\n')
    config = open(ws.config, encoding="utf-8").read()
    open(ws.config, "w", encoding="utf-8").write('templates = "templates"\n' + config)
    ws.drop("a.json", sample_record("R07-4621-000501"))
    ws.drop("b.json", sample_record("R07-4621-000502", guarantee_type="contract", guarantee__amount=4840000))
    ws.drop("c.json", sample_record("R07-4621-000503"))
    result = ws.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "held (not issued)" in result.stdout
    assert ws.listdir("contracts") == ["R07-4621-000501", "R07-4621-000503"]
    assert ws.listdir("held") == ["b.json", "b.json.error.txt"] and ws.listdir("processing") == []
    note = open(os.path.join(ws.spool, "held", "b.json.error.txt"), encoding="utf-8").read()
    assert "could not be issued" in note and "this line is not a document directive" in note and "move the file back to incoming/" in note
    [summary] = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == ["ops@example.jp"]]
    assert "held/b.json" in body_text(summary)
    # A later run is not stopped by it, and once the template is fixed the record is issued.
    assert ws.run("run").returncode == 0
    shutil.copy(shipped, os.path.join(templates, "document-certificate.mustache"))
    os.rename(os.path.join(ws.spool, "held", "b.json"), os.path.join(ws.spool, "incoming", "b.json"))
    os.remove(os.path.join(ws.spool, "held", "b.json.error.txt"))
    assert ws.run("run").returncode == 0
    assert "R07-4621-000502" in ws.listdir("contracts")
