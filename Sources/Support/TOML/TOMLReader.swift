/// A strict reader of TOML 1.0 for the operator's files. Every malformed input is an error with a
/// line, a column and what to write instead; nothing aborts, and nothing past the bytes given is read.
/// (toml++, which TOMLKit wraps, asserts on some malformed headers, killing the process: see docs/configuration.md.)
package struct TOMLReader {
    package static let maximumNesting = 64

    private let text: [Unicode.Scalar]
    /// Where each line starts, for turning an index into a line and column.
    private let lineStarts: [Int]
    private var i = 0
    private let root = TOMLTable(origin: .header)
    private var current: TOMLTable

    private init(_ text: [Unicode.Scalar]) {
        self.text = text
        lineStarts = [0] + text.indices.filter { text[$0] == "\n" }.map { $0 + 1 }
        current = root
    }

    /// Reads a whole file.
    package static func parse(_ bytes: [UInt8]) throws(TOMLSyntaxError) -> TOMLTable {
        var reader = TOMLReader(try UTF8Text.scalars(bytes))
        try reader.document()
        return reader.root
    }

    package static func parse(_ string: String) throws(TOMLSyntaxError) -> TOMLTable {
        try parse(Array(string.utf8))
    }

    // MARK: - Lines and expressions

    private mutating func document() throws(TOMLSyntaxError) {
        if peek == "\u{FEFF}" { i += 1 }  // a byte-order mark is tolerated at the very start only
        while i < text.count {
            skipBlanks()
            guard let c = peek else { break }
            if c == "[" {
                try header()
            } else if c != "#" && c != "\n" && c != "\r" {
                try keyValue(into: current, depth: 0)
            }
            try endOfLine(after: c == "[" ? "the table header" : "the value")
        }
    }

    private mutating func endOfLine(after what: String) throws(TOMLSyntaxError) {
        skipBlanks()
        if peek == "#" { try comment() }
        guard let c = peek else { return }
        if c == "\n" {
            i += 1
        } else if c == "\r" {
            try newline()
        } else {
            throw error("expected the end of the line after \(what), found \(describe(c)); one setting a line, and a comment starts with #")
        }
    }

    private mutating func newline() throws(TOMLSyntaxError) {
        if peek == "\n" {
            i += 1
        } else if peek == "\r", peek(1) == "\n" {
            i += 2
        } else {
            throw error("a carriage return (U+000D) must be followed by a line feed")
        }
    }

    private mutating func comment() throws(TOMLSyntaxError) {
        i += 1
        while let c = peek, c != "\n" {
            if c == "\r", peek(1) == "\n" { return }
            if isControl(c) { throw error("\(describe(c)) in a comment: a comment holds text and tabs only") }
            i += 1
        }
    }

    // MARK: - Tables

    private mutating func header() throws(TOMLSyntaxError) {
        let start = i
        let isArray = peek(1) == "["
        i += isArray ? 2 : 1
        let parts: [String]
        do throws(TOMLSyntaxError) {
            skipBlanks()
            parts = try key()
            skipBlanks()
            guard peek == "]", !isArray || peek(1) == "]" else {
                throw error(isArray ? "an array-of-tables header is closed with `]]`" : "a table header is closed with `]`")
            }
            i += isArray ? 2 : 1
        } catch {
            throw headerError(start: start, isArray: isArray, inner: error)
        }
        try define(parts, isArray: isArray, at: start)
    }

    /// The whole header and both likely mistakes, as an operator reads them: unclosed, unquoted name.
    private func headerError(start: Int, isArray: Bool, inner: TOMLSyntaxError) -> TOMLSyntaxError {
        let line = lineText(from: start)
        var reasons: [String] = []
        let closer = isArray ? "]]" : "]"
        if !line.contains(closer) { reasons.append("a table header is closed with `\(closer)`") }
        if let quoted = TOMLKeyQuoting.suggestion(forHeader: line, isArray: isArray) {
            reasons.append("a name in Japanese (or any name outside A-Z a-z 0-9 _ -) must be quoted: `\(quoted)`")
        }
        if reasons.count < 2, !reasons.contains(inner.message), !inner.message.contains("must be quoted") { reasons.append(inner.message) }
        let (l, c) = position(of: start)
        return TOMLSyntaxError(line: l, column: c, message: "`\(line)`: " + reasons.joined(separator: "; "))
    }

    private mutating func define(_ parts: [String], isArray: Bool, at start: Int) throws(TOMLSyntaxError) {
        let name = parts.map(TOMLKeyQuoting.display).joined(separator: ".")
        var table = root
        for (n, part) in parts.dropLast().enumerated() {
            let path = parts[...n].map(TOMLKeyQuoting.display).joined(separator: ".")
            switch table[part] {
            case nil:
                let made = TOMLTable(origin: .implicit)
                table.set(part, .table(made), at: position(of: start))
                table = made
            case .table(let existing):
                guard existing.origin != .inline else { throw error(at: start, "[\(name)]: \(path) was written inline ({ … }) and cannot be extended") }
                table = existing
            case .array(let array) where array.ofTables:
                guard case .table(let last)? = array.items.last else { throw error(at: start, "[\(name)]: \(path) has no table to extend") }
                table = last
            case let value?:
                throw error(at: start, "[\(name)]: \(path) is already \(value.kindName), not a table")
            }
        }
        let last = parts[parts.count - 1]
        if isArray {
            let element = TOMLTable(origin: .header)
            switch table[last] {
            case nil:
                let array = TOMLArray(ofTables: true)
                array.items.append(.table(element))
                table.set(last, .array(array), at: position(of: start))
            case .array(let array) where array.ofTables:
                array.items.append(.table(element))
            case let value?:
                throw error(at: start, "[[\(name)]]: \(name) is already \(value.kindName), not an array of tables")
            }
            current = element
            return
        }
        switch table[last] {
        case nil:
            let made = TOMLTable(origin: .header)
            table.set(last, .table(made), at: position(of: start))
            current = made
        case .table(let existing) where existing.origin == .implicit:
            existing.origin = .header
            table.move(last, to: position(of: start))
            current = existing
        case .table:
            throw error(at: start, "the table [\(name)] is defined twice: put all its settings under one [\(name)] header")
        case let value?:
            throw error(at: start, "[\(name)]: \(name) is already \(value.kindName), not a table")
        }
    }

    // MARK: - Keys

    private mutating func key() throws(TOMLSyntaxError) -> [String] {
        var parts = [try simpleKey()]
        while true {
            skipBlanks()
            guard peek == "." else { return parts }
            i += 1
            skipBlanks()
            parts.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws(TOMLSyntaxError) -> String {
        switch peek {
        case "\"": return try basicString()
        case "'": return try literalString()
        default: break
        }
        let start = i
        while let c = peek, isBareKeyCharacter(c) { i += 1 }
        let stops = " \t=.]#,{}[\"'".unicodeScalars
        let word = String(String.UnicodeScalarView(lineText(from: start).unicodeScalars.prefix { !stops.contains($0) && !isControl($0) }))
        if let c = peek, !isKeyDelimiter(c), !isControl(c), c.value > 0x7F || !word.isEmpty {
            throw error(at: start, "the name `\(word)` must be quoted: `\"\(word)\"` (a bare name holds only A-Z a-z 0-9 _ -)")
        }
        guard i > start else {
            guard let c = peek else { throw error("a name is missing at the end of the file") }
            throw error("expected a name here, found \(describe(c))")
        }
        return String(String.UnicodeScalarView(text[start..<i]))
    }

    // MARK: - Key/value pairs

    private mutating func keyValue(into table: TOMLTable, depth: Int) throws(TOMLSyntaxError) {
        let start = i
        let parts = try key()
        let name = parts.map(TOMLKeyQuoting.display).joined(separator: ".")
        skipBlanks()
        guard peek == "=" else {
            guard let c = peek else { throw error("`\(name)` needs `= value` after it") }
            throw error("expected `=` after the name `\(name)`, found \(describe(c))")
        }
        i += 1
        skipBlanks()
        let value = try self.value(for: name, depth: depth)
        var target = table
        for (n, part) in parts.dropLast().enumerated() {
            let path = parts[...n].map(TOMLKeyQuoting.display).joined(separator: ".")
            switch target[part] {
            case nil:
                let made = TOMLTable(origin: .dotted)
                target.set(part, .table(made), at: position(of: start))
                target = made
            case .table(let existing) where existing.origin == .dotted:
                target = existing
            case .table:
                throw error(at: start, "`\(name)` adds to the table \(path), which is defined by its own header: write it there")
            case let value?:
                throw error(at: start, "`\(name)`: \(path) is already \(value.kindName), not a table")
            }
        }
        let last = parts[parts.count - 1]
        guard target[last] == nil else { throw error(at: start, "`\(name)` is set twice: keep one of them") }
        target.set(last, value, at: position(of: start))
    }

    // MARK: - Values

    private mutating func value(for name: String, depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        guard depth < Self.maximumNesting else { throw error("arrays and inline tables are nested more than \(Self.maximumNesting) deep") }
        guard let c = peek else { throw error("`\(name) =` has no value") }
        switch c {
        case "\"":
            return .string(peek(1) == "\"" && peek(2) == "\"" ? try multilineBasicString() : try basicString())
        case "'":
            return .string(peek(1) == "'" && peek(2) == "'" ? try multilineLiteralString() : try literalString())
        case "[": return try array(for: name, depth: depth + 1)
        case "{": return try inlineTable(depth: depth + 1)
        case "\n", "\r", "#": throw error("`\(name) =` has no value")
        default: break
        }
        let start = i
        while let c = peek, isValueCharacter(c) { i += 1 }
        // A local date-time may be written with a space between the date and the time.
        if i - start == 10, peek == " ", let h = peek(1), let h2 = peek(2), isDigit(h), isDigit(h2), peek(3) == ":" {
            i += 1
            while let c = peek, isValueCharacter(c) { i += 1 }
        }
        let token = String(String.UnicodeScalarView(text[start..<i]))
        if token == "true" { return .boolean(true) }
        if token == "false" { return .boolean(false) }
        if let number = TOMLScalars.number(token) { return number }
        if let dateTime = TOMLScalars.dateTime(token) { return .dateTime(dateTime) }
        if token.isEmpty || c.value > 0x7F || c.properties.isAlphabetic {
            let word = lineText(from: start).trimmingSuffix(while: { $0 == " " || $0 == "\t" })
            throw error(at: start, "the value of `\(name)` must be quoted if it is text: \(name) = \"\(word)\"")
        }
        throw error(at: start, "`\(token)` is not a TOML value (a number, true or false, a date such as 2025-06-01, or \"text\")")
    }

    private mutating func array(for name: String, depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        let start = i
        i += 1
        let array = TOMLArray(ofTables: false)
        while true {
            try skipBlanksCommentsAndNewlines()
            if peek == "]" {
                i += 1
                return .array(array)
            }
            array.items.append(try value(for: name, depth: depth))
            try skipBlanksCommentsAndNewlines()
            switch peek {
            case ",": i += 1
            case "]":
                i += 1
                return .array(array)
            case nil: throw error(at: start, "the array of `\(name)` is not closed with `]`")
            case let c?:
                let found = position(of: i)
                throw error(
                    at: start,
                    "the array of `\(name)` is not closed with `]`: expected `,` or `]` at line \(found.line), column \(found.column), found \(describe(c))")
            }
        }
    }

    private mutating func inlineTable(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        i += 1
        let table = TOMLTable(origin: .inline)
        skipBlanks()
        if peek == "}" {
            i += 1
            return .table(table)
        }
        while true {
            try keyValue(into: table, depth: depth)
            skipBlanks()
            switch peek {
            case ",":
                i += 1
                skipBlanks()
                if peek == "}" { throw error("an inline table takes no comma before `}`") }
            case "}":
                i += 1
                return .table(table)
            case "\n", "\r", nil: throw error("an inline table ({ … }) is written on one line and closed with `}`")
            case let c?: throw error("expected `,` or `}` in the inline table, found \(describe(c))")
            }
        }
    }

    // MARK: - Strings

    private mutating func basicString() throws(TOMLSyntaxError) -> String {
        let start = i
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw error(at: start, "the string is not closed with `\"`") }
            switch c {
            case "\"":
                i += 1
                return String(out)
            case "\\": out.append(try escape())
            case "\n", "\r": throw error(at: start, "the string is not closed with `\"` on its line (for several lines use \"\"\" … \"\"\")")
            default:
                if isControl(c) { throw error("\(describe(c)) in a string: write it as an escape such as \\u\(hex(c.value, 4))") }
                out.append(c)
                i += 1
            }
        }
    }

    private mutating func multilineBasicString() throws(TOMLSyntaxError) -> String {
        let start = i
        i += 3
        try skipFirstNewline()
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw error(at: start, "the string is not closed with `\"\"\"`") }
            if c == "\"", let quotes = try closingQuotes("\"") {
                out.append(contentsOf: repeatElement("\"", count: quotes))
                return String(out)
            }
            if c == "\\" {
                var j = i + 1
                while j < text.count, text[j] == " " || text[j] == "\t" { j += 1 }
                if j < text.count, text[j] == "\n" || (text[j] == "\r" && j + 1 < text.count && text[j + 1] == "\n") {
                    i = j
                    while let w = peek, w == " " || w == "\t" || w == "\n" || w == "\r" {
                        if w == "\r" { try newline() } else { i += 1 }
                    }
                    continue
                }
                out.append(try escape())
                continue
            }
            if c == "\r" {
                try newline()
                out.append("\n")
                continue
            }
            if c != "\n", isControl(c) { throw error("\(describe(c)) in a string: write it as an escape such as \\u\(hex(c.value, 4))") }
            out.append(c)
            i += 1
        }
    }

    private mutating func literalString() throws(TOMLSyntaxError) -> String {
        let start = i
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw error(at: start, "the string is not closed with `'`") }
            if c == "'" {
                i += 1
                return String(out)
            }
            if c == "\n" || c == "\r" { throw error(at: start, "the string is not closed with `'` on its line") }
            if isControl(c) { throw error("\(describe(c)) in a literal string: use a \"…\" string with an escape instead") }
            out.append(c)
            i += 1
        }
    }

    private mutating func multilineLiteralString() throws(TOMLSyntaxError) -> String {
        let start = i
        i += 3
        try skipFirstNewline()
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw error(at: start, "the string is not closed with `'''`") }
            if c == "'", let quotes = try closingQuotes("'") {
                out.append(contentsOf: repeatElement("'", count: quotes))
                return String(out)
            }
            if c == "\r" {
                try newline()
                out.append("\n")
                continue
            }
            if c != "\n", isControl(c) { throw error("\(describe(c)) in a literal string: use a \"…\" string with an escape instead") }
            out.append(c)
            i += 1
        }
    }

    /// At a quote inside a multi-line string: nil when the run of quotes does not close it, else how
    /// many quotes before the closing three belong to the string (0 to 2), with the run consumed.
    private mutating func closingQuotes(_ quote: Unicode.Scalar) throws(TOMLSyntaxError) -> Int? {
        var run = 0
        while i + run < text.count, text[i + run] == quote { run += 1 }
        guard run >= 3 else { return nil }
        guard run <= 5 else { throw error("too many quotes in a row: at most two may stand before the closing three") }
        i += run
        return run - 3
    }

    private mutating func skipFirstNewline() throws(TOMLSyntaxError) {
        if peek == "\n" || peek == "\r" { try newline() }
    }

    private mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        let start = i
        i += 1
        guard let c = peek else { throw error(at: start, "a backslash at the end of the file") }
        i += 1
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = c == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let d = peek, let digit = hexDigit(d) else {
                    throw error(at: start, "\\\(c) takes exactly \(count) hexadecimal digits")
                }
                value = value << 4 | digit
                i += 1
            }
            guard let scalar = Unicode.Scalar(value) else { throw error(at: start, "\\\(c)\(hex(value, count)) is not a Unicode character") }
            return scalar
        default:
            throw error(at: start, "`\\\(c)` is not an escape: write `\\\\` for a backslash (or use a '…' string, which has none)")
        }
    }

    // MARK: - Characters

    private var peek: Unicode.Scalar? { i < text.count ? text[i] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < text.count ? text[i + offset] : nil }

    private mutating func skipBlanks() {
        while let c = peek, c == " " || c == "\t" { i += 1 }
    }

    private mutating func skipBlanksCommentsAndNewlines() throws(TOMLSyntaxError) {
        while let c = peek {
            if c == " " || c == "\t" || c == "\n" {
                i += 1
            } else if c == "\r" {
                try newline()
            } else if c == "#" {
                try comment()
            } else {
                return
            }
        }
    }

    private func isBareKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || isDigit(c) || c == "_" || c == "-")
    }

    private func isKeyDelimiter(_ c: Unicode.Scalar) -> Bool { " \t=.]#,}\n\r".unicodeScalars.contains(c) }
    private func isValueCharacter(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || isDigit(c) || "+-_.:".unicodeScalars.contains(c)) }
    private func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// What TOML allows nowhere outside a multi-line string: controls other than tab, DEL, and a
    /// byte-order mark past the start of the file.
    private func isControl(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\t") || c.value == 0x7F || c.value == 0xFEFF
    }

    private func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 0x30...0x39: c.value - 0x30
        case 0x41...0x46: c.value - 0x41 + 10
        case 0x61...0x66: c.value - 0x61 + 10
        default: nil
        }
    }

    private func hex(_ value: UInt32, _ width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private func describe(_ c: Unicode.Scalar) -> String {
        if c.value == 0 { return "a NUL byte (U+0000)" }
        if c.value == 0xFEFF { return "a byte-order mark (U+FEFF; save the file as UTF-8 without BOM)" }
        if isControl(c) { return "a control character (U+\(hex(c.value, 4)))" }
        return "`\(c)`"
    }

    // MARK: - Positions

    private func position(of index: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= index { low = mid } else { high = mid - 1 }
        }
        return (low + 1, index - lineStarts[low] + 1)
    }

    /// The rest of the line from an index, without its line break.
    private func lineText(from index: Int) -> String {
        var end = index
        while end < text.count, text[end] != "\n", text[end] != "\r" { end += 1 }
        return String(String.UnicodeScalarView(text[min(index, end)..<end]))
    }

    private func error(_ message: String) -> TOMLSyntaxError { error(at: i, message) }

    private func error(at index: Int, _ message: String) -> TOMLSyntaxError {
        let (line, column) = position(of: index)
        return TOMLSyntaxError(line: line, column: column, message: message)
    }
}
