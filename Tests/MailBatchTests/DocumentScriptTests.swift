import Testing

@testable import Documents
@testable import Support

@Suite("Document script")
struct DocumentScriptTests {
    @Test("directives parse into blocks; escaped values stay literal")
    func parse() throws {
        let value = DocumentBlock.escape("a\\nb | c")
        let blocks = try DocumentBlock.parse("title: 保証証書\n\nrow: 工事名 | \(value)\nkey: 認証キー | X\\nY\nspace: 12\ncut: きりとり\npage:\n")
        #expect(
            blocks == [
                .title("保証証書"), .row(label: "工事名", value: "a\\nb | c", emphasis: false), .row(label: "認証キー", value: "X\nY", emphasis: true),
                .space(12), .cut("きりとり"), .pageBreak,
            ])
    }

    @Test("an unknown directive is an error naming the line")
    func unknown() {
        let error = #expect(throws: DocumentBlock.ParseError.self) { try DocumentBlock.parse("title: x\nbogus: y") }
        #expect(error?.line == 2)
    }
}
