/// Draws a parsed document script on A4 with the shared layout. One renderer per worker: it keeps
/// nothing between documents but the templates.
struct DocumentRenderer {
    let templates: TemplateLibrary

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func render(_ kind: DocumentKind, facts: DocumentFacts, extra: [String: Any] = [:]) throws(Failure) -> [UInt8] {
        var context = facts.documentContext
        for (key, value) in extra { context[key] = value }
        let script: String
        let blocks: [DocumentBlock]
        do {
            script = try templates.render(kind.template, context)
            blocks = try DocumentBlock.parse(script)
        } catch let error as TemplateLibrary.Failure {
            throw Failure(description: error.description)
        } catch {
            throw Failure(description: "\(kind.template).mustache: \(error)")
        }
        let canvas = PDFCanvas(
            metadata: .init(
                title: "\(kind.title(for: facts.certificate))（\(facts.certificate.contractNumber)）",
                author: facts.certificate.surety, subject: facts.certificate.guaranteeTypeName,
                createdISO8601: facts.certificate.issuedAt))
        var layout = DocumentLayout(canvas: canvas)
        var rows: [(String, String, Bool)] = []
        func flushRows() {
            if !rows.isEmpty { layout.table(rows) }
            rows.removeAll()
        }
        for block in blocks {
            if case .row(let label, let value, let emphasis) = block {
                rows.append((label, value, emphasis))
                continue
            }
            flushRows()
            switch block {
            case .title(let text): layout.title(text)
            case .right(let text): layout.paragraph(text, style: DocumentLayout.rightAligned, after: 2)
            case .addressee(let text): layout.paragraph(text, style: DocumentLayout.addressee, after: 8)
            case .heading(let text): layout.paragraph(text, style: DocumentLayout.heading2, after: 6)
            case .center(let text): layout.paragraph(text, style: DocumentLayout.centered, after: 8)
            case .paragraph(let text): layout.paragraph(text)
            case .small(let text): layout.paragraph(text, style: DocumentLayout.small, after: 3)
            case .amount(let text): layout.amountBox(text)
            case .space(let points): layout.space(points)
            case .cut(let text): layout.cutLine(text)
            case .notice(let text): layout.noticeBox(text)
            case .pageBreak: layout.pageBreak()
            case .field(let label, let value): layout.field(label, value)
            case .row: break
            }
        }
        flushRows()
        return layout.finish()
    }
}
