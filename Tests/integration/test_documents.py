"""The document set: each PDF checked with poppler and qpdf, the way a clerk's viewer would read it."""
import base64
import glob
import json
import os
import re
import subprocess

import pytest

from conftest import sample_record

DOCS = ["key-notice.pdf", "certificate.pdf", "premium-statement.pdf", "receipt.pdf"]


def text_of(pdf):
    """The text in content-stream order (-raw): each wrapped cell comes out whole."""
    return subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True, check=True).stdout


def flat(text):
    return re.sub(r"\s+", "", text)


def check_pdf(pdf):
    subprocess.run(["qpdf", "--check", pdf], capture_output=True, check=True)
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        cols = line.split()
        assert cols[-5] == "yes" and cols[-4] == "yes", f"{pdf}: font not embedded as a subset: {line}"
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert "Author:          西日本建設業保証株式会社" in info
    assert re.search(r"Title:\s+\S+（R\d\d-", info), info
    assert re.search(r"CreationDate:\s+\S", info), info
    return info


@pytest.fixture
def issued(workspace):
    workspace.drop_samples()
    result = workspace.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    return workspace


def test_every_document_is_a_valid_a4_pdf_with_embedded_fonts(issued):
    for number in issued.listdir("contracts"):
        folder = os.path.join(issued.contract(number), "documents")
        assert sorted(os.listdir(folder)) == sorted(DOCS)
        for doc in DOCS:
            check_pdf(os.path.join(folder, doc))


def test_each_file_holds_its_own_document_and_nothing_of_the_others(issued):
    """Each file must have only its own pages, its own title, and a text layer without a word of
    another document."""
    folder = os.path.join(issued.contract("R07-4410-000052"), "documents")
    titles = {"key-notice.pdf": "電子証書閲覧用「認証キー」等のお知らせ", "certificate.pdf": "中間前払金保証証書",
              "premium-statement.pdf": "保証料計算書", "receipt.pdf": "保証料領収書"}
    pages = {"key-notice.pdf": 1, "certificate.pdf": 1, "premium-statement.pdf": 1, "receipt.pdf": 2}
    for doc in DOCS:
        path = os.path.join(folder, doc)
        info = check_pdf(path)
        assert re.search(rf"Pages:\s+{pages[doc]}\n", info), (doc, info)
        assert f"Title:           {titles[doc]}（R07-4410-000052）" in info, (doc, info)
        text = flat(text_of(path))
        for other, title in titles.items():
            if other != doc:
                assert title not in text, (doc, other)
        # The page number restarts with each document: the receipt's pages are 1 and 2.
        if doc == "receipt.pdf":
            assert "-2-" in text and "-3-" not in text, text


def embedded_characters(pdf):
    """Every character the PDF's fonts can show: the union of their ToUnicode maps (read through qpdf)."""
    dump = json.loads(subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=generalized", pdf],
                                     capture_output=True, text=True, check=True).stdout)
    objects = dump["qpdf"][1]
    chars = set()
    for obj in objects.values():
        value = obj.get("value")
        if not isinstance(value, dict) or value.get("/Type") != "/Font" or "/ToUnicode" not in value:
            continue
        cmap = base64.b64decode(objects["obj:" + value["/ToUnicode"]]["stream"]["data"]).decode("latin-1")
        for section in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for _, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
                chars.update(bytes.fromhex(target).decode("utf-16-be"))
        for section in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for low, high, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", section):
                if target.startswith("["):
                    for item in re.findall(r"<([0-9A-Fa-f]+)>", target):
                        chars.update(bytes.fromhex(item).decode("utf-16-be"))
                else:
                    first = bytes.fromhex(target[1:-1]).decode("utf-16-be")
                    for step in range(int(high, 16) - int(low, 16) + 1):
                        chars.add(first[:-1] + chr(ord(first[-1]) + step))
    return chars


