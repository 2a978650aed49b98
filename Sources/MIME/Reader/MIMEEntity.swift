import Foundation

/// A received message or one of its parts, read leniently: returned mail comes from every kind of
/// mail server, so nothing here throws; what cannot be read is simply absent. Bounded in depth and
/// in the number of parts, so a hostile message cannot make it loop or recurse without end.
package struct MIMEEntity: Sendable {
    /// Header fields in order, unfolded; names as written.
    package let headers: [(name: String, value: String)]
    /// The body as it came, before any transfer decoding.
    package let rawBody: ArraySlice<UInt8>
    package let depth: Int

    package static let maxDepth = 6
    package static let maxParts = 64

    package init(_ bytes: some Collection<UInt8>, depth: Int = 0) {
        let bytes = Array(bytes)
        let (headerEnd, bodyStart) = Self.headerBoundary(bytes)
        headers = Self.fields(bytes[..<headerEnd])
        rawBody = bytes[bodyStart...]
        self.depth = depth
    }

    /// The first field of that name (case-insensitive).
    package func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    package func allHeaders(_ name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// `type/subtype` in lower case (text/plain when absent) and the parameters, names in lower case.
    package var contentType: (mime: String, parameters: [String: String]) {
        guard let value = header("Content-Type") else { return ("text/plain", [:]) }
        return Self.parameterized(value)
    }

    /// The body after Content-Transfer-Encoding (base64, quoted-printable; anything else as is).
    package var body: [UInt8] {
        switch (header("Content-Transfer-Encoding") ?? "").trimmingCharacters(in: .whitespaces).lowercased() {
        case "base64": return Array(Data(base64Encoded: Data(rawBody), options: .ignoreUnknownCharacters) ?? Data())
        case "quoted-printable": return Self.quotedPrintable(rawBody)
        default: return Array(rawBody)
        }
    }

    /// The body as text, line ends as LF (in Swift "\r\n" is one Character, which `split` would not see).
    package var text: String { String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n") }

    /// The parts of a multipart entity; for message/rfc822 and its kin, the enclosed message.
    package var parts: [MIMEEntity] {
        guard depth < Self.maxDepth else { return [] }
        let (mime, parameters) = contentType
        if mime.hasPrefix("multipart/"), let boundary = parameters["boundary"], !boundary.isEmpty {
            return Self.split(Array(rawBody), boundary: Array(("--" + boundary).utf8)).map { MIMEEntity($0, depth: depth + 1) }
        }
        if mime == "message/rfc822" || mime == "message/global" {
            return [MIMEEntity(body, depth: depth + 1)]
        }
        return []
    }

    /// This entity and every part below it, depth first.
    package var allParts: [MIMEEntity] {
        var result: [MIMEEntity] = [self]
        for part in parts where result.count < Self.maxParts { result += part.allParts }
        return Array(result.prefix(Self.maxParts))
    }

    // MARK: - Reading

    /// Where the header ends and the body starts: at the first empty line (CRLF or LF).
    private static func headerBoundary(_ b: [UInt8]) -> (Int, Int) {
        if b.first == 0x0A { return (0, 1) }
        if b.starts(with: [0x0D, 0x0A]) { return (0, 2) }
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x0A {
                if b[i + 1] == 0x0A { return (i + 1, i + 2) }
                if b[i + 1] == 0x0D, i + 2 < b.count, b[i + 2] == 0x0A { return (i + 1, i + 3) }
            }
            i += 1
        }
        return (b.count, b.count)
    }

    private static func fields(_ block: ArraySlice<UInt8>) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        let text = String(decoding: block, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if let first = line.first, first == " " || first == "\t" {
                guard !result.isEmpty else { continue }
                result[result.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else { continue }
            result.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return result
    }

    /// `multipart/report; report-type=delivery-status; boundary="x"` → ("multipart/report", [...]).
    package static func parameterized(_ value: String) -> (String, [String: String]) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for c in value {
            if c == "\"" { quoted.toggle() }
            if c == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        pieces.append(current)
        let mime = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var v = piece[piece.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            parameters[name] = v
        }
        return (mime.isEmpty ? "text/plain" : mime, parameters)
    }

    /// The parts between `--boundary` lines, up to `--boundary--`.
    private static func split(_ body: [UInt8], boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = 0
        while lineStart < body.count, parts.count < maxParts {
            var lineEnd = lineStart
            while lineEnd < body.count, body[lineEnd] != 0x0A { lineEnd += 1 }
            let line = body[lineStart..<lineEnd]
            if line.starts(with: boundary) {
                var contentEnd = lineStart
                if contentEnd > 0, body[contentEnd - 1] == 0x0A { contentEnd -= 1 }
                if contentEnd > 0, body[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                if let start = partStart, start <= contentEnd { parts.append(body[start..<contentEnd]) }
                let rest = line.dropFirst(boundary.count)
                if rest.starts(with: [0x2D, 0x2D]) { return parts }
                partStart = min(lineEnd + 1, body.count)
            }
            lineStart = lineEnd + 1
        }
        if let start = partStart, start < body.count, parts.count < maxParts { parts.append(body[start...]) }
        return parts
    }

    private static func quotedPrintable(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        let b = Array(input)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x37
            case 0x61...0x66: return c - 0x57
            default: return nil
            }
        }
        while i < b.count {
            if b[i] == 0x3D {
                if i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
                // A soft line break: "=" at the end of a line.
                var j = i + 1
                while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                if j < b.count, b[j] == 0x0D { j += 1 }
                if j < b.count, b[j] == 0x0A {
                    i = j + 1
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }
}
