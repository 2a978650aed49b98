"""Every script in scripts/ as a newcomer runs it, with tiny arguments, so that a script that no longer
works fails here. Most run for real against the binary under test (MAILBATCH_BIN); a few run in a
cheap mode because the real thing is a long build or the whole suite:

- test: only its syntax (it runs this suite);
- install, package: their argument checks here; built and installed for real by test_install.py (as root);
- fuzz: its argument check, and that each target it names is a product of the package (a sanitizer
  build is another cold build of everything);
- build-release: its flags and its argument check; it builds for real in scripts/test before this
  suite starts, and again (finding nothing to do) in test_install.py.
"""
import glob
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import BIN, ROOT, sample_record

SCRIPTS = os.path.join(ROOT, "scripts")
COVERED = {"bench", "bench-viewer", "bounce-corpus", "build-release", "compare-documents", "deflate-levels", "demo", "fuzz", "install",
           "package", "sample-records", "setup", "test"}


def script(name, *args, timeout=600, env=None, check=True):
    result = subprocess.run([os.path.join(SCRIPTS, name), *args], capture_output=True, text=True, timeout=timeout,
                            cwd=ROOT, env=dict(os.environ, **(env or {})))
    if check:
        assert result.returncode == 0, f"scripts/{name} {' '.join(args)}: exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_every_script_is_covered_here():
    names = {n for n in os.listdir(SCRIPTS) if not n.startswith(".")}
    assert names == COVERED, f"give each new script a smoke run in this file: {sorted(names - COVERED)}; gone: {sorted(COVERED - names)}"
    for name in names:
        assert os.access(os.path.join(SCRIPTS, name), os.X_OK), f"scripts/{name} is not executable"


@pytest.mark.parametrize("name", ["test", "install", "package", "fuzz", "setup", "demo", "build-release"])
def test_shell_scripts_parse(name):
    result = subprocess.run(["bash", "-n", os.path.join(SCRIPTS, name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_setup_installs_nothing_twice():
    # The suite's own setup (scripts/test) ran before: both sets are present, so nothing is installed.
    for args in ([], ["--tests"]):
        result = script("setup", *args, timeout=300)
        assert "installing" not in result.stdout, result.stdout
    wrong = script("setup", "--everything", check=False)
    assert wrong.returncode == 2 and "usage: scripts/setup [--tests]" in wrong.stderr


def test_demo_setup_leaves_the_test_tools_out():
    text = open(os.path.join(SCRIPTS, "setup")).read()
    product = re.search(r"^debs=\(([^)]*)\)", text, re.M).group(1).split()
    tests = re.search(r"--tests\)\s*\n\s*debs\+=\(([^)]*)\)", text).group(1).split()
    for tool in ("chromium", "chromium-driver", "postfix", "lintian", "wrk", "poppler-utils"):
        assert tool in tests and tool not in product, tool


def test_build_release_flags():
    flags = script("build-release", "--flags").stdout.split("\n")
    assert "release" in flags and "--static-swift-stdlib" in flags and ".build-release-static" in flags
    wrong = script("build-release", "--debug", check=False)
    assert wrong.returncode == 2 and "usage" in wrong.stderr


def test_sample_records(tmp_path):
    out = script("sample-records", str(tmp_path), "--today", "2026-01-20").stdout
    assert "records for 2026-01-20 (dates moved by 92 days)" in out, out
    names = sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "*.json")))
    assert names == sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "spool", "samples", "*.json")))
    record = json.load(open(tmp_path / "R07-4621-000123.json", encoding="utf-8"))
    assert record["concluded_on"] == "2025-09-20"


