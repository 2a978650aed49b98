import Support

/// The small line language document templates render to, so that a document's wording and order live
/// in `Sources/Templates/` and change without code. One directive per line:
///
///     title: 前払金保証証書           right: 発行日 令和7年6月20日      addressee: 日置市長 殿
///     heading: 発注者ご担当者様へ      center: 記                        p: a paragraph                    small: a footnote
///     row: 工事名 | 市道…工事         key: 認証キー | 7KQ4-…            amount: 金51,800円
///     field: 保証契約者 | 株式会社…
///     space: 12                      cut: お客様控え                   page:
///     notice: a boxed note that survives printing (この書面は電子証書の内容を印刷したものです)
///     compact:                      (tables with less space in their cells, for a page that holds more)
///     change: 保証金額    before: 金1,000,000円    after: 金1,500,000円   (a row of the 変更内容 table;
///                                                                     three lines, so no value can split it)
///
/// Blank lines are ignored; a literal `\n` in a directive's text is a line break.
package enum DocumentBlock: Equatable, Sendable {
    case title(String)
    case right(String)
    case addressee(String)
    case heading(String)
    case center(String)
    case paragraph(String)
    case small(String)
    case row(label: String, value: String, emphasis: Bool)
    /// A label and a value without rules, the value wrapping under itself (a hanging indent).
    case field(label: String, value: String)
    case amount(String)
    case space(Double)
    case cut(String)
    case notice(String)
    case pageBreak
    /// Tables of this document leave less space in their cells.
    case compact
    /// A row of a change's 項目 / 変更前 / 変更後 table.
    case change(item: String, before: String, after: String)

    package struct ParseError: Error, CustomStringConvertible {
        package let line: Int
        package let text: String
        package var description: String { "line \(line): unknown directive in \"\(text.prefix(60))\"" }

        package init(line: Int, text: String) {
            self.line = line
            self.text = text
        }
    }

    package static func parse(_ script: String) throws(ParseError) -> [DocumentBlock] {
        var blocks: [DocumentBlock] = []
        for (number, raw) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingSuffix { $0 == " " || $0 == "\r" }
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(line: number + 1, text: String(line)) }
            let directive = line[..<colon].trimmingSuffix { $0 == " " }
            var text = String(line[line.index(after: colon)...])
            if text.hasPrefix(" ") { text.removeFirst() }
            text = unescape(text)
            switch directive {
            case "title": blocks.append(.title(text))
            case "right": blocks.append(.right(text))
            case "addressee": blocks.append(.addressee(text))
            case "heading": blocks.append(.heading(text))
            case "center": blocks.append(.center(text))
            case "p": blocks.append(.paragraph(text))
            case "small": blocks.append(.small(text))
            case "amount": blocks.append(.amount(text))
            case "cut": blocks.append(.cut(text))
            case "notice": blocks.append(.notice(text))
            case "page": blocks.append(.pageBreak)
            case "compact": blocks.append(.compact)
            case "space": blocks.append(.space(Double(text) ?? 8))
            case "change": blocks.append(.change(item: text, before: "", after: ""))
            case "before", "after":
                guard case .change(let item, let before, let after)? = blocks.last else { throw ParseError(line: number + 1, text: String(line)) }
                blocks[blocks.count - 1] =
                    directive == "before" ? .change(item: item, before: text, after: after) : .change(item: item, before: before, after: text)
            case "field":
                let parts = text.components(separatedBy: " | ")
                blocks.append(.field(label: parts[0], value: parts.dropFirst().joined(separator: " | ")))
            case "row", "key":
                let parts = text.components(separatedBy: " | ")
                let label = parts[0]
                let value = parts.dropFirst().joined(separator: " | ")
                blocks.append(.row(label: label, value: value, emphasis: directive == "key"))
            default: throw ParseError(line: number + 1, text: String(line))
            }
        }
        return blocks
    }

    /// `\n` → line break, `\\` → `\`. Values put into templates are escaped with `escape` first.
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var pendingBackslash = false
        for ch in text {
            if pendingBackslash {
                out.append(ch == "n" ? "\n" : ch)
                pendingBackslash = false
            } else if ch == "\\" {
                pendingBackslash = true
            } else {
                out.append(ch)
            }
        }
        if pendingBackslash { out.append("\\") }
        return out
    }

    /// Makes a value safe to place in a directive: a backslash stays a backslash.
    package static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\")
    }
}
