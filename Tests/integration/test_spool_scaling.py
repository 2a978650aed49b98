"""A run's work on the spool does not grow with the spool: the delivery that runs beside the issuing
is handed each contract's mail as its commit queues it and never lists the outbox, and a run reads
nothing of the contracts issued before it. Counted with strace (system calls, not time), so nothing
here depends on the machine's speed."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BIN, sample_record

STRACE = shutil.which("strace")
pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is installed by scripts/setup --tests")

# `strace -y` names each descriptor's path: getdents64(5</…/spool/outbox>, …) and openat(…, "<path>", …).
GETDENTS = re.compile(r'getdents64\(\d+<([^>]*)>')
OPENAT = re.compile(r'openat\([^,]*, "([^"]*)"')


def traced_run(ws, name):
    """One `mailbatch run` under strace; returns (directories listed with the number of getdents64
    calls on each, paths opened)."""
    trace = os.path.join(ws.path, name + ".strace")
    result = subprocess.run([STRACE, "-f", "-qq", "-y", "-e", "trace=openat,getdents64", "-o", trace,
                             BIN, "run", "--quiet", "--config", ws.config], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    listed, opened = {}, []
    for line in open(trace, encoding="utf-8", errors="replace"):
        if m := GETDENTS.search(line):
            listed[m.group(1)] = listed.get(m.group(1), 0) + 1
        elif m := OPENAT.search(line):
            opened.append(m.group(1))
    return listed, opened


def drop(ws, first, count):
    numbers = [f"R07-4621-{first + i:06d}" for i in range(count)]
    for number in numbers:
        ws.drop(number + ".json", sample_record(number))
    return numbers


def test_a_run_lists_the_outbox_and_reads_old_contracts_no_more_for_more_contracts(workspace):
    ws = workspace
    spool = os.path.realpath(ws.spool)
    outbox, contracts = os.path.join(spool, "outbox"), os.path.join(spool, "contracts")
    old = drop(ws, 1, 12)
    assert ws.run("run").returncode == 0
    assert len(ws.listdir("contracts")) == 12 and ws.listdir("outbox") == []

    counts = {}
    for size, first in ((5, 100), (20, 200)):
        new = drop(ws, first, size)
        listed, opened = traced_run(ws, f"run-{size}")
        # Every new contract was issued and its mail sent, by the pump or the run's last pass.
        for number in new:
            assert os.listdir(os.path.join(ws.contract(number), "sent")), number
        assert ws.listdir("outbox") == []
        # The contracts issued before this run are not read: not their folders, not their files.
        touched = [p for p in opened if any(p.startswith(os.path.join(contracts, n) + "/") or p == os.path.join(contracts, n) for n in old)]
        assert touched == [], touched[:5]
        counts[size] = (listed.get(outbox, 0), listed.get(contracts, 0))

    # The outbox is listed a fixed number of times a run (the last delivery pass), never once per
    # contract or per poll, and contracts/ no more for 20 new contracts than for 5.
    assert counts[5] == counts[20], counts
    assert counts[20][0] <= 6, counts


def test_the_operator_summary_and_the_metrics_share_one_pass_over_the_contracts(workspace):
    ws = workspace
    ws.write_config(extra=f'[metrics]\ntextfile = "{ws.path}/mailbatch.prom"\n[notify]\nto = ["ops@example.jp"]\n')
    contracts = os.path.join(os.path.realpath(ws.spool), "contracts")
    old = drop(ws, 1, 8)
    assert ws.run("run").returncode == 0
    drop(ws, 100, 3)
    listed, opened = traced_run(ws, "run")
    # Each issued contract's sent/ is listed once a run, whoever needs it (the summary's unviewed
    # certificates, the metrics' counts), not once for each of them.
    for number in old:
        sent = os.path.join(contracts, number, "sent")
        assert opened.count(sent) == 1, (number, opened.count(sent))
    assert listed.get(contracts, 0) <= 2, listed.get(contracts)
    sent = re.search(r'^mailbatch_messages\{state="sent"\} (\d+)$', open(os.path.join(ws.path, "mailbatch.prom")).read(), re.M)
    assert sent and int(sent.group(1)) >= 11, sent
