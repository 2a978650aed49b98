"""`orderers check` answers what a run does: one decision (the issuance policy) for both."""
from conftest import sample_record


def test_orderers_check_sends_a_contract_reservation_to_paper_as_a_run_does(workspace):
    ws = workspace
    args = ("orderers", "check", "日置市", "--public-notice-on", "2025-06-02", "--contract-on", "2025-06-18")
    assert ws.run(*args, "--type", "contract").returncode == 0
    result = ws.run(*args, "--type", "contract_reservation")
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith("paper: ") and "契約保証予約は電子保証の対象外です" in result.stdout

    # A run sends the same project's record to paper/, with the same reason.
    ws.drop("r.json", sample_record(guarantee_type="contract_reservation"))
    ws.run("run")
    assert ws.listdir("paper") == ["r.json", "r.json.reason.txt"]
    assert "契約保証予約は電子保証の対象外です" in open(f"{ws.spool}/paper/r.json.reason.txt", encoding="utf-8").read()
