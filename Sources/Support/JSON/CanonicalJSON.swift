import Glibc

/// JSON written the same way every time: keys sorted by their UTF-8 bytes, no insignificant white
/// space, strings escaping only `"`, `\` and control characters. What a signature covers must not
/// depend on how an encoder happens to format. (Python: `json.dumps(v, sort_keys=True,
/// separators=(",", ":"), ensure_ascii=False)` gives the same bytes for mailbatch's data.)
extension JSONValue {
    package var canonical: String {
        var out = ""
        write(into: &out, indent: nil, level: 0)
        return out
    }

    /// Sorted and indented by two spaces, for files people read.
    package var pretty: String {
        var out = ""
        write(into: &out, indent: "  ", level: 0)
        return out + "\n"
    }

    private func write(into out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let literal): out += literal
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                item.write(into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, key) in members.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                Self.writeString(key, into: &out)
                out += indent == nil ? ":" : ": "
                members[key]!.write(into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: indent, count: level)
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Every leaf with its JSON path (`$.project.period.from`, `$.list[0]`), in path order.
    package var leaves: [(path: String, value: JSONValue)] {
        var out: [(String, JSONValue)] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let members) where !members.isEmpty:
                for key in members.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                    walk(members[key]!, "\(path).\(key)")
                }
            case .array(let items) where !items.isEmpty:
                for (i, item) in items.enumerated() { walk(item, "\(path)[\(i)]") }
            default:
                out.append((path, value))
            }
        }
        walk(self, "$")
        return out
    }

    /// The JSON form of any Encodable, as a JSONValue (via Foundation's encoder and the strict parser).
    package static func from(_ value: some Encodable) throws(FileSystemError) -> JSONValue {
        let data = try SpoolJSON.encode(value)
        do {
            return try StrictJSONParser.parse(Array(data))
        } catch {
            throw FileSystemError("read back the JSON of", "a \(type(of: value)) (\(error.description))", code: EINVAL)
        }
    }
}
