import Testing

@testable import Documents
@testable import Store
@testable import Support

@Suite("One surface, cut into documents")
struct PDFSplitterTests {
    /// Page objects in a PDF as qpdf writes it (`/Type /Page`, not `/Pages`).
    static func pageCount(_ pdf: [UInt8]) -> Int {
        String(decoding: pdf, as: UTF8.self).matches(of: /\/Type \/Page(?!s)/).count
    }

    @Test("documents drawn on one canvas come out as separate files with their own pages and page numbers")
    func split() throws {
        let canvas = PDFCanvas()
        canvas.text("一つ目", x: 56, y: 56)
        #expect(canvas.pageNumber == 1)
        canvas.nextDocument()
        canvas.text("二つ目の一頁", x: 56, y: 56)
        canvas.newPage()
        #expect(canvas.pageNumber == 2)
        canvas.text("二つ目の二頁", x: 56, y: 56)
        canvas.nextDocument()
        #expect(canvas.pageNumber == 1)
        canvas.text("三つ目", x: 56, y: 56)
        let pdf = canvas.finish()
        #expect(canvas.documents == [0..<1, 1..<3, 3..<4])
        #expect(Self.pageCount(pdf) == 4)

        let info = PDFSplitter.Info(title: "表題", author: "西日本建設業保証株式会社", subject: nil, createdISO8601: "2025-10-20T10:00:00+09:00")
        let parts = try PDFSplitter.split(pdf, into: canvas.documents.map { .init(pages: $0, info: info) })
        #expect(parts.map(Self.pageCount) == [1, 2, 1])
        for part in parts {
            #expect(part.starts(with: Array("%PDF-1.5".utf8)))
            #expect(String(decoding: part, as: UTF8.self).contains("/CreationDate (D:20251020100000+09'00')"))
        }
        // The same drawing gives the same bytes (the /ID comes from the content).
        #expect(try PDFSplitter.split(pdf, into: [.init(pages: 0..<1, info: info)]) == [parts[0]])
    }

    @Test("a page range outside the drawing, or bytes that are no PDF, are errors")
    func failures() {
        let canvas = PDFCanvas()
        canvas.text("一頁", x: 56, y: 56)
        let pdf = canvas.finish()
        let info = PDFSplitter.Info(title: "t", author: "a", subject: "s", createdISO8601: "2025-10-20T10:00:00+09:00")
        #expect(throws: PDFSplitter.Failure.self) { try PDFSplitter.split(pdf, into: [.init(pages: 0..<2, info: info)]) }
        #expect(throws: PDFSplitter.Failure.self) { try PDFSplitter.split(Array("not a pdf".utf8), into: [.init(pages: 0..<1, info: info)]) }
    }

    @Test("ISO 8601 times become PDF dates")
    func dates() {
        #expect(PDFSplitter.pdfDate("2025-10-20T10:00:00+09:00") == "D:20251020100000+09'00'")
        #expect(PDFSplitter.pdfDate("2025-10-20T01:00:00Z") == "D:20251020010000Z")
        #expect(PDFSplitter.pdfDate("2025-10-20T01:00:00-03:30") == "D:20251020010000-03'30'")
        #expect(PDFSplitter.pdfDate("yesterday") == nil)
    }
}
