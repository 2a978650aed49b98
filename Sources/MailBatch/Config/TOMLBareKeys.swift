import Foundation

/// Quotes bare keys that hold non-ASCII characters (`[日置市]` → `["日置市"]`) before TOMLKit sees
/// them. DESIGN's override file writes orderer names as bare keys, which TOML 1.1 allows; toml++
/// (under TOMLKit) implements TOML 1.0 and aborts on them in debug builds instead of reporting an error.
enum TOMLBareKeys {
    static func quoted(_ text: String) -> String {
        var out: [String] = []
        var inMultiline: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(line)
            if let delimiter = inMultiline {
                if line.components(separatedBy: delimiter).count % 2 == 0 { inMultiline = nil }
                out.append(line)
                continue
            }
            let body = line.drop(while: { $0 == " " || $0 == "\t" })
            let indent = String(line.prefix(line.count - body.count))
            if body.hasPrefix("[") {
                let isArray = body.hasPrefix("[[")
                let open = isArray ? "[[" : "["
                let close = isArray ? "]]" : "]"
                if let end = body.range(of: close, options: .backwards), end.lowerBound >= body.index(body.startIndex, offsetBy: open.count) {
                    let inner = body[body.index(body.startIndex, offsetBy: open.count)..<end.lowerBound]
                    line = indent + open + quoteKeyPath(String(inner)) + close + body[end.upperBound...]
                }
            } else if let equals = firstUnquoted("=", in: String(body)) {
                let key = String(body[..<equals])
                line = indent + quoteKeyPath(key) + body[equals...]
                for delimiter in ["\"\"\"", "'''"] where body.components(separatedBy: delimiter).count == 2 {
                    inMultiline = delimiter
                }
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// Quotes each dotted part of a key that is bare and not plain ASCII.
    private static func quoteKeyPath(_ path: String) -> String {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for ch in path {
            if let q = quote {
                current.append(ch)
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                current.append(ch)
            } else if ch == "." {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts.map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("\""), !trimmed.hasPrefix("'"), !trimmed.unicodeScalars.allSatisfy(\.isASCII) else {
                return part
            }
            let leading = part.prefix(while: { $0 == " " })
            let trailing = String(part.reversed().prefix(while: { $0 == " " }))
            return leading + "\"" + trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" + trailing
        }.joined(separator: ".")
    }

    private static func firstUnquoted(_ target: Character, in text: String) -> String.Index? {
        var quote: Character?
        for index in text.indices {
            let ch = text[index]
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" {
                quote = ch
            } else if ch == "#" {
                return nil
            } else if ch == target {
                return index
            }
        }
        return nil
    }
}
