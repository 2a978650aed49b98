import Testing

@testable import Model
@testable import Support

@Suite("Authentication key")
struct AuthenticationKeyTests {
    @Test("format: five groups of four from the look-alike-free alphabet")
    func format() {
        for _ in 0..<200 {
            let key = AuthenticationKey.generate()
            let groups = key.grouped.split(separator: "-")
            #expect(groups.count == 5)
            #expect(groups.allSatisfy { $0.count == 4 })
            #expect(key.symbols.allSatisfy { AuthenticationKey.alphabet.contains($0) })
            #expect(!key.symbols.contains { "0O1IL".contains($0) })
        }
    }

    @Test("at least 80 bits of entropy")
    func entropy() { #expect(AuthenticationKey.entropyBits >= 80) }

    @Test("keys differ and use the whole alphabet")
    func distinct() {
        let keys = (0..<2000).map { _ in AuthenticationKey.generate().symbols }
        #expect(Set(keys).count == keys.count)
        #expect(Set(keys.joined()).count == AuthenticationKey.alphabet.count)
    }

    @Test("the stored digest depends on the contract number and the key, and is not the key")
    func digest() {
        let key = AuthenticationKey(symbols: "ABCDEFGHJKMNPQRSTUVW")
        let a = key.digest(contractNumber: "R07-1")
        #expect(a.hasPrefix("sha256:") && a.count == 7 + 64)
        #expect(a != key.digest(contractNumber: "R07-2"))
        #expect(!a.contains(key.symbols))
    }
}
