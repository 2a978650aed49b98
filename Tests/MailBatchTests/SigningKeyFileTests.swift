import Testing

@testable import Model
@testable import Support

/// A signing key file that cannot be read says why, in the system's words: a missing file, a path
/// through a file, a folder in its place are told apart (a permission problem reads as one too).
@Suite("SigningKeyFile") struct SigningKeyFileTests {
    @Test("the reason a key file cannot be read is the system's, not a guess")
    func reasons() throws {
        let t = try TestSpool()
        let description = { (path: String) -> String in
            do {
                _ = try SigningKeyFile.loadPrivate(path)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        #expect(description("\(t.root)/missing.pem").contains("No such file or directory"))
        try t.spool.write("x", to: "\(t.root)/file")
        #expect(description("\(t.root)/file/key.pem").contains("Not a directory"))
        #expect(description(t.spool.outbox).contains("not a regular file"))
    }
}
