import Testing

@testable import Model
@testable import Support

@Suite("The strict TOML reader")
struct TOMLReaderTests {
    static let document = #"""
        # a comment
        title = "mailbatch" # after a value
        "日本語のキー" = '字句'
        quoted."a.b" = 1
        dotted.x = 1_000
        hex = 0xDEAD_beef
        oct = 0o755
        bin = 0b1010
        neg = -17
        pos = +5
        float = 3.25e-2
        inf = -inf
        yes = true
        day = 2025-06-01
        local = 1979-05-27 07:32:00
        offset = 1979-05-27T07:32:00.999+09:00
        time = 07:32:00
        list = [ 1, 2,
          # inside
          3, ]
        nested = [[1], ["a", 'b']]
        inline = { a = 1, b.c = "d" }
        multi = """
        one\
           two
        three"""
        literal = '''
        C:\path "quoted" ''\'''
        escapes = "tab\t \u65E5 \U0001F600 \"q\""

        [table]
        key = "value"

        ["日置市"]
        email = ["a@b.jp"]

        [a.b.c]
        x = 1

        [a]
        y = 2

        [[products]]
        name = "one"

        [[products]]
        name = "two"

        [products.detail]
        z = 3
        """#

    func value(_ table: TOMLTable, _ path: String...) -> TOMLValue? {
        var current = table
        for key in path.dropLast() {
            guard case .table(let next)? = current[key] else { return nil }
            current = next
        }
        return current[path.last!]
    }

    func string(_ v: TOMLValue?) -> String? { if case .string(let s)? = v { s } else { nil } }
    func int(_ v: TOMLValue?) -> Int64? { if case .integer(let n)? = v { n } else { nil } }

    @Test("every TOML 1.0 form the operator's files may use")
    func validDocument() throws {
        let t = try TOMLReader.parse(Self.document)
        #expect(string(value(t, "title")) == "mailbatch")
        #expect(string(value(t, "日本語のキー")) == "字句")
        #expect(int(value(t, "quoted", "a.b")) == 1)
        #expect(int(value(t, "dotted", "x")) == 1000)
        #expect(int(value(t, "hex")) == 0xDEAD_BEEF && int(value(t, "oct")) == 0o755 && int(value(t, "bin")) == 10)
        #expect(int(value(t, "neg")) == -17 && int(value(t, "pos")) == 5)
        if case .float(let f)? = value(t, "float") { #expect(abs(f - 0.0325) < 1e-12) } else { Issue.record("float") }
        if case .float(let f)? = value(t, "inf") { #expect(f == -.infinity) } else { Issue.record("inf") }
        if case .boolean(let b)? = value(t, "yes") { #expect(b) } else { Issue.record("bool") }
        if case .dateTime(let d)? = value(t, "day") { #expect(d.year == 2025 && d.month == 6 && d.day == 1 && !d.hasTime) } else { Issue.record("date") }
        if case .dateTime(let d)? = value(t, "local") { #expect(d.hour == 7 && d.offsetMinutes == nil) } else { Issue.record("local") }
        if case .dateTime(let d)? = value(t, "offset") { #expect(d.offsetMinutes == 540 && d.nanosecond == 999_000_000) } else { Issue.record("offset") }
        if case .dateTime(let d)? = value(t, "time") { #expect(!d.hasDate && d.second == 0) } else { Issue.record("time") }
        if case .array(let a)? = value(t, "list") { #expect(a.items.count == 3) } else { Issue.record("list") }
        if case .array(let a)? = value(t, "nested") { #expect(a.items.count == 2) } else { Issue.record("nested") }
        #expect(string(value(t, "inline", "b", "c")) == "d")
        #expect(string(value(t, "multi")) == "onetwo\nthree")
        #expect(string(value(t, "literal")) == "C:\\path \"quoted\" ''\\")
        #expect(string(value(t, "escapes")) == "tab\t 日 😀 \"q\"")
        #expect(string(value(t, "table", "key")) == "value")
        #expect(int(value(t, "a", "b", "c", "x")) == 1 && int(value(t, "a", "y")) == 2)
        if case .array(let products)? = value(t, "products") {
            #expect(products.ofTables && products.items.count == 2)
            if case .table(let second) = products.items[1] {
                #expect(int(second["detail"].flatMap { if case .table(let d) = $0 { d["z"] } else { nil } }) == 3)
            }
        } else {
            Issue.record("array of tables")
        }
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let column: Int
        let says: String
        var testDescription: String { says }
    }

    static let bad: [Bad] = [
        .init(text: "spool = \"s\"\n\n[日置市\n", line: 3, column: 1, says: "a table header is closed with `]`; a name in Japanese"),
        .init(text: "[日置市]\n", line: 1, column: 1, says: "must be quoted: `[\"日置市\"]`"),
        .init(text: "[[[\n", line: 1, column: 1, says: "closed with `]]`"),
        .init(text: "[a.日置市]\n", line: 1, column: 1, says: "`[a.\"日置市\"]`"),
        .init(text: "日本 = 1\n", line: 1, column: 1, says: "the name `日本` must be quoted"),
        .init(text: "a = \"x\0y\"\n", line: 1, column: 7, says: "a NUL byte (U+0000) in a string"),
        .init(text: "a = 1\0\n", line: 1, column: 6, says: "found a NUL byte"),
        .init(text: "a = 1\nb = 2\u{FEFF}\n", line: 2, column: 6, says: "byte-order mark"),
        .init(text: "a = \"open\n", line: 1, column: 5, says: "not closed"),
        .init(text: "a = smtp://x\n", line: 1, column: 5, says: "a = \"smtp://x\""),
        .init(text: "a = 1\na = 2\n", line: 2, column: 1, says: "`a` is set twice"),
        .init(text: "[t]\n[t]\n", line: 2, column: 1, says: "defined twice"),
        .init(text: "a.b = 1\n[a]\n", line: 2, column: 1, says: "defined twice"),
        .init(text: "[a.b]\n[a]\nb.c = 1\n", line: 3, column: 1, says: "defined by its own header"),
        .init(text: "a = {b = 1}\n[a]\n", line: 2, column: 1, says: "defined twice"),
        .init(text: "a = {b = 1}\n[a.c]\n", line: 2, column: 1, says: "written inline"),
        .init(text: "a = [1, 2\n", line: 1, column: 5, says: "not closed with `]`"),
        .init(text: "a = {b = 1,}\n", line: 1, column: 12, says: "no comma before `}`"),
        .init(text: "a = {b = 1\n", line: 1, column: 11, says: "written on one line"),
        .init(text: "a = 012\n", line: 1, column: 5, says: "not a TOML value"),
        .init(text: "a = -0x10\n", line: 1, column: 5, says: "not a TOML value"),
        .init(text: "a = 1__0\n", line: 1, column: 5, says: "not a TOML value"),
        .init(text: "a = 99999999999999999999\n", line: 1, column: 5, says: "not a TOML value"),
        .init(text: "a = 2025-02-30\n", line: 1, column: 5, says: "not a TOML value"),
        .init(text: "a = \"\\x\"\n", line: 1, column: 6, says: "is not an escape"),
        .init(text: "a = \"\\uD800\"\n", line: 1, column: 6, says: "not a Unicode character"),
        .init(text: "a = 1 b = 2\n", line: 1, column: 7, says: "expected the end of the line"),
        .init(text: "a\n", line: 1, column: 2, says: "expected `=`"),
        .init(text: "a =\n", line: 1, column: 4, says: "has no value"),
        .init(text: "a = 1\rb = 2\n", line: 1, column: 6, says: "carriage return"),
        .init(text: "# \u{07} bell\n", line: 1, column: 3, says: "in a comment"),
        .init(text: "[a]]\n", line: 1, column: 4, says: "expected the end of the line"),
        .init(text: "a = '''x''''''\n", line: 1, column: 9, says: "too many quotes"),
        .init(text: String(repeating: "a = [", count: 1) + String(repeating: "[", count: 70) + "\n", line: 1, column: 69, says: "nested more than 64"),
    ]

    @Test("malformed files are errors with a line, a column and what to write", arguments: bad)
    func malformed(_ c: Bad) {
        do {
            _ = try TOMLReader.parse(c.text)
            Issue.record("accepted: \(c.text.debugDescription)")
        } catch {
            #expect(error.message.contains(c.says), "\(error)")
            #expect((error.line, error.column) == (c.line, c.column), "\(error)")
        }
    }

    @Test("bytes that are not UTF-8 are refused where they stand")
    func notUTF8() {
        for bytes in [[0x61, 0x3D, 0x22, 0x82, 0xA0, 0x22], [0x61, 0x3D, 0x22, 0xC0, 0xAF, 0x22], [0x61, 0x3D, 0x22, 0xED, 0xA0, 0x80, 0x22]] as [[UInt8]] {
            #expect(
                throws: TOMLSyntaxError(
                    line: 1, column: 4,
                    message:
                        "the file is not UTF-8 text (byte 0x\(String(bytes[3], radix: 16, uppercase: true)) here): save it as UTF-8 (Shift_JIS is not read)")
            ) {
                try TOMLReader.parse(bytes)
            }
        }
    }

    @Test("a byte-order mark is tolerated at the very start only")
    func leadingBOM() throws {
        let t = try TOMLReader.parse(Array("\u{FEFF}a = 1\n".utf8))
        #expect(int(t["a"]) == 1)
    }
}
