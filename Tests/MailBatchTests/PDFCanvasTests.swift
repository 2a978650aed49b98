import Testing

@testable import Documents

@Suite("One canvas, one document")
struct PDFCanvasTests {
    static let info = PDFInfo(title: "表題（R07-4621-000123）", author: "西日本建設業保証株式会社", subject: "前払金保証", createdISO8601: "2025-10-20T10:00:00+09:00")

    static func pageCount(_ pdf: [UInt8]) -> Int {
        String(decoding: pdf, as: UTF8.self).matches(of: /\/Type \/Page(?!s)/).count
    }

    /// Every in-use entry of the cross-reference table points at `N 0 obj`, and `startxref` at the table.
    static func crossReferenceHolds(_ pdf: [UInt8]) -> Bool {
        let text = String(decoding: pdf, as: UTF8.self)
        guard let start = text.matches(of: /startxref\s+(\d+)/).last.flatMap({ Int($0.output.1) }), start < pdf.count,
            case let table = String(decoding: pdf[start...], as: UTF8.self),
            let header = table.prefixMatch(of: /xref\s+(\d+) (\d+)\s+/),
            let first = Int(header.output.1), let count = Int(header.output.2)
        else { return false }
        var at = start + table[..<header.range.upperBound].utf8.count
        for number in first..<(first + count) {
            guard at + 20 <= pdf.count else { return false }
            let entry = String(decoding: pdf[at..<(at + 20)], as: UTF8.self)
            at += 20
            guard entry.dropFirst(17).first == "n" else { continue }
            guard let offset = Int(entry.prefix(10)), offset < pdf.count, pdf[offset...].starts(with: "\(number) 0 obj".utf8) else { return false }
        }
        return true
    }

    @Test("a document's pages are numbered from 1 and its file has them all, with its information and a PDF date")
    func oneDocument() {
        let canvas = PDFCanvas(text: "一頁二頁", info: Self.info)
        canvas.text("一頁", x: 56, y: 56)
        #expect(canvas.pageNumber == 1)
        canvas.newPage()
        #expect(canvas.pageNumber == 2)
        canvas.text("二頁", x: 56, y: 56)
        let pdf = canvas.finish()
        #expect(canvas.pageNumber == 2)
        #expect(Self.pageCount(pdf) == 2)
        #expect(pdf.starts(with: Array("%PDF-1.5".utf8)))
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/CreationDate (D:20251020100000+09'00')"))
        #expect(text.contains("/Creator (mailbatch)"))
        #expect(Self.crossReferenceHolds(pdf))
    }

    @Test("the same drawing at the same clock gives the same bytes")
    func deterministic() {
        func draw() -> [UInt8] {
            let canvas = PDFCanvas(text: "保証証書", info: Self.info)
            canvas.text("保証証書", x: 56, y: 56)
            return canvas.finish()
        }
        // The subset tags come from the glyph numbers of the current font generation, which other
        // tests running at the same time may move on: compare two drawings of one generation.
        for _ in 0..<5 {
            let generation = FontSubsets.shared.generation
            let (first, second) = (draw(), draw())
            guard FontSubsets.shared.generation == generation else { continue }
            #expect(first == second)
            return
        }
        Issue.record("the font generation kept changing")
    }

    @Test("the creation date is put in the PDF form and every offset after it moves with it")
    func creationDateFix() {
        let pages = "1 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        let info = "2 0 obj\n<< /Producer (cairo)\n   /CreationDate (20251020100000+09'00)\n>>\nendobj\n"
        let catalog = "3 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\n"
        let header = "%PDF-1.5\n"
        var offsets: [Int] = []
        var body = header
        for object in [pages, info, catalog] {
            offsets.append(body.utf8.count)
            body += object
        }
        func entry(_ offset: Int) -> String { String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        let xref =
            "xref\n0 4\n0000000000 65535 f \n" + offsets.map(entry).joined()
            + "trailer\n<< /Size 4 /Root 3 0 R /Info 2 0 R >>\nstartxref\n\(body.utf8.count)\n%%EOF\n"
        let pdf = Array((body + xref).utf8)
        #expect(Self.crossReferenceHolds(pdf))
        let fixed = PDFInfo.creationDateFixed(pdf)
        #expect(fixed.count == pdf.count + 3)
        #expect(String(decoding: fixed, as: UTF8.self).contains("/CreationDate (D:20251020100000+09'00')\n"))
        #expect(Self.crossReferenceHolds(fixed))
        // Already in the PDF form, or not laid out as cairo writes it: left as it is.
        #expect(PDFInfo.creationDateFixed(fixed) == fixed)
        #expect(PDFInfo.creationDateFixed(Array("not a pdf".utf8)) == Array("not a pdf".utf8))
    }

    @Test("ISO 8601 times become PDF dates")
    func dates() {
        #expect(PDFInfo.pdfDate("2025-10-20T10:00:00+09:00") == "D:20251020100000+09'00'")
        #expect(PDFInfo.pdfDate("2025-10-20T01:00:00Z") == "D:20251020010000Z")
        #expect(PDFInfo.pdfDate("2025-10-20T01:00:00-03:30") == "D:20251020010000-03'30'")
        #expect(PDFInfo.pdfDate("yesterday") == nil)
    }
}