def test_each_document_embeds_only_the_glyphs_it_draws(issued):
    """Each document is drawn on a surface of its own: its fonts hold every character it shows and
    none that only another document of the same contract shows, and it keeps its pages."""
    pages = {"key-notice.pdf": 1, "certificate.pdf": 1, "premium-statement.pdf": 1, "receipt.pdf": 2}
    for number in ("R07-4621-000123", "R07-4410-000052", "R07-4410-000045"):
        folder = os.path.join(issued.contract(number), "documents")
        shown = {doc: set(flat(text_of(os.path.join(folder, doc)))) for doc in DOCS}
        for doc in DOCS:
            path = os.path.join(folder, doc)
            info = check_pdf(path)
            assert re.search(rf"Pages:\s+{pages[doc]}\n", info), (number, doc, info)
            fonts = embedded_characters(path)
            assert shown[doc] <= fonts, (number, doc, sorted(shown[doc] - fonts))
            elsewhere = set().union(*(shown[other] for other in DOCS if other != doc)) - shown[doc]
            assert elsewhere, (number, doc)
            assert not fonts & elsewhere, f"{number} {doc} embeds glyphs only other documents show: {''.join(sorted(fonts & elsewhere))}"


def test_certificate_print_out_shows_every_fact(issued):
    text = text_of(os.path.join(issued.contract("R07-4621-000123"), "documents", "certificate.pdf"))
    f = flat(text)
    for fact in ("前払金保証証書", "R07-4621-000123", "日置市長殿", "株式会社日置建設", "代表取締役山田太郎",
                 "鹿児島県日置市伊集院町郡一丁目100番地", "市道伊集院北線道路改良工事", "日置市伊集院町大田地内",
                 "令和7年6月19日から令和8年3月13日まで", "金48,400,000円", "金19,360,000円",
                 "令和7年6月20日から令和8年3月27日まで", "令和7年6月20日（2025年6月20日）", "工事名", "工期",
                 "電子証書", "認証キー", "印刷したもの"):
        assert fact in f, fact
    assert "発行日" in f

    contract = flat(text_of(os.path.join(issued.contract("R07-4410-000045"), "documents", "certificate.pdf")))
    assert "契約保証証書" in contract and "髙﨑土木株式会社" in contract and "𠮷田一郎" in contract
    assert "日田市長殿" in contract  # title from the directory; the record gave none
    interim = flat(text_of(os.path.join(issued.contract("R07-4410-000052"), "documents", "certificate.pdf")))
    assert "中間前払金保証証書" in interim and "業務名" in interim and "履行期間" in interim and "中間前払金" in interim


def test_premium_statement_applies_the_e_net_discount(issued):
    hioki = flat(text_of(os.path.join(issued.contract("R07-4621-000123"), "documents", "premium-statement.pdf")))
    assert "保証料計算書" in hioki
    assert "基本保証料金52,000円" in hioki
    assert "e-Net保証割引－金200円" in hioki
    assert "金51,800円（非課税）" in hioki
    # 契約保証: no discount, whatever the channel.
    contract = flat(text_of(os.path.join(issued.contract("R07-4410-000045"), "documents", "premium-statement.pdf")))
    assert "e-Net保証割引なし" in contract and "金8,100円（非課税）" in contract
    # Applied at the counter: no discount.
    counter = flat(text_of(os.path.join(issued.contract("R07-4410-000052"), "documents", "premium-statement.pdf")))
    assert "e-Net保証割引なし" in counter and "金9,800円（非課税）" in counter


def test_receipt_with_customer_copy(issued):
    pdf = os.path.join(issued.contract("R07-4621-000123"), "documents", "receipt.pdf")
    text = flat(text_of(pdf))
    assert "保証料領収書" in text and "保証料領収書（お客様控え）" in text
    assert "No.R07-4621-000123" in text and "R-R07" not in text
    assert text.count("金51,800円") >= 2
    assert "株式会社日置建設様" in text and "非課税" in text
    # Received on concluded_on when the record gives no premium_paid_on; said in 和暦.
    assert "領収日令和7年6月20日" in text
    # An electronic receipt carries no revenue stamp, and says so; no cut line, which only paper needs.
    assert "収入印紙は貼付していません" in text
    assert "きりとり" not in text
    # The お客様控え is its own page.
    pages = [flat(page) for page in text_of(pdf).split("\f") if page.strip()]
    assert len(pages) == 2 and "お客様控え" in pages[1] and "お客様控え" not in pages[0]


def test_receipt_dates_the_premium_from_the_record(workspace):
    ws = workspace
    ws.drop("a.json", sample_record(guarantee__premium_paid_on="2025-06-18"))
    ws.drop("b.json", sample_record("R07-4621-000124", guarantee__premium_paid_on="2025-06-21"))
    assert ws.run("run").returncode == 1
    text = flat(text_of(os.path.join(ws.contract("R07-4621-000123"), "documents", "receipt.pdf")))
    assert "領収日令和7年6月18日" in text
    error = open(os.path.join(ws.spool, "rejected", "b.json.error.txt"), encoding="utf-8").read()
    assert "$.guarantee.premium_paid_on" in error and "2025-06-21" in error and "2025-06-20" in error


