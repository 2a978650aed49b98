package import Model
import Support

/// A stored message plan (`messages/<stem>.plan`): the message exactly as it is sent, except that the
/// base64 body of each attachment that is a committed document is one reference line,
///
///     %mailbatch-document version=2 file=receipt.pdf size=104857 sha256=<64 hex>
///
/// Composing puts the document's base64 (76 columns, CRLF, as `MailMessage.rendered()` writes it) in
/// its place, so a plan composes to the bytes the whole message would have had. No other line of a
/// message can begin with `%`: header lines begin with a field name or a fold's space, bodies are
/// base64, boundaries begin with `--`. The headers are the message's own, so a re-send rewrites them
/// with `HeaderRewrite` as it would a whole message.
package enum MessagePlan {
    private static let marker = Array("%mailbatch-document ".utf8)
    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// The reference line of one document (with its CRLF).
    package static func line(_ reference: DocumentReference) -> String {
        "%mailbatch-document version=\(reference.version) file=\(reference.file) size=\(reference.size) sha256=\(reference.sha256)\r\n"
    }

    /// A plan that cannot be composed: a damaged reference line, or a document that is not the one
    /// the message was composed with (the resolver's words).
    package struct Problem: Error, CustomStringConvertible {
        package let description: String

        package init(_ description: String) {
            self.description = description
        }
    }

    /// The documents a plan names, in order.
    package static func references(in plan: [UInt8]) throws(Problem) -> [DocumentReference] {
        var found: [DocumentReference] = []
        _ = try compose(plan) { reference throws(Problem) in
            found.append(reference)
            return []
        }
        return found
    }

    /// The message a plan stands for; `document` gives each named document's bytes, or throws why not.
    package static func compose(_ plan: [UInt8], document: (DocumentReference) throws(Problem) -> [UInt8]) throws(Problem) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        var lineStart = 0
        while lineStart < plan.count {
            let end = plan[lineStart...].firstRange(of: crlf).map(\.upperBound) ?? plan.count
            if plan[lineStart..<end].starts(with: marker) {
                let reference = try parse(plan[lineStart..<end])
                let bytes = try document(reference)
                if out.isEmpty { out.reserveCapacity(plan.count + bytes.count * 4 / 3 + bytes.count / 38 + 64) }
                out += plan[start..<lineStart]
                out += Array(MIMEEncoder.base64Lines(bytes).utf8)
                start = end
            }
            lineStart = end
        }
        out += plan[start...]
        return out
    }

    private static func parse(_ line: ArraySlice<UInt8>) throws(Problem) -> DocumentReference {
        let text = String(decoding: line, as: UTF8.self)
        var fields: [Substring: Substring] = [:]
        for part in text.dropFirst(marker.count).split(whereSeparator: { $0 == " " || $0 == "\r\n" || $0 == "\r" || $0 == "\n" }) {
            guard let eq = part.firstIndex(of: "=") else { continue }
            fields[part[..<eq]] = part[part.index(after: eq)...]
        }
        guard let version = fields["version"].flatMap({ Int($0) }), version >= 1, let file = fields["file"].map(String.init),
            DocumentReference.isPlainFileName(file), let size = fields["size"].flatMap({ Int($0) }), size >= 0,
            let sha = fields["sha256"].map(String.init), sha.count == 64, sha.allSatisfy(\.isHexDigit)
        else {
            throw Problem("the stored message plan has a damaged document line (\(text.prefix(120).trimmingSuffix { $0.isNewline }))")
        }
        return DocumentReference(version: version, file: file, size: size, sha256: sha.lowercased())
    }
}
