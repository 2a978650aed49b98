"""What each party is told, through the built binary: an operator's per-type table merged over the
shipped one, the two mails of a version agreeing (no attachments, an amendment to a mailed orderer),
a 前払金請求書 only when an advance is claimed, prescribed subjects and file names that differ per
version, no stray space for an empty field, and the smaller wording points."""
import json
import os
import time

from conftest import sample_record
from mailcheck import attachments, body_text
from told_phrases import contradictions

NUMBER = "R07-4621-000123"
HIOKI = "keiyaku@city.hioki.example.jp"
CONTRACTOR = "keiri@hioki-kensetsu.example.jp"
# いちき串木野市 takes contracts from 令和8年4月1日: the clock stands in May 2026 for its records.
MAY_2026 = {"MAILBATCH_NOW": "2026-05-11T10:00:00+09:00@%d" % int(time.time())}


def amendment(number, on, premium=0, reason=None, contract=NUMBER, **changes):
    record = sample_record(contract, **changes)
    record["amendment"] = {"number": number, "concluded_on": on, "premium": premium}
    if reason is not None:
        record["amendment"]["reason"] = reason
    return record


FIRST = dict(number=1, on="2025-09-10", premium=3000, reason="設計変更に伴う請負代金額の増額",
             project__contract_amount=53900000, guarantee__amount=21560000)
SECOND = dict(number=2, on="2025-10-01", reason="工期延長に伴う保証期間の延長", project__contract_amount=53900000,
              guarantee__amount=21560000, project__period={"from": "2025-06-19", "to": "2026-05-29"},
              guarantee__period={"from": "2025-06-20", "to": "2026-06-12"})
CANCEL = {"schema": "mailbatch.cancellation/v1", "contract_number": NUMBER, "concluded_on": "2025-10-14",
          "reason": "契約解除に伴う解約"}


def overrides(ws, text, signed=False):
    """The orderer table, the viewer's address, an office with its e-mail and address (the longest
    contact block a document prints) and, when `signed`, a signing key (the fingerprint row)."""
    with open(os.path.join(ws.path, "orderers.local.toml"), "w") as fh:
        fh.write(text)
    extra = '[orderers]\nfile = "orderers.local.toml"\n[viewer]\nurl = "https://viewer.example.jp/"\n'
    if signed:
        keys = os.path.join(ws.path, "keys")
        assert ws.run("keygen", "--out", keys).returncode == 0
        extra += f'[signing]\nprivate_key_file = "{keys}/signing-key.pem"\n'
    ws.write_config(extra=extra)
    with open(ws.config) as fh:
        config = fh.read()
    with open(ws.config, "w") as fh:
        fh.write(config.replace('hours = "平日 9:00〜17:00"\n', 'hours = "平日 9:00〜17:00"\nemail = "kagoshima@e-hosho.example.jp"\n'
                                'address = "鹿児島市山下町9番5号 鹿児島建設会館"\n', 1))


def run(ws, env=None):
    result = ws.run("run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def pairs(ws, orderer_address=HIOKI):
    """(contractor mail, orderer mail or None) per run, in the order they were sent, by subject."""
    contractor = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == [CONTRACTOR]]
    orderer = [m for e, m, _ in ws.messages() if orderer_address in e["rcpt_tos"]]
    return contractor, orderer


def issue_three_versions(ws):
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    ws.drop("amend2.json", amendment(**SECOND))
    run(ws)


def test_an_operators_type_table_changes_only_the_keys_it_names(workspace):
    """The README's own example: only e-mail addresses; the shipped department stays per type."""
    ws = workspace
    overrides(ws, '["いちき串木野市"]\nemail = ["keiyaku@city.ichikikushikino.example.jp"]\n'
                  '["いちき串木野市".advance_payment]\nemail = ["doboku@city.ichikikushikino.example.jp"]\n')
    record = sample_record(
        "R08-5001-000001", concluded_on="2026-04-20", orderer__name="いちき串木野市", orderer__title="いちき串木野市長",
        project__name="市道塩田線道路改良工事", project__contract_on="2026-04-15", project__public_notice_on="2026-03-20",
        project__period={"from": "2026-04-16", "to": "2027-02-26"}, guarantee__period={"from": "2026-04-20", "to": "2027-03-12"})
    ws.drop("a.json", record)
    run(ws, env=MAY_2026)
    [orderer] = [m for e, m, _ in ws.messages() if "doboku@city.ichikikushikino.example.jp" in e["rcpt_tos"]]
    [contractor] = [m for e, m, _ in ws.messages() if e["rcpt_tos"] == [CONTRACTOR]]
    assert "工事担当課 ご担当者様" in body_text(orderer) and "財政課契約管財係" not in body_text(orderer)
    assert "いちき串木野市 工事担当課（doboku@city.ichikikushikino.example.jp）" in body_text(contractor)
    assert "財政課契約管財係" not in body_text(contractor)
    show = ws.run("orderers", "show", "いちき串木野市").stdout
    advance = [line for line in show.splitlines() if "for 前払金保証" in line]
    assert advance and "工事担当課" in show.split("for 前払金保証", 1)[1].split("for ", 1)[0], show