def test_certificate_print_out_says_it_is_not_the_original(issued):
    for number, label in (("R07-4621-000123", "保証金額（前払金額）"), ("R07-4410-000052", "保証金額（中間前払金額）"),
                          ("R07-4410-000045", "保証金額金")):
        pdf = os.path.join(issued.contract(number), "documents", "certificate.pdf")
        text = flat(text_of(pdf))
        # The mark comes first on the page, in a box drawn in black, so it is on every copy.
        assert text.startswith("この書面は電子証書の内容を印刷したものであり、保証証書の原本ではありません。"), text[:80]
        assert label in text, (number, label)
    advance = flat(text_of(os.path.join(issued.contract("R07-4621-000123"), "documents", "certificate.pdf")))
    assert "当初契約日令和7年6月18日" in advance
    contract = flat(text_of(os.path.join(issued.contract("R07-4410-000045"), "documents", "certificate.pdf")))
    assert "前払金額" not in contract


def test_key_notice_prints_the_viewer_and_the_contractor_as_the_print_out_does(workspace):
    ws = workspace
    ws.write_config(extra='[viewer]\nurl = "https://hosho.example.jp/viewer/"')
    ws.drop("a.json", sample_record())
    assert ws.run("run").returncode == 0
    folder = os.path.join(ws.contract("R07-4621-000123"), "documents")
    notice = flat(text_of(os.path.join(folder, "key-notice.pdf")))
    assert "電子証書の閲覧ページhttps://hosho.example.jp/viewer/" in notice
    certificate = flat(text_of(os.path.join(folder, "certificate.pdf")))
    assert "https://hosho.example.jp/viewer/" in certificate
    for text in (notice, certificate):
        address = text.index("鹿児島県日置市伊集院町郡一丁目100番地")
        name = text.index("株式会社日置建設")
        representative = text.index("代表取締役山田太郎")
        assert address < name < representative


def test_without_a_viewer_the_key_notice_names_d_sure(issued):
    notice = flat(text_of(os.path.join(issued.contract("R07-4621-000123"), "documents", "key-notice.pdf")))
    assert "閲覧ページ" not in notice and "D-Sure" in notice


def test_every_document_names_the_office_to_call(issued):
    for number in issued.listdir("contracts"):
        for doc in DOCS:
            text = flat(text_of(os.path.join(issued.contract(number), "documents", doc)))
            assert "お問い合わせ先" in text and "鹿児島支店" in text, (number, doc)
            assert "電話099-257-2722" in text and "平日9:00〜17:00" in text, (number, doc)


