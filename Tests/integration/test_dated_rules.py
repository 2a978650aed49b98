"""Records that cannot be right on the day of issuance, judged by an injected clock, never today's date."""
import os

from conftest import sample_record


def at(day):
    """mailbatch's clock at 10:00 Japan time on that day."""
    return {"MAILBATCH_NOW": f"{day}T10:00:00+09:00"}


def error_of(ws, name):
    return open(os.path.join(ws.spool, "rejected", name + ".error.txt"), encoding="utf-8").read()


def test_a_guarantee_that_has_ended_is_rejected_with_its_dates(workspace):
    ws = workspace
    ws.drop("ended.json", sample_record(guarantee__period__to="2026-03-26"))
    ws.drop("last-day.json", sample_record("R07-4621-000124", guarantee__period__to="2026-03-27"))
    result = ws.run("run", env=at("2026-03-27"))
    assert result.returncode == 1
    assert ws.listdir("contracts") == ["R07-4621-000124"]  # a guarantee running through today is issued
    error = error_of(ws, "ended.json")
    assert "$.guarantee.period.to" in error and "2026-03-26" in error and "2026-03-27" in error
    assert "令和8年3月27日" in error


def test_a_guarantee_concluded_after_today_is_rejected(workspace):
    ws = workspace
    ws.drop("future.json", sample_record(concluded_on="2025-06-21", guarantee__period__from="2025-06-21"))
    ws.drop("today.json", sample_record("R07-4621-000124"))
    result = ws.run("run", env=at("2025-06-20"))
    assert result.returncode == 1
    assert ws.listdir("contracts") == ["R07-4621-000124"]
    error = error_of(ws, "future.json")
    assert "$.concluded_on" in error and "2025-06-21" in error and "2025-06-20" in error


def test_the_day_of_issuance_is_the_day_in_japan(workspace):
    ws = workspace
    # 2025-06-19T16:00Z is already 2025-06-20 01:00 in Japan: the guarantee concluded that day can be issued.
    ws.drop("a.json", sample_record())
    assert ws.run("run", env={"MAILBATCH_NOW": "2025-06-19T16:00:00Z"}).returncode == 0
    assert ws.listdir("contracts") == ["R07-4621-000123"]
    ws.drop("b.json", sample_record("R07-4621-000124"))
    assert ws.run("run", env={"MAILBATCH_NOW": "2025-06-19T14:59:00Z"}).returncode == 1  # 23:59 on the 19th
    assert "$.concluded_on" in error_of(ws, "b.json")


def test_paper_records_are_not_judged_on_dates(workspace):
    """A record for paper delivery is routed before any date is checked: it is not issued here."""
    ws = workspace
    ws.drop("a.json", sample_record(guarantee_type="contract_reservation"))
    assert ws.run("run", env=at("2030-01-01")).returncode == 0
    assert ws.listdir("paper") == ["a.json", "a.json.reason.txt"]
