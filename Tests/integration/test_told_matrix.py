"""The matrix of what each party is told: route (the contractor submits / the orderer is mailed with
PDFs / mailed without attachments / in person) × guarantee type (前払金, 中間前払金, 契約保証) ×
version (original, change with premium, change of period only, cancellation) × orderer_ref present
or not × default or prescribed subject. For every cell: no contractor sentence contradicts an
orderer sentence (told_phrases), each PDF has the pages it should, subjects and file names differ per
version, a 前払金請求書 is asked for only when an advance is claimed; every cell's documents are
rendered to PNG under .build/told-matrix/ for a person to look at."""
import os
import re
import subprocess

from conftest import ROOT, sample_record
from mailcheck import attachments, body_text
from told_phrases import contradictions

OUT = os.environ.get("TOLD_MATRIX", os.path.join(ROOT, ".build", "told-matrix"))
ROUTES = {
    "submits": 'submission = "email"\n',
    "mailed-pdf": 'email = ["{addr}"]\n',
    "mailed-none": 'email = ["{addr}"]\nattachments = "none"\n',
    "in-person": 'submission = "in_person"\n',
}
TYPES = {"advance": "advance_payment", "interim": "interim_advance_payment", "contract": "contract"}
SUBJECTS = {"default": "", "prescribed": 'subject = "【電子保証】{{orderer_ref}} {{project_name}}"\n'}
VERSIONS = ["original", "change-premium", "change-period", "cancellation"]
PAGES = {"key-notice.pdf": 1, "certificate.pdf": 1, "premium-statement.pdf": 1, "receipt.pdf": 2}


def orderer_name(route, subject):
    return f"マトリクス市{list(ROUTES).index(route) * 2 + list(SUBJECTS).index(subject) + 1}"


def orderer_tables():
    out = ""
    for route, rule in ROUTES.items():
        for subject, line in SUBJECTS.items():
            name = orderer_name(route, subject)
            addr = f"m{list(ROUTES).index(route)}{list(SUBJECTS).index(subject)}@city.matrix.example.jp"
            out += (f'["{name}"]\nnew = true\nprefecture = "鹿児島県"\ntitle = "{name}長"\nadopted = "2024-04"\n'
                    f'with_advance_claim = true\n{rule.format(addr=addr)}{line}\n')
    return out


def cells():
    n = 0
    for route in ROUTES:
        for kind in TYPES:
            for ref in (True, False):
                for subject in SUBJECTS:
                    n += 1
                    yield f"R07-4621-9{n:05d}", route, kind, ref, subject


def record(number, route, kind, ref, subject, version):
    amount = 4840000 if kind == "contract" else 19360000
    fields = dict(guarantee_type=TYPES[kind], orderer__name=orderer_name(route, subject),
                  orderer__title=orderer_name(route, subject) + "長", guarantee__amount=amount)
    if ref:
        fields["project__orderer_ref"] = "第12号"
    if version == "change-premium":
        fields.update(project__contract_amount=53900000, guarantee__amount=amount + 2200000 if kind != "contract" else 5390000)
    if version == "change-period":
        fields.update(project__contract_amount=53900000, guarantee__amount=amount + 2200000 if kind != "contract" else 5390000,
                      project__period={"from": "2025-06-19", "to": "2026-05-29"},
                      guarantee__period={"from": "2025-06-20", "to": "2026-06-12"})
    data = sample_record(number, **fields)
    if version == "change-premium":
        data["amendment"] = {"number": 1, "concluded_on": "2025-09-10", "premium": 3000, "reason": "設計変更に伴う増額"}
    if version == "change-period":
        data["amendment"] = {"number": 2, "concluded_on": "2025-10-01", "premium": 0, "reason": "工期延長"}
    return data


def version_of(msg):
    """(contract, version, role) from the Message-ID mailbatch gave the mail."""
    local = msg["Message-ID"].strip("<>").split("@")[0].split(".")
    version = int(local[1][1:]) if len(local) == 4 else 1
    return local[0], version, local[-2]