def characters(pdf):
    """(character, font name, x, y) of every glyph, read with pdfminer.six."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    out = []

    def walk(node):
        for child in node:
            if isinstance(child, LTChar):
                out.append((child.get_text(), child.fontname, child.x0, child.y0))
            elif hasattr(child, "__iter__"):
                walk(child)

    for page in extract_pages(pdf):
        walk(page)
    return out


def test_rare_kanji_are_drawn_in_mincho_with_a_fixed_line_pitch(issued):
    pdf = os.path.join(issued.contract("R07-4410-000045"), "documents", "certificate.pdf")
    chars = characters(pdf)
    rare = [c for c in chars if c[0] == "𠮷"]
    assert rare, "𠮷 is not in the text layer"
    for ch, font, _, _ in rare:
        assert "Mincho" in font, f"𠮷 drawn in {font}, not in a Mincho face"
    # The 保証契約者 field: address, name and representative lines, the last holding 𠮷, equally spaced.
    address = next(y for ch, font, x, y in chars if ch == "大" and "Mincho" in font)
    name = next(y for ch, font, x, y in chars if ch == "髙")
    representative = next(y for ch, font, x, y in chars if ch == "𠮷")
    assert abs((address - name) - (name - representative)) < 0.5, (address, name, representative)
    # The text around 𠮷 is Mincho too; no Gothic face is mixed into that line.
    line = [font for ch, font, x, y in chars if abs(y - representative) < 1]
    assert all("Mincho" in font for font in line), line


def test_long_names_wrap_and_stay_whole(workspace):
    ws = workspace
    long_name = "株式会社" + "髙﨑𠮷野建設工業" * 11 + "ホールディングス"
    long_project = "令和七年度" + "市道伊集院北線ほか三路線道路改良及び舗装補修並びに排水路整備工事" * 9
    record = sample_record(contractor__name=long_name[:100], project__name=long_project[:300])
    ws.drop("long.json", record)
    assert ws.run("run").returncode == 0
    for doc in DOCS:
        pdf = os.path.join(ws.contract("R07-4621-000123"), "documents", doc)
        check_pdf(pdf)
        text = flat(text_of(pdf))
        if doc != "receipt.pdf":
            assert flat(long_project[:300]) in text or flat(long_name[:100]) in text, doc
    assert flat(long_project[:300]) in flat(text_of(os.path.join(ws.contract("R07-4621-000123"), "documents", "certificate.pdf")))
    assert flat(long_name[:100]) in flat(text_of(os.path.join(ws.contract("R07-4621-000123"), "documents", "receipt.pdf")))


def test_preview_renders_without_issuing_or_sending(workspace, tmp_path):
    ws = workspace
    out = tmp_path / "preview"
    sample = os.path.join(os.path.dirname(__file__), "..", "..", "spool", "samples", "R07-4621-000123.json")
    result = ws.run("preview", sample, "--out", str(out))
    assert result.returncode == 0, result.stderr
    names = sorted(os.listdir(out))
    assert names == sorted(["R07-4621-000123.contractor.eml", "保証料計算書_R07-4621-000123.pdf", "保証料領収書_R07-4621-000123.pdf",
                            "保証証書_R07-4621-000123.pdf", "電子証書閲覧用「認証キー」等のお知らせ_R07-4621-000123.pdf"])
    notice = flat(text_of(str(out / "電子証書閲覧用「認証キー」等のお知らせ_R07-4621-000123.pdf")))
    assert "SAMP-LESA-MPLE-SAMP-LESA" in notice and "見本" in notice
    assert ws.listdir("contracts") == [] and ws.listdir("outbox") == []
    assert ws.messages() == []


def test_operator_template_override_and_page_numbers(workspace):
    """Wording comes from templates: an operator's folder replaces a shipped one; a two-page document
    gets page numbers."""
    ws = workspace
    shipped = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "Templates", "mustache", "document-certificate.mustache")
    folder = os.path.join(ws.path, "templates")
    os.makedirs(folder)
    text = open(shipped, encoding="utf-8").read().replace("center: 記", "page:\ncenter: 記")
    text = text.replace("title: {{certificate_title}}", "title: {{certificate_title}}（運用者の文言）")
    open(os.path.join(folder, "document-certificate.mustache"), "w", encoding="utf-8").write(text)
    with open(ws.config) as fh:
        config = fh.read()
    with open(ws.config, "w") as fh:
        fh.write('templates = "templates"\n' + config)
    ws.drop("a.json", sample_record(contractor__name="①㈱髙﨑𠮷建設"))
    assert ws.run("run").returncode == 0
    pdf = os.path.join(ws.contract("R07-4621-000123"), "documents", "certificate.pdf")
    info = check_pdf(pdf)
    assert re.search(r"Pages:\s+2", info)
    text = text_of(pdf)
    assert "前払金保証証書（運用者の文言）" in text
    assert "- 1 -" in text and "- 2 -" in text
    assert "①㈱髙﨑𠮷建設" in flat(text)


def _pages(pdf, out_prefix):
    """Each page as PNG bytes at 100 dpi."""
    subprocess.run(["pdftoppm", "-png", "-r", "100", pdf, out_prefix], check=True)
    folder, stem = os.path.split(out_prefix)
    return [open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder)) if n.startswith(stem + "-")]


def _layout_text(pdf):
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout


UNUSUAL = sample_record(
    "R07-4621-000777",
    contractor__name="株式会社鬱齲麤建設（髙﨑𠮷野葛󠄀城ｶﾀｶﾅ①㈱）",
    contractor__representative="代表取締役 鷗外 森林太郎",
    project__name="令和七年度 市道𠀋𡈽線ほか鬱蒼たる杣道の改良工事（Ⅱ期）",
)


def test_documents_from_subset_fonts_match_the_full_fonts(workspace, tmp_path):
    """Fonts cut down to the characters in use (issue 27) must not change a document: the same text
    layer and the same pixels as drawn from the full IPAex files (MAILBATCH_FONT_SUBSETS=off), for
    the five samples and a record of rare kanji, IPAmj-only kanji, an ideographic variation sequence
    and half-width kana."""
    ws = workspace
    records = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "spool", "samples", "*.json")))
    unusual = tmp_path / "unusual.json"
    unusual.write_text(json.dumps(UNUSUAL, ensure_ascii=False), encoding="utf-8")
    records.append(str(unusual))
    compared = 0
    for i, record in enumerate(records):
        outs = {}
        for mode in ("on", "off"):
            out = tmp_path / f"{mode}-{i}"
            env = {"MAILBATCH_FONT_SUBSETS": "off"} if mode == "off" else {}
            result = ws.run("preview", record, "--out", str(out), env=env)
            assert result.returncode == 0, result.stderr
            outs[mode] = out
        pdfs = sorted(n for n in os.listdir(outs["off"]) if n.endswith(".pdf"))
        assert pdfs and pdfs == sorted(n for n in os.listdir(outs["on"]) if n.endswith(".pdf"))
        for name in pdfs:
            full, cut = str(outs["off"] / name), str(outs["on"] / name)
            check_pdf(cut)
            assert _layout_text(cut) == _layout_text(full), name
            assert text_of(cut) == text_of(full), name
            a, b = _pages(full, str(tmp_path / f"full-{i}")), _pages(cut, str(tmp_path / f"cut-{i}"))
            assert a and a == b, f"{name}: pages differ in pixels"
            for n in os.listdir(tmp_path):
                if n.endswith(".png"):
                    os.remove(tmp_path / n)
            compared += 1
    assert compared == 4 * len(records)
    # The record's characters really were drawn, in IPAex where IPAex has them.
    cert = [n for n in os.listdir(outs["on"]) if n.startswith("保証証書")][0]
    text = flat(text_of(str(outs["on"] / cert)))
    assert "鬱齲麤建設" in text and "𠮷" in text and "鷗外" in text
    fonts = subprocess.run(["pdffonts", str(outs["on"] / cert)], capture_output=True, text=True, check=True).stdout
    assert "IPAexMincho" in fonts and "IPAmjMincho" in fonts


def test_a_batch_makes_its_subset_fonts_once_not_per_record(workspace, tmp_path):
    """A run foresees its records' characters: the subset fonts are made for the records and the
    templates before the first contract, and grow after that only for the few words the program adds
    itself (era names, the office line, a type's labels), never per record. Twenty records that each
    bring kanji of their own would otherwise make twenty generations."""
    ws = workspace
    ws.drop_samples()
    ws.drop("R07-4621-000777.json", UNUSUAL)
    rare = "鬯鬲鬼魁魂魃魄魅魍魎魏鮃鮎鮑鮒鮓鮖鮗鮟鮠鮨鮴鯀鯊鮹鯆鯏鯑鯒鯣鯢鯤"
    for i in range(20):
        ws.drop(f"R07-4621-0009{i:02d}.json",
                sample_record(f"R07-4621-0009{i:02d}", contractor__name=f"株式会社{rare[i]}{rare[i + 10]}組"))
    stats = tmp_path / "stats.json"
    result = ws.run("run", "--stats", str(stats))
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(ws.listdir("contracts")) == 24
    assert 1 <= json.load(open(stats))["font_generations"] <= 3
    cert = os.path.join(ws.contract("R07-4621-000777"), "documents", "certificate.pdf")
    check_pdf(cert)
    out = tmp_path / "full"
    unusual = tmp_path / "unusual.json"
    unusual.write_text(json.dumps(UNUSUAL, ensure_ascii=False), encoding="utf-8")
    result = ws.run("preview", str(unusual), "--out", str(out), env={"MAILBATCH_FONT_SUBSETS": "off"})
    assert result.returncode == 0, result.stderr
    full = str(out / "保証証書_R07-4621-000777.pdf")
    # The issued certificate and the preview differ in what issuing adds (the issue facts), so
    # compare the lines that name the contractor and the project.
    issued_lines = [l for l in _layout_text(cert).splitlines() if "鬱" in l or "𠮷" in l]
    preview_lines = [l for l in _layout_text(full).splitlines() if "鬱" in l or "𠮷" in l]
    assert issued_lines and issued_lines == preview_lines
