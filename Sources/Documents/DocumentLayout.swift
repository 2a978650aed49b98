/// The layout every mailbatch document shares: margins, a title, ruled two-column tables that wrap
/// long values and continue on a new page, and page numbers when a document runs past one page.
package struct DocumentLayout {
    package static let margin = 56.0
    package static let contentWidth = PDFCanvas.a4Width - 2 * margin
    package static let bottomLimit = PDFCanvas.a4Height - 64.0

    package static let body = PDFCanvas.Style(font: .mincho, size: 10.5)
    package static let label = PDFCanvas.Style(font: .gothic, size: 9.5)
    package static let titleStyle = PDFCanvas.Style(font: .gothic, size: 17, alignment: .center)
    package static let heading2 = PDFCanvas.Style(font: .gothic, size: 11)
    package static let small = PDFCanvas.Style(font: .mincho, size: 8.5)
    package static let rightAligned = PDFCanvas.Style(font: .mincho, size: 10.5, alignment: .right)
    package static let centered = PDFCanvas.Style(font: .mincho, size: 11, alignment: .center)
    package static let addressee = PDFCanvas.Style(font: .mincho, size: 13)
    package static let emphasis = PDFCanvas.Style(font: .gothic, size: 14, lineSpacing: 1.2)
    package static let amountStyle = PDFCanvas.Style(font: .mincho, size: 20, alignment: .center)
    package static let noticeStyle = PDFCanvas.Style(font: .gothic, size: 9.5, alignment: .center)

    package let canvas: PDFCanvas
    package var y = margin
    /// Space above and below a table cell's text: less on a changed certificate, so that the 変更内容
    /// fits on its one page with everything else.
    package var cellPadding = 6.0
    /// The vertical gaps between blocks, as a share of the usual: a document that would run past
    /// its pages is drawn again closer (`DocumentRenderer`), never cut.
    package var spacing = 1.0
    /// The size of the text, as a share of each style's: below 1 only for the closest fit.
    package var textScale = 1.0

    private func scaled(_ style: PDFCanvas.Style) -> PDFCanvas.Style {
        guard textScale != 1 else { return style }
        var out = style
        out.size *= textScale
        return out
    }

    package init(canvas: PDFCanvas) { self.canvas = canvas }

    package mutating func title(_ text: String) {
        y += 10 * spacing
        let laid = canvas.block(text, width: Self.contentWidth, style: scaled(Self.titleStyle))
        breakPageIfNeeded(laid.height + 30)
        canvas.draw(laid, x: Self.margin, y: y)
        y += laid.height + 20 * spacing
    }

    /// - Parameter keepWithNext: room the block needs below it on the same page (a heading keeps its
    ///   first lines with it).
    package mutating func paragraph(_ text: String, style: PDFCanvas.Style = body, indent: Double = 0, after: Double = 8, keepWithNext: Double = 0) {
        let laid = canvas.block(text, width: Self.contentWidth - indent, style: scaled(style))
        breakPageIfNeeded(laid.height + keepWithNext * textScale)
        canvas.draw(laid, x: Self.margin + indent, y: y)
        y += laid.height + after * spacing
    }

    package mutating func space(_ points: Double) { y += points * spacing }

    /// A label with its value beside it; a long value wraps under itself, not under the label.
    package mutating func field(_ label: String, _ value: String, labelWidth: Double = 80) {
        let laid = canvas.block(value, width: Self.contentWidth - labelWidth, style: scaled(Self.body))
        breakPageIfNeeded(laid.height)
        canvas.text(label, x: Self.margin, y: y, width: labelWidth, style: scaled(Self.body))
        canvas.draw(laid, x: Self.margin + labelWidth, y: y)
        y += laid.height + 6 * spacing
    }

    /// A ruled table of label and value rows; a row that does not fit moves to a new page.
    package mutating func table(_ rows: [(String, String, Bool)], labelWidth: Double = 140) {
        let padding = cellPadding
        let valueWidth = Self.contentWidth - labelWidth
        for (label, value, emphasis) in rows {
            let valueStyle = emphasis ? Self.emphasis : Self.body
            let labelBlock = canvas.block(label, width: labelWidth - 2 * padding, style: scaled(Self.label))
            let valueBlock = canvas.block(value, width: valueWidth - 2 * padding, style: scaled(valueStyle))
            let height = max(labelBlock.height, valueBlock.height, 12) + 2 * padding
            breakPageIfNeeded(height)
            canvas.rectangle(x: Self.margin, y: y, width: labelWidth, height: height, fillGray: 0.93)
            canvas.rectangle(x: Self.margin + labelWidth, y: y, width: valueWidth, height: height)
            canvas.draw(labelBlock, x: Self.margin + padding, y: y + (height - labelBlock.height) / 2)
            canvas.draw(valueBlock, x: Self.margin + labelWidth + padding, y: y + (height - valueBlock.height) / 2)
            y += height
        }
        y += 12 * spacing
    }

    /// The 変更内容 table: 項目, 変更前, 変更後, with a shaded header row; a row that does not fit moves to a new page.
    package mutating func changeTable(_ rows: [(String, String, String)], itemWidth: Double = 120) {
        let padding = cellPadding
        let valueWidth = (Self.contentWidth - itemWidth) / 2
        let widths = [itemWidth, valueWidth, valueWidth]
        func drawRow(_ cells: [String], header: Bool) {
            let blocks = zip(cells, widths).map { canvas.block($0, width: $1 - 2 * padding, style: scaled(header || $1 == itemWidth ? Self.label : Self.body)) }
            let height = max(blocks.map(\.height).max() ?? 0, 12) + 2 * padding
            breakPageIfNeeded(height)
            var x = Self.margin
            for (index, (block, width)) in zip(blocks, widths).enumerated() {
                canvas.rectangle(x: x, y: y, width: width, height: height, fillGray: header || index == 0 ? 0.93 : nil)
                canvas.draw(block, x: x + padding, y: y + (height - block.height) / 2)
                x += width
            }
            y += height
        }
        drawRow(Self.changeTableHeader, header: true)
        for row in rows { drawRow([row.0, row.1, row.2], header: false) }
        y += 12 * spacing
    }

    package static let changeTableHeader = ["項目", "変更前", "変更後"]

    /// The text the layout draws of its own, besides the script's: the change table's header and
    /// page numbers (`PDFCanvas` is told every character before drawing).
    package static let ownText = changeTableHeader.joined() + "- 0123456789"

    /// A large amount in a box, as receipts show it.
    package mutating func amountBox(_ text: String) {
        let laid = canvas.block(text, width: Self.contentWidth * 0.6, style: scaled(Self.amountStyle))
        let height = laid.height + 16
        breakPageIfNeeded(height)
        let x = Self.margin + Self.contentWidth * 0.2
        canvas.rectangle(x: x, y: y, width: Self.contentWidth * 0.6, height: height, lineWidth: 1.2)
        canvas.draw(laid, x: x, y: y + 8)
        y += height + 10 * spacing
    }

    /// A note in a double-ruled box, drawn in black so that it survives printing and copying.
    package mutating func noticeBox(_ text: String) {
        let padding = 7.0
        let laid = canvas.block(text, width: Self.contentWidth - 2 * padding - 6, style: scaled(Self.noticeStyle))
        let height = laid.height + 2 * padding
        breakPageIfNeeded(height)
        canvas.rectangle(x: Self.margin, y: y, width: Self.contentWidth, height: height, lineWidth: 1.4)
        canvas.rectangle(x: Self.margin + 2.5, y: y + 2.5, width: Self.contentWidth - 5, height: height - 5, lineWidth: 0.5)
        canvas.draw(laid, x: Self.margin + padding + 3, y: y + padding)
        y += height + 12 * spacing
    }

    /// A dashed cut line with a label in its middle (the お客様控え part of a receipt).
    package mutating func cutLine(_ text: String) {
        breakPageIfNeeded(40)
        y += 14
        canvas.dashedLine(from: (Self.margin, y), to: (Self.margin + Self.contentWidth, y))
        var style = Self.small
        style.alignment = .center
        if !text.isEmpty { canvas.text(text, x: Self.margin, y: y + 3, width: Self.contentWidth, style: style) }
        y += 24
    }

    package mutating func pageBreak() {
        pageNumberFooter()
        canvas.newPage()
        y = Self.margin
    }

    private mutating func breakPageIfNeeded(_ height: Double) {
        guard y + height > Self.bottomLimit, y > Self.margin + 1 else { return }
        pageBreak()
    }

    private func pageNumberFooter() {
        var style = Self.small
        style.alignment = .center
        canvas.text("- \(canvas.pageNumber) -", x: Self.margin, y: PDFCanvas.a4Height - 40, width: Self.contentWidth, style: style)
    }

    /// Ends the document: a page number on the last page when there is more than one. The canvas
    /// goes on to the next document or is finished by its owner.
    package func end() {
        if canvas.pageNumber > 1 { pageNumberFooter() }
    }
}
