import Crypto
import Support
import _CryptoExtras

/// A desk password as stored: scrypt (swift-crypto's `KDF.Scrypt`, BoringSSL underneath) with a
/// random salt and the parameters beside the hash, so stronger parameters later still verify old ones.
package struct PasswordHash: Codable, Sendable, Equatable {
    package var algorithm = "scrypt"
    package let n: Int
    package let r: Int
    package let p: Int
    package let salt: String
    package let hash: String

    package static let minimumLength = 10
    package static let standard = (n: 16384, r: 8, p: 1)

    package init(n: Int, r: Int, p: Int, salt: String, hash: String) {
        self.n = n
        self.r = r
        self.p = p
        self.salt = salt
        self.hash = hash
    }

    /// A new hash of `password` with a fresh 16-byte salt.
    package static func make(_ password: String, n: Int = standard.n, r: Int = standard.r, p: Int = standard.p) throws -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return PasswordHash(n: n, r: r, p: p, salt: salt.hexString, hash: try derive(password, salt: salt, n: n, r: r, p: p).hexString)
    }

    /// Whether `password` is the one hashed; the comparison takes the same time wherever it differs.
    package func verifies(_ password: String) -> Bool {
        guard algorithm == "scrypt", let salt = Self.bytes(hex: salt), let expected = Self.bytes(hex: hash),
            (1...(1 << 20)).contains(n), n & (n - 1) == 0, (1...32).contains(r), (1...16).contains(p),
            let derived = try? Self.derive(password, salt: salt, n: n, r: r, p: p), derived.count == expected.count
        else { return false }
        return zip(derived, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Spends the time a check of a real account spends, for a name that has none.
    package static func spendTime(_ password: String) {
        _ = try? derive(password, salt: Array(repeating: 0, count: 16), n: standard.n, r: standard.r, p: standard.p)
    }

    private static func derive(_ password: String, salt: [UInt8], n: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Array($0) }
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, digits.count <= 256 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
