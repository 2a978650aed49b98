import Testing

@testable import Support

@Suite("Strict JSON parser")
struct StrictJSONParserTests {
    @Test(
        "malformed JSON is refused with the reason",
        arguments: [
            ("{\"a\": 1", "ends too early"),
            ("{\"a\": 1,}", "quoted member name"),
            ("{\"a\": 1} x", "after the end"),
            ("{\"a\": 1, \"a\": 2}", "duplicate key"),
            ("{\"a\": \"\\uD800\"}", "lone surrogate"),
            ("{\"a\": \"\\uDC00x\"}", "lone surrogate"),
            ("{\"a\": \"x\ny\"}", "raw control character"),
            ("{\"a\": 01}", "expected ',' or '}'"),
            ("{\"a\": tru}", "expected a JSON value"),
            ("{\"a\": \"\\q\"}", "invalid escape"),
            (String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000), "nesting deeper"),
        ])
    func refused(text: String, reason: String) {
        #expect {
            try StrictJSONParser.parse(Array(text.utf8))
        } throws: { error in
            (error as? StrictJSONParser.Failure)?.reason.contains(reason) == true
        }
    }

    @Test("escapes and surrogate pairs decode to the right characters")
    func escapes() throws {
        let value = try StrictJSONParser.parse(Array(#"{"a": "\u3042\ud842\udfb7\n\"\\", "n": -12.5e3}"#.utf8))
        #expect(value == .object(["a": .string("あ𠮷\n\"\\"), "n": .number("-12.5e3")]))
    }

    @Test("errors give the line and column")
    func position() {
        let error = #expect(throws: StrictJSONParser.Failure.self) { try StrictJSONParser.parse(Array("{\n  \"a\": x\n}".utf8)) }
        #expect(error?.line == 2)
        #expect(error?.column == 8)
    }
}
