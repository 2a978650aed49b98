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

    @Test("any key-shaped text in a sentence is found, whosever key it is; ordinary reasons are not")
    func containsKey() {
        for _ in 0..<200 {
            let key = AuthenticationKey.generate()
            let wide = String(key.grouped.unicodeScalars.map { Character(Unicode.Scalar($0.value + 0xFEE0)!) })
            let spaced = key.grouped.replacingOccurrences(of: "-", with: " ").lowercased()
            for text in [
                key.grouped, key.symbols, "キー\(key.grouped)を紛失", "キー: \(wide)", spaced, "x \(key.grouped.replacingOccurrences(of: "-", with: " / ")) y",
            ] {
                #expect(KeyShape.containsKey(text), "\(text)")
            }
            // Most of a key is not a key's shape: 19 symbols, or a group cut by a space.
            #expect(!KeyShape.containsKey(String(key.grouped.dropLast())))
            #expect(!KeyShape.containsKey(String(key.symbols.prefix(2)) + " " + String(key.symbols.dropFirst(2))))
        }
        for reason in [
            "受注者から宛先訂正の電話", "先方サーバー復旧 (R07-4621-000123)", "keiri@hioki-kensetsu.example.jp に訂正", "発注者がお知らせを紛失",
            "customer phoned: the mail server rejected the address", "099-257-2722 から問い合わせ", "Message-ID R07-4621-000123.contractor.d43e5cb2",
        ] {
            #expect(!KeyShape.containsKey(reason), "\(reason)")
        }
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
