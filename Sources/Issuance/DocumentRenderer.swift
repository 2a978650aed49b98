import Documents
package import Model
import Store

/// Draws a contract's documents from their parsed scripts on A4 with the shared layout: all of them
/// as pages of one PDF surface, so each font is subset once per contract, then cut into one file per
/// document (`PDFSplitter`). It keeps nothing between contracts but the templates.
package struct DocumentRenderer {
    package let templates: TemplateLibrary

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// Readies the fonts for a batch whose records hold `characters`: one set of subset fonts then
    /// serves every contract (`FontSubsets`), instead of growing as new names come.
    package func prepare(forRecords characters: Set<Unicode.Scalar>) {
        var all = characters
        all.formUnion(templates.text.unicodeScalars)
        all.formUnion(DocumentLayout.ownText.unicodeScalars)
        all.formUnion(DocumentSigning.ownText.unicodeScalars)
        FontSubsets.shared.prepare(all)
    }

    /// The documents of `kinds`, in that order, each as its own PDF. `signatureNotice` goes on the
    /// first page of each document that will be signed, above the margin, so nothing else moves.
    package func render(
        _ kinds: [DocumentKind], facts: DocumentFacts, extra: [String: Any] = [:], signatureNotice: String? = nil
    ) throws(Failure) -> [(kind: DocumentKind, bytes: [UInt8])] {
        var context = facts.documentContext
        for (key, value) in extra { context[key] = value }
        var scripts: [String] = []
        for kind in kinds { scripts.append(try script(kind, context: context)) }
        // A document that runs past its pages (one, or as many as its `page:` breaks make) is drawn
        // again closer, up to the closest fit; the usual contract draws once.
        var fits = [Int](repeating: 0, count: kinds.count)
        var canvas: PDFCanvas
        var pdf: [UInt8]
        while true {
            // Every character the documents will draw, so that the canvas picks its fonts once.
            canvas = PDFCanvas(text: scripts.joined() + DocumentLayout.ownText + (signatureNotice ?? ""))
            var allowed: [Int] = []
            for (index, (kind, script)) in zip(kinds, scripts).enumerated() {
                if index > 0 { canvas.nextDocument() }
                if let signatureNotice, DocumentSigning.signedKinds.contains(kind) { DocumentLayout.signatureNotice(signatureNotice, on: canvas) }
                allowed.append(try draw(kind, script: script, on: canvas, fit: fits[index]))
            }
            pdf = canvas.finish()
            let over = allowed.indices.filter { canvas.documents[$0].count > allowed[$0] && fits[$0] < DocumentFit.closest }
            if over.isEmpty { break }
            for index in over { fits[index] += 1 }
        }
        let parts = zip(kinds, canvas.documents).map { kind, pages in
            PDFSplitter.Part(
                pages: pages,
                info: .init(
                    title: "\(kind.title(for: facts.certificate))（\(facts.certificate.contractNumber)）",
                    author: facts.certificate.surety, subject: facts.certificate.guaranteeTypeName,
                    createdISO8601: facts.certificate.issuedAt))
        }
        do {
            return zip(kinds, try PDFSplitter.split(pdf, into: parts)).map { ($0, $1) }
        } catch {
            throw Failure(description: error.description)
        }
    }

    private func script(_ kind: DocumentKind, context: [String: Any]) throws(Failure) -> String {
        do {
            return try templates.render(kind.template, context)
        } catch {
            throw Failure(description: error.description)
        }
    }

    /// Draws one document; returns the pages it may take.
    private func draw(_ kind: DocumentKind, script: String, on canvas: PDFCanvas, fit: Int) throws(Failure) -> Int {
        let blocks: [DocumentBlock]
        do {
            blocks = try DocumentBlock.parse(script)
        } catch {
            throw Failure(description: "\(kind.template).mustache: \(error)")
        }
        var layout = DocumentLayout(canvas: canvas)
        DocumentFit.apply(fit, to: &layout)

        var rows: [(String, String, Bool)] = []
        var changes: [(String, String, String)] = []
        func flushRows() {
            if !rows.isEmpty { layout.table(rows) }
            if !changes.isEmpty { layout.changeTable(changes) }
            rows.removeAll()
            changes.removeAll()
        }
        for block in blocks {
            if case .row(let label, let value, let emphasis) = block {
                if !changes.isEmpty { flushRows() }
                rows.append((label, value, emphasis))
                continue
            }
            if case .change(let item, let before, let after) = block {
                if !rows.isEmpty { flushRows() }
                changes.append((item, before, after))
                continue
            }
            flushRows()
            switch block {
            case .title(let text): layout.title(text)
            case .right(let text): layout.paragraph(text, style: DocumentLayout.rightAligned, after: 2)
            case .addressee(let text): layout.paragraph(text, style: DocumentLayout.addressee, after: 8)
            case .heading(let text): layout.paragraph(text, style: DocumentLayout.heading2, after: 6, keepWithNext: 64)
            case .center(let text): layout.paragraph(text, style: DocumentLayout.centered, after: 8)
            case .paragraph(let text): layout.paragraph(text)
            case .small(let text): layout.paragraph(text, style: DocumentLayout.small, after: 3)
            case .amount(let text): layout.amountBox(text)
            case .space(let points): layout.space(points)
            case .cut(let text): layout.cutLine(text)
            case .notice(let text): layout.noticeBox(text)
            case .pageBreak: layout.pageBreak()
            case .field(let label, let value): layout.field(label, value)
            case .compact: layout.cellPadding = min(layout.cellPadding, 2)
            case .row, .change: break
            }
        }
        flushRows()
        layout.end()
        return 1 + blocks.filter { if case .pageBreak = $0 { true } else { false } }.count
    }

    package init(templates: TemplateLibrary) {
        self.templates = templates
    }
}