def test_no_attachments_the_contractor_and_the_orderer_are_told_the_same(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\nattachments = "none"\n')
    ws.drop("a.json", sample_record(NUMBER))
    run(ws)
    [contractor], [orderer] = pairs(ws)
    assert list(orderer.iter_attachments()) == []
    c, o = body_text(contractor), body_text(orderer)
    assert contradictions(c, o) == []
    assert "様からご提出いただくか" not in o and "添付の『" not in o
    assert "ファイルは添付していません" in c and "改めて提出していただく必要はありません" in c


def test_an_amendment_to_a_mailed_orderer_does_not_ask_the_contractor_to_submit(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n')
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    contractor, orderer = pairs(ws)
    assert len(contractor) == 2 and len(orderer) == 2
    c, o = body_text(contractor[1]), body_text(orderer[1])
    assert "変更第1号" in contractor[1]["Subject"]
    assert "当初と同じ方法で発注者へご提出ください" not in c and "改めて提出していただく必要はありません" in c
    assert contradictions(c, o) == []


def test_an_amendment_the_contractor_submits_still_asks_for_it(workspace):
    """日置市 without an address: the contractor sends the papers itself, for the change too."""
    ws = workspace
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    contractor, orderer = pairs(ws)
    assert orderer == [] and len(contractor) == 2
    assert "当初と同じ方法で発注者へご提出ください" in body_text(contractor[1])


def test_an_advance_claim_only_for_the_original_and_a_change_that_raises_the_advance(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n')
    issue_three_versions(ws)
    contractor, orderer = pairs(ws)
    assert len(contractor) == 3 and len(orderer) == 3
    for i, expected in enumerate((True, True, False)):
        for mail in (contractor[i], orderer[i]):
            assert ("前払金請求書" in body_text(mail)) == expected, (i, mail["Subject"])
    # The change of period only has no additional premium, and says so; the raise says what it is.
    assert "追加保証料はありません" in body_text(contractor[2]) and "追加保証料はありません" in body_text(orderer[2])
    assert "追加保証料　金3,000円" in body_text(contractor[1]) and "追加保証料はありません" not in body_text(contractor[1])
    for i in range(3):
        assert contradictions(body_text(contractor[i]), body_text(orderer[i])) == []


def test_a_prescribed_subject_and_the_file_names_differ_per_version(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\nsubject = "【電子保証】{{{{project_name}}}}"\n')
    issue_three_versions(ws)
    ws.drop("cancel.json", CANCEL)
    run(ws)
    _, orderer = pairs(ws)
    subjects = [m["Subject"] for m in orderer]
    assert subjects == ["【電子保証】市道伊集院北線道路改良工事", "【電子保証】市道伊集院北線道路改良工事（変更第1号）",
                        "【電子保証】市道伊集院北線道路改良工事（変更第2号）", "【電子保証】市道伊集院北線道路改良工事（解約）"], subjects
    names = [sorted(attachments(m)) for m in orderer[:3]]
    seen = set()
    for version in names:
        assert version and not seen & set(version), names
        seen |= set(version)
    assert f"電子証書データ_{NUMBER}_変更第2号.json" in names[2]


def test_a_subject_naming_the_version_itself_gets_nothing_added(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\nsubject = "電子保証 {{{{amendment}}}} {{{{project_name}}}}"\n')
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST))
    run(ws)
    _, orderer = pairs(ws)
    assert [m["Subject"] for m in orderer] == ["電子保証 市道伊集院北線道路改良工事", "電子保証 変更第1号 市道伊集院北線道路改良工事"]


def test_an_empty_field_in_a_subject_leaves_no_stray_space(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n["日置市".contract]\nsubject = "【契約関係書類】{{{{orderer_ref}}}} {{{{project_name}}}}"\n')
    ws.drop("a.json", sample_record("R07-4621-000301", guarantee_type="contract", guarantee__amount=4840000))
    run(ws)
    _, [orderer] = pairs(ws)
    assert orderer["Subject"] == "【契約関係書類】市道伊集院北線道路改良工事"


def test_cancellation_mails_start_with_the_addressee(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n')
    ws.drop("original.json", sample_record(NUMBER))
    run(ws)
    ws.drop("cancel.json", CANCEL)
    run(ws)
    mails = [m for _, m, _ in ws.messages() if "解約" in m["Subject"]]
    assert len(mails) == 2
    for mail in mails:
        text = body_text(mail)
        assert text.splitlines()[0] in ("日置市長 殿", "株式会社日置建設"), repr(text[:40])


def pdf_pages(path):
    import subprocess
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int([line for line in info.splitlines() if line.startswith("Pages:")][0].split()[1])


def render_pages(path, folder, name):
    import subprocess
    from conftest import ROOT
    out = os.path.join(os.environ.get("TOLD_PAGES", os.path.join(ROOT, ".build", "told-pages")), folder)
    os.makedirs(out, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", path, os.path.join(out, name)], check=True)


# Each document's pages: one, the receipt two (its customer's copy on the second).
PAGES = {"key-notice.pdf": 1, "certificate.pdf": 1, "premium-statement.pdf": 1, "receipt.pdf": 2}


def documents_of(ws, version=None):
    folder = ws.contract(NUMBER) if version is None else os.path.join(ws.contract(NUMBER), "versions", str(version), "")
    docs = os.path.join(folder, "documents")
    return {name: os.path.join(docs, name) for name in sorted(os.listdir(docs))}


def test_every_document_fits_its_page_with_an_orderer_ref_and_period_changes(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n', signed=True)
    ws.drop("original.json", sample_record(NUMBER, project__orderer_ref="第12号"))
    run(ws)
    ws.drop("amend1.json", amendment(**FIRST, project__orderer_ref="第12号"))
    run(ws)
    ws.drop("amend2.json", amendment(**SECOND, project__orderer_ref="第12号"))
    run(ws)
    for version in (1, 2, None):
        for name, path in documents_of(ws, version).items():
            render_pages(path, "orderer-ref", f"v{version or 3}-{name[:-4]}")
            assert pdf_pages(path) == PAGES[name], (version, name, pdf_pages(path))


def test_every_document_fits_its_page_with_the_longest_values_the_schema_allows(workspace):
    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\n', signed=True)
    long = dict(project__name="市道伊集院北線道路改良工事（その" + "二" * 280 + "）", project__location="日置市伊集院町" + "大田" * 96,
                contractor__address="鹿児島県日置市伊集院町" + "下谷口" * 63, contractor__name="株式会社" + "日置建設" * 24,
                contractor__representative="代表取締役社長執行役員" + "山田" * 44, project__orderer_ref="第" + "1" * 38 + "号")
    ws.drop("original.json", sample_record(NUMBER, **long))
    run(ws)
    ws.drop("amend1.json", amendment(**dict(FIRST, reason="設計変更" * 50), **long))
    run(ws)
    ws.drop("amend2.json", amendment(**dict(SECOND, reason="工期延長" * 50), **long))
    run(ws)
    for version in (1, 2, None):
        for name, path in documents_of(ws, version).items():
            render_pages(path, "longest", f"v{version or 3}-{name[:-4]}")
            assert pdf_pages(path) == PAGES[name], (version, name, pdf_pages(path))


def test_display_names_are_split_between_words_not_inside_one(workspace):
    """Each encoded-word of a To or Cc name ends at a space (or the name's end) where the line allows."""
    import base64
    import re

    ws = workspace
    overrides(ws, f'["日置市"]\nemail = ["{HIOKI}"]\ndepartment = "財政課 契約管財係 工事検査担当"\n')
    ws.drop("a.json", sample_record(NUMBER, contractor__name="株式会社日置建設工業 鹿児島営業所",
                                    contractor__representative="代表取締役社長 山田 太郎"))
    run(ws)
    checked = 0
    for _, _, raw in ws.messages():
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        for header in re.findall(r"^(?:To|Cc): .*?(?=\r\n\S)", head, re.M | re.S):
            for mailbox in header.split(">,"):
                words = [base64.b64decode(w).decode("utf-8") for w in re.findall(r"=\?UTF-8\?B\?([^?]*)\?=", mailbox)]
                for word in words[:-1]:
                    assert word.endswith(" "), words
                checked += len(words) > 1
    assert checked, "no name was long enough to take two words"
