import Crypto
import Glibc
import Support

/// The 認証キー: 20 symbols from an alphabet without look-alikes (no 0/O, 1/I/L), about 99 bits from
/// the OS's secure random source, shown in groups of four such as `7KQ4-MZ2D-H9XP-3TRA-W8FE`.
package struct AuthenticationKey: Sendable, Equatable {
    package static let alphabet = KeyShape.alphabet
    package static let symbolCount = KeyShape.symbolCount
    package static let groupSize = KeyShape.groupSize

    package let symbols: String

    /// Bits of entropy: 20 × log2(31).
    package static var entropyBits: Double { Double(symbolCount) * log2(Double(alphabet.count)) }

    package static func generate() -> AuthenticationKey {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    package static func generate(using rng: inout some RandomNumberGenerator) -> AuthenticationKey {
        // Int.random(in:using:) rejects biased samples, so every symbol is equally likely.
        let symbols = (0..<symbolCount).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
        return AuthenticationKey(symbols: String(symbols))
    }

    /// `7KQ4-MZ2D-H9XP-3TRA-W8FE`
    package var grouped: String {
        var out = ""
        for (i, ch) in symbols.enumerated() {
            if i > 0, i % Self.groupSize == 0 { out.append("-") }
            out.append(ch)
        }
        return out
    }

    /// What the spool keeps to check a key later: SHA-256 over the contract number and the key.
    package func digest(contractNumber: String) -> String {
        SHA256Hex.labelled(Array("\(contractNumber):\(symbols)".utf8))
    }

    package init(symbols: String) {
        self.symbols = symbols
    }
}