def test_demo(tmp_path):
    demo = str(tmp_path / "demo")
    result = script("demo", env={"MAILBATCH_BIN": BIN, "MAILBATCH_DEMO_DIR": demo}, check=False)
    assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-3000:]
    assert "mails received by the SMTP server" in result.stdout
    received = glob.glob(os.path.join(demo, "received", "*.eml"))
    assert received, result.stdout
    assert os.listdir(os.path.join(demo, "spool", "contracts"))
    assert re.search(r"serve --listen 127\.0\.0\.1:8080 --config \S+/mailbatch\.toml", result.stdout), result.stdout


def test_bounce_corpus():
    fixtures = os.path.join(ROOT, "Tests", "MailBatchTests", "Fixtures", "bounces")
    out = script("bounce-corpus", fixtures, "--binary", BIN, "--list").stdout
    found = re.search(r"recognised: (\d+) of (\d+)", out)
    assert found and int(found.group(1)) >= 1, out


def test_bench(tmp_path):
    out = str(tmp_path / "bench.json")
    script("bench", "--binary", BIN, "--n", "6", "--no-scaling", "--out", out, timeout=900)
    results = json.load(open(out))
    assert results["full"] and results["send_only"] and results["idle"], results


def test_bench_compare(tmp_path):
    # The same binary as both builds, tiny: the table and the JSON carry every figure the comparison promises.
    out = str(tmp_path / "compare.json")
    run = script("bench", "--binary", BIN, "--compare", BIN, "--n", "5", "--pairs", "1", "--out", out, timeout=900)
    table = run.stdout[run.stdout.index("scripts/bench ") :]
    for label in ("contracts/s", "mails/s", "CPU ms a contract (user+sys)", "cores busy (CPU ÷ wall)", "peak RSS MB",
                  "smtplib, same mails, 1 connection: mails/s", "pipeline ÷ smtplib (mails/s)", "N → 5N: CPU ms a contract",
                  "N → 5N: peak RSS MB", "load average", "old", "new", "new/old"):
        assert label in table, (label, table)
    results = json.load(open(out))
    assert results["n"] == 5 and results["pairs"] == 1 and len(results["runs"]["old"]) == len(results["runs"]["new"]) == 1
    for name in ("old", "new"):
        run_ = results["runs"][name][0]
        assert run_["contracts_per_s"] > 0 and run_["cpu_ms_per_contract"] > 0 and run_["peak_rss_mb"] > 0, run_
        assert run_["cores_busy"] > 0 and run_["smtplib_mails_per_s"] > 0 and run_["ratio_to_smtplib"] > 0, run_
        assert run_["mails"] >= 5, run_
        for key in ("contracts_per_s", "cpu_ms_per_contract", "cores_busy", "peak_rss_mb", "ratio_to_smtplib"):
            s = results["summary"][name][key]
            assert s["min"] <= s["mean"] <= s["max"], (key, s)
        scaling = results["scaling"][name]
        assert scaling["five_n"] == 25 and scaling["run_5n"]["contracts_per_s"] > 0 and scaling["cpu_ratio"] > 0, scaling
        assert scaling["rss_ratio"] > 0, scaling
    assert len(results["machine"]["load_average_start"]) == 3


def test_bench_viewer(tmp_path):
    out = str(tmp_path / "bench-viewer.json")
    run = script("bench-viewer", "--binary", BIN, "--contracts", "3", "--seconds", "1", "--connections", "2", "--refusals", "600",
                 "--out", out, timeout=600)
    results = json.load(open(out))
    assert results["lookup"]["requests_per_second"] > 0 and results["lookup"]["non_2xx_3xx"] == 0, run.stdout[-2000:]
    assert results["certificate_page"]["requests_per_second"] > 0 and results["certificate_page"]["non_2xx_3xx"] == 0
    # Three contracts allow twelve wrong keys below the lockout; 600 unknown numbers fill the 256 slots of
    # unknown numbers past it unless each is chosen below its slot's lockout. Every one was a timed 403.
    assert results["refusals"]["wrong_key"]["samples"] == 12, results["refusals"]
    assert results["refusals"]["unknown_number"]["samples"] == 600, results["refusals"]
    assert results["refusals"]["wrong_key"]["median_ms"] > 0 and results["refusals"]["unknown_number"]["median_ms"] > 0