def pdf_pages(path):
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_the_matrix(workspace):
    ws = workspace
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(orderer_tables())
    ws.write_config(extra='[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n')
    all_cells = list(cells())
    for index, version in enumerate(VERSIONS):
        for number, route, kind, ref, subject in all_cells:
            if version == "cancellation":
                ws.drop(f"{number}.{index}.json", {"schema": "mailbatch.cancellation/v1", "contract_number": number,
                                                   "concluded_on": "2025-10-14", "reason": "契約解除に伴う解約"})
            else:
                ws.drop(f"{number}.{index}.json", record(number, route, kind, ref, subject, version))
        result = ws.run("run")
        assert result.returncode == 0, version + "\n" + result.stdout + result.stderr
        assert ws.listdir("rejected") == [] and ws.listdir("waiting") == [], result.stdout

    mails = {}
    for env, msg, raw in ws.messages():
        mails.setdefault(version_of(msg)[:2], {})[version_of(msg)[2]] = msg
    problems = []
    for number, route, kind, ref, subject in all_cells:
        cell = f"{route}/{kind}/{'ref' if ref else 'noref'}/{subject}"
        folder = os.path.join(OUT, cell.replace("/", "-"))
        os.makedirs(folder, exist_ok=True)
        seen_subjects = {"contractor": set(), "orderer": set()}
        seen_files = {"contractor": set(), "orderer": set()}
        for v, version in enumerate(VERSIONS, start=1):
            got = mails.get((number, v), {})
            contractor, orderer = got.get("contractor"), got.get("orderer")
            if contractor is None:
                problems.append(f"{cell} {version}: no contractor mail")
                continue
            mailed = route.startswith("mailed")
            if mailed != (orderer is not None):
                problems.append(f"{cell} {version}: orderer mail {'missing' if mailed else 'sent'}")
            c_text, o_text = body_text(contractor), body_text(orderer) if orderer is not None else ""
            for found in contradictions(c_text, o_text):
                problems.append(f"{cell} {version}: {found}")
            claim_due = kind != "contract" and version in ("original", "change-premium")
            if ("前払金請求書" in c_text) != claim_due:
                problems.append(f"{cell} {version}: 前払金請求書 {'missing' if claim_due else 'asked for'}")
            if version == "change-period" and "追加保証料はありません" not in c_text:
                problems.append(f"{cell} {version}: no 「追加保証料はありません」")
            if ref and subject == "prescribed" and orderer is not None and "  " in orderer["Subject"]:
                problems.append(f"{cell} {version}: doubled space in {orderer['Subject']}")
            if not ref and subject == "prescribed" and orderer is not None and "】 " in orderer["Subject"]:
                problems.append(f"{cell} {version}: stray space in {orderer['Subject']}")
            for role, msg in (("contractor", contractor), ("orderer", orderer)):
                if msg is None:
                    continue
                if msg["Subject"] in seen_subjects[role]:
                    problems.append(f"{cell} {version}: {role} subject repeats an earlier version's: {msg['Subject']}")
                seen_subjects[role].add(msg["Subject"])
                names = set(attachments(msg))
                if names & seen_files[role]:
                    problems.append(f"{cell} {version}: {role} file names repeat: {sorted(names & seen_files[role])}")
                seen_files[role] |= names
                with open(os.path.join(folder, f"v{v}-{role}.txt"), "w", encoding="utf-8") as fh:
                    fh.write(f"Subject: {msg['Subject']}\nAttachments: {', '.join(sorted(names))}\n\n{body_text(msg)}")
            # The version's documents, as issued.
            top = ws.contract(number)
            place = top if v == 4 else os.path.join(top, "versions", str(v))
            if v == 4:
                continue
            if v == 3:
                place = os.path.join(top, "versions", "3")
            docs = os.path.join(place, "documents")
            for name in sorted(os.listdir(docs)):
                path = os.path.join(docs, name)
                pages = pdf_pages(path)
                if pages != PAGES[name]:
                    problems.append(f"{cell} {version}: {name} has {pages} pages, not {PAGES[name]}")
                subprocess.run(["pdftoppm", "-png", "-r", "70", path, os.path.join(folder, f"v{v}-{name[:-4]}")], check=True)
    assert problems == [], "\n".join(problems)
