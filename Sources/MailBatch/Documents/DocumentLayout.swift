/// The layout every mailbatch document shares: margins, a title block, ruled two-column tables that
/// wrap long values and continue on a new page, and page numbers when a document runs past one page.
struct DocumentLayout {
    static let margin = 56.0
    static let contentWidth = PDFCanvas.a4Width - 2 * margin
    static let bottomLimit = PDFCanvas.a4Height - 64.0

    let canvas: PDFCanvas
    var y = margin

    static let body = PDFCanvas.Style(font: "IPAexMincho", size: 10.5)
    static let label = PDFCanvas.Style(font: "IPAexGothic", size: 10)
    static let heading = PDFCanvas.Style(font: "IPAexGothic", size: 17, bold: true, alignment: .center)
    static let small = PDFCanvas.Style(font: "IPAexMincho", size: 9)

    init(canvas: PDFCanvas) { self.canvas = canvas }

    /// The issue date at the top right, then the title centred.
    mutating func titleBlock(title: String, date: String, reference: String? = nil) {
        var right = PDFCanvas.Style(font: "IPAexMincho", size: 10.5, alignment: .right)
        right.lineSpacing = 1.3
        let top = [reference, date].compactMap { $0 }.joined(separator: "\n")
        y += canvas.text(top, x: Self.margin, y: y, width: Self.contentWidth, style: right)
        y += 22
        y += canvas.text(title, x: Self.margin, y: y, width: Self.contentWidth, style: Self.heading)
        y += 22
    }

    mutating func paragraph(_ text: String, style: PDFCanvas.Style = body, indent: Double = 0, after: Double = 8) {
        let height = canvas.measure(text, width: Self.contentWidth - indent, style: style).height
        breakPageIfNeeded(height)
        y += canvas.text(text, x: Self.margin + indent, y: y, width: Self.contentWidth - indent, style: style)
        y += after
    }

    mutating func space(_ points: Double) { y += points }

    /// A ruled table of label and value rows; a row taller than the page's rest moves to a new page.
    mutating func table(_ rows: [(String, String)], labelWidth: Double = 120, valueStyles: [Int: PDFCanvas.Style] = [:]) {
        let padding = 6.0
        let valueWidth = Self.contentWidth - labelWidth
        for (index, row) in rows.enumerated() {
            let valueStyle = valueStyles[index] ?? Self.body
            let labelHeight = canvas.measure(row.0, width: labelWidth - 2 * padding, style: Self.label).height
            let valueHeight = canvas.measure(row.1, width: valueWidth - 2 * padding, style: valueStyle).height
            let height = max(labelHeight, valueHeight) + 2 * padding
            breakPageIfNeeded(height)
            canvas.rectangle(x: Self.margin, y: y, width: labelWidth, height: height, fillGray: 0.92)
            canvas.rectangle(x: Self.margin + labelWidth, y: y, width: valueWidth, height: height)
            canvas.text(row.0, x: Self.margin + padding, y: y + (height - labelHeight) / 2, width: labelWidth - 2 * padding, style: Self.label)
            canvas.text(row.1, x: Self.margin + labelWidth + padding, y: y + (height - valueHeight) / 2, width: valueWidth - 2 * padding, style: valueStyle)
            y += height
        }
        y += 14
    }

    private mutating func breakPageIfNeeded(_ height: Double) {
        guard y + height > Self.bottomLimit, y > Self.margin + 1 else { return }
        pageNumberFooter()
        canvas.newPage()
        y = Self.margin
    }

    private func pageNumberFooter() {
        var style = Self.small
        style.alignment = .center
        canvas.text("- \(canvas.pageNumber) -", x: Self.margin, y: PDFCanvas.a4Height - 40, width: Self.contentWidth, style: style)
    }

    /// Ends the document: a page number on the last page when there is more than one.
    func finish() -> [UInt8] {
        if canvas.pageNumber > 1 { pageNumberFooter() }
        return canvas.finish()
    }
}