def test_compare_documents(tmp_path):
    """The build under test against itself: every sample document is the same; a changed one is found."""
    keep = tmp_path / "keep"
    out = script("compare-documents", "--old", BIN, "--new", BIN, "--keep", str(keep)).stdout
    assert "compare-documents: 12 documents compared (text and pixels at 70 dpi), 0 differ" in out, out
    changed = tmp_path / "changed"
    shutil.copytree(keep / "records-new", changed)
    documents = changed / "spool" / "contracts" / "R07-4621-000123" / "documents"
    shutil.copy(documents / "premium-statement.pdf", documents / "receipt.pdf")
    shutil.copy(keep / "records-new" / "spool" / "contracts" / "R07-4410-000052" / "documents" / "certificate.pdf", documents / "certificate.pdf")
    result = script("compare-documents", str(keep / "records-old"), str(changed), check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"DIFFERS \S*R07-4621-000123/documents/receipt.pdf: pages 2 → 1", result.stdout), result.stdout
    assert re.search(r"DIFFERS \S*R07-4621-000123/documents/certificate.pdf: text differs; page 1: \d+ pixels differ", result.stdout), result.stdout
    assert "12 documents compared (text and pixels at 70 dpi), 2 differ" in result.stdout


def test_deflate_levels(workspace):
    ws = workspace
    ws.drop("a.json", sample_record())
    ws.drop("b.json", sample_record("R07-4621-000124"))
    assert ws.run("run").returncode == 0
    out = script("deflate-levels", ws.spool, "--levels", "0,1,6", "--repeat", "1").stdout
    head = re.search(r"2 contracts, (\d+) documents, (\d+) Flate streams, ([\d.]+) KiB inflated", out)
    assert head and int(head.group(1)) >= 6 and int(head.group(2)) > int(head.group(1)), out
    rows = {int(m.group(1)): (float(m.group(2)), float(m.group(3))) for m in re.finditer(r"^\s+(\d)\s+([\d.]+)\s+([\d.]+)", out, re.M)}
    assert set(rows) == {0, 1, 6}, out
    # Level 0 stores: as large as the inflated streams (plus zlib's framing); 6 is smaller than 1.
    assert rows[0][1] >= float(head.group(3)) > rows[1][1] >= rows[6][1], out
    assert "(zlib's default: what cairo uses)" in out
    wrong = script("deflate-levels", ws.spool, "--levels", "11", check=False)
    assert wrong.returncode == 1 and "levels 0 to 9" in wrong.stderr
    empty = script("deflate-levels", ws.path, check=False)
    assert empty.returncode == 1 and "no issued documents" in empty.stderr


def test_install_and_package_check_their_arguments():
    wrong = script("install", "--prefix", "relative/path", check=False)
    assert wrong.returncode == 2 and "absolute path" in wrong.stderr
    wrong = script("install", "--bogus", check=False)
    assert wrong.returncode == 2 and "usage: scripts/install" in wrong.stderr
    text = open(os.path.join(SCRIPTS, "package")).read()
    assert "scripts/install --prefix /usr --destdir" in text  # the package is built from the installed tree


def test_fuzz_checks_its_target():
    wrong = script("fuzz", "everything", check=False)
    assert wrong.returncode == 2 and "unknown target everything" in wrong.stderr
    products = re.findall(r"product=(Fuzz\w+)", open(os.path.join(SCRIPTS, "fuzz")).read())
    manifest = open(os.path.join(ROOT, "Package.swift")).read()
    # The fuzz targets are declared, each with the targets it uses, in the MAILBATCH_FUZZ part.
    declared = manifest[manifest.index('Context.environment["MAILBATCH_FUZZ"]') :]
    assert products and all(f'"{p}": [' in declared for p in products), (products, declared)
