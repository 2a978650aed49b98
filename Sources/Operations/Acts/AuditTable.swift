import Support

/// The audit log as `mailbatch desk audit` prints it: one row an attempt, the columns aligned for a
/// terminal (a Japanese character takes two cells), every cell on one line.
package enum AuditTable {
    package static func text(_ entries: [AuditEntry]) -> String {
        guard !entries.isEmpty else { return "no operator actions recorded\n" }
        let header = ["time", "who", "via", "from", "action", "contract"]
        let rows = entries.map { e in
            [e.at, e.actor, e.channel, e.address, e.action, [e.contract, e.target].compactMap { $0 }.joined(separator: " ")].map(cell)
        }
        let widths = header.indices.map { i in ([header] + rows).map { width($0[i]) }.max() ?? 0 }
        func line(_ cells: [String], _ tail: String) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - width($0)) }.joined(separator: "  ") + "  " + tail + "\n"
        }
        var out = line(header, "reason → outcome")
        for (row, e) in zip(rows, entries) {
            out += line(row, "\(cell(e.reason)) → \(cell(e.outcome))")
        }
        return out
    }

    /// One line, and the invisible characters that reorder or hide text in a terminal (bidi controls,
    /// zero-width and other format characters, as a refused attempt may have kept) written as `<U+XXXX>`.
    private static func cell(_ text: String) -> String {
        var out = ""
        for s in LineLogHandler.oneLine(text).unicodeScalars {
            if s.properties.generalCategory == .format || s.properties.generalCategory == .control {
                out += "<U+" + String(s.value, radix: 16, uppercase: true) + ">"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// Terminal cells: two for East Asian wide and full-width characters, one for the rest.
    package static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, s in
            switch s.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3,
                0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                sum + 2
            default: sum + 1
            }
        }
    }
}
