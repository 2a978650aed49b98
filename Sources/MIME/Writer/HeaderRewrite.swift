/// Replaces one header field of a stored message (with its folded lines), leaving every other byte
/// as it was: a re-send to a corrected address keeps the Message-ID, the body and the attachments.
package enum HeaderRewrite {
    /// Drops a header field (with its folded lines).
    package static func removing(_ name: String, in message: [UInt8]) -> [UInt8] { rewrite(name, with: nil, in: message) }

    package static func replacing(_ name: String, with field: String, in message: [UInt8]) -> [UInt8] { rewrite(name, with: field, in: message) }

    private static func rewrite(_ name: String, with field: String?, in message: [UInt8]) -> [UInt8] {
        // "\r\n" is a single Character in Swift, so the field's line end is trimmed as bytes.
        var fieldBytes = Array((field ?? "").utf8)
        if fieldBytes.suffix(2) == [0x0D, 0x0A] { fieldBytes.removeLast(2) }
        let replacement = field.map { _ in String(decoding: fieldBytes, as: UTF8.self) }
        let separator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        guard let end = message.firstRange(of: separator) else { return message }
        let header = String(decoding: message[..<end.lowerBound], as: UTF8.self)
        var lines: [String] = []
        var skipping = false
        var inserted = false
        for line in header.components(separatedBy: "\r\n") {
            let continuation = line.hasPrefix(" ") || line.hasPrefix("\t")
            if continuation, skipping { continue }
            skipping = false
            if !continuation, line.lowercased().hasPrefix(name.lowercased() + ":") {
                skipping = true
                if !inserted, let replacement {
                    lines.append(replacement)
                }
                inserted = true
                continue
            }
            lines.append(line)
        }
        if !inserted, let replacement { lines.append(replacement) }
        return Array(lines.joined(separator: "\r\n").utf8) + Array(message[end.lowerBound...])
    }
}
