import Crypto
import Store
import Support

/// The viewer's CSRF defence: a token in a SameSite=Strict cookie, repeated in a hidden field of the
/// form, signed with a per-process HMAC key and valid for `lifetimeSeconds`. A page reuses the
/// browser's token while it is valid, so forms open in two tabs both work; any validly signed,
/// unexpired token is accepted in the field, while the cookie (which only this site's own pages send
/// back) must be one too. A restart makes open forms ask again, nothing worse.
package struct FormToken: Sendable {
    private let secret = SymmetricKey(size: .bits256)
    package let lifetimeSeconds: Int

    package init(lifetimeSeconds: Int = 4 * 60 * 60) { self.lifetimeSeconds = lifetimeSeconds }

    /// `<nonce>.<expiry>.<mac>`
    package func make(now: Int) -> String {
        let body = "\(RandomToken.hex(bytes: 16)).\(now + lifetimeSeconds)"
        return "\(body).\(mac(body))"
    }

    /// Signed by this process and not expired.
    package func isValid(_ token: String?, now: Int) -> Bool {
        guard let token, token.utf8.count < 200 else { return false }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expiry = Int(parts[1]), expiry > now else { return false }
        return Verification.constantTimeEqual(mac("\(parts[0]).\(parts[1])"), String(parts[2]))
    }

    package func accepts(cookie: String?, field: String?, now: Int) -> Bool {
        isValid(cookie, now: now) && isValid(field, now: now)
    }

    private func mac(_ body: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: secret)).hexString
    }
}

/// Random identifiers from the OS's secure source.
package enum RandomToken {
    package static func hex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }
}
