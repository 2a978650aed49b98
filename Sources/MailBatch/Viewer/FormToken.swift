import Crypto

/// The viewer's CSRF defence: a random token in a SameSite=Strict cookie, repeated in a hidden field
/// of the form, and signed with a per-process HMAC key so that a token planted by another site (or a
/// sibling domain's cookie) does not pass. A restart makes open forms ask again, nothing worse.
struct FormToken: Sendable {
    private let secret = SymmetricKey(size: .bits256)

    func make() -> String {
        let nonce = RandomToken.hex(bytes: 16)
        return "\(nonce).\(mac(nonce))"
    }

    /// The cookie and the field are the same token, and the token is one this process made.
    func accepts(cookie: String?, field: String?) -> Bool {
        guard let cookie, let field, Verification.constantTimeEqual(cookie, field) else { return false }
        let parts = field.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return Verification.constantTimeEqual(mac(String(parts[0])), String(parts[1]))
    }

    private func mac(_ nonce: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Array(nonce.utf8), using: secret)).hexString
    }
}

/// Random identifiers from the OS's secure source.
enum RandomToken {
    static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }
}
