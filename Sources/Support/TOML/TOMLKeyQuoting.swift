/// How a key is shown in messages, and the quoted header an operator should have written.
package enum TOMLKeyQuoting {
    /// A key as TOML writes it: bare when it can be, else quoted.
    package static func display(_ key: String) -> String {
        let bare =
            !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        if bare { return key }
        return "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `["日置市"]` for a header line such as `[日置市` or `["日置市"]`, when some bare part of it is not
    /// plain ASCII; nil otherwise.
    package static func suggestion(forHeader line: String, isArray: Bool) -> String? {
        var inner = Substring(line.drop(while: { $0 == "[" }))
        if let close = inner.firstIndex(of: "]") { inner = inner[..<close] }
        if let hash = inner.firstIndex(of: "#") { inner = inner[..<hash] }
        var parts: [String] = []
        var needed = false
        for raw in inner.split(separator: ".", omittingEmptySubsequences: false) {
            let part = raw.trimmingCharacters(in: " \t")
            if part.hasPrefix("\"") || part.hasPrefix("'") || part.isEmpty {
                parts.append(part)
            } else {
                let quoted = display(part)
                if quoted != part { needed = true }
                parts.append(quoted)
            }
        }
        guard needed else { return nil }
        let (open, close) = isArray ? ("[[", "]]") : ("[", "]")
        return open + parts.joined(separator: ".") + close
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        let view = unicodeScalars.drop { scalars.contains($0) }
        return String(String.UnicodeScalarView(view.reversed().drop { scalars.contains($0) }.reversed()))
    }
}
