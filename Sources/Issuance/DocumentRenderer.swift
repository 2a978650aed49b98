import Documents
package import Model
import Store

/// Draws a contract's documents from their parsed scripts on A4 with the shared layout, each on its
/// own PDF surface: each file embeds only the glyphs it draws (the fonts were cut down to the batch's
/// characters once, by `FontSubsets`). It keeps nothing between contracts but the templates.
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
        // The fonts grow at most once for the whole contract, not once for each document that brings new characters.
        FontSubsets.shared.prepare((scripts.joined() + DocumentLayout.ownText + (signatureNotice ?? "")).unicodeScalars)
        var out: [(kind: DocumentKind, bytes: [UInt8])] = []
        for (kind, script) in zip(kinds, scripts) {
            let notice = DocumentSigning.signedKinds.contains(kind) ? signatureNotice : nil
            let info = PDFInfo(
                title: "\(kind.title(for: facts.certificate))（\(facts.certificate.contractNumber)）",
                author: facts.certificate.surety, subject: facts.certificate.guaranteeTypeName,
                createdISO8601: facts.certificate.issuedAt)
            // A document that runs past its pages (one, or as many as its `page:` breaks make) is
            // drawn again closer, up to the closest fit; the usual document draws once.
            var fit = 0
            while true {
                let (bytes, pages, allowed) = try draw(kind, script: script, info: info, signatureNotice: notice, fit: fit)
                if pages <= allowed || fit >= DocumentFit.closest {
                    out.append((kind, bytes))
                    break
                }
                fit += 1
            }
        }
        return out
    }

    /// One document on its own canvas, which gives its fonts back as it goes: its bytes, its pages
    /// and the pages it may take.
    private func draw(
        _ kind: DocumentKind, script: String, info: PDFInfo, signatureNotice: String?, fit: Int
    ) throws(Failure) -> (bytes: [UInt8], pages: Int, allowed: Int) {
        // Every character the document will draw, so that the canvas picks its fonts once.
        let canvas = PDFCanvas(text: script + DocumentLayout.ownText + (signatureNotice ?? ""), info: info)
        if let signatureNotice { DocumentLayout.signatureNotice(signatureNotice, on: canvas) }
        let allowed = try draw(kind, script: script, on: canvas, fit: fit)
        let bytes = canvas.finish()
        return (bytes, canvas.pageNumber, allowed)
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
