import Crypto
import Glibc

/// Ed25519 keys as PEM files that OpenSSL also reads: PKCS#8 for the private key (owner-only),
/// SubjectPublicKeyInfo for the public one. The DER of an Ed25519 key is a fixed prefix and 32 bytes.
enum SigningKeyFile {
    private static let privatePrefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    private static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func privatePEM(_ key: Curve25519.Signing.PrivateKey) -> String {
        pem("PRIVATE KEY", privatePrefix + Array(key.rawRepresentation))
    }

    static func publicPEM(_ key: Curve25519.Signing.PublicKey) -> String {
        pem("PUBLIC KEY", publicPrefix + Array(key.rawRepresentation))
    }

    static func loadPrivate(_ path: String) throws(Failure) -> Curve25519.Signing.PrivateKey {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            throw Failure(description: "the signing key \(path) can be read by other users; chmod 600 \(path)")
        }
        let der = try read(path, label: "PRIVATE KEY")
        guard der.count == privatePrefix.count + 32, Array(der.prefix(privatePrefix.count)) == privatePrefix,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
        else { throw Failure(description: "\(path) is not an Ed25519 private key (PKCS#8 PEM, as `mailbatch keygen` writes)") }
        return key
    }

    static func loadPublic(_ path: String) throws(Failure) -> Curve25519.Signing.PublicKey {
        let der = try read(path, label: "PUBLIC KEY")
        guard der.count == publicPrefix.count + 32, Array(der.prefix(publicPrefix.count)) == publicPrefix,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
        else { throw Failure(description: "\(path) is not an Ed25519 public key (PEM, as `mailbatch keygen` writes)") }
        return key
    }

    /// A short name for a public key: the first 16 hex digits of its SHA-256.
    static func keyID(_ key: Curve25519.Signing.PublicKey) -> String {
        String(SHA256.hash(data: key.rawRepresentation).map { String($0, radix: 16).leftPadded(to: 2) }.joined().prefix(16))
    }

    private static func pem(_ label: String, _ der: [UInt8]) -> String {
        "-----BEGIN \(label)-----\n" + MIMEEncoder.base64Lines(der).replacingOccurrences(of: "\r\n", with: "\n") + "-----END \(label)-----\n"
    }

    private static func read(_ path: String, label: String) throws(Failure) -> [UInt8] {
        guard let bytes = try? PosixFS.read(path), let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure(description: "cannot read \(path)")
        }
        guard let begin = text.range(of: "-----BEGIN \(label)-----"), let end = text.range(of: "-----END \(label)-----") else {
            throw Failure(description: "\(path) holds no \(label) PEM block")
        }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let der = Base64.decode(String(body)) else { throw Failure(description: "\(path): the PEM body is not base64") }
        return der
    }
}

/// Base64 decoding (RFC 4648, no line breaks) for PEM bodies and signatures.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = Int8(i) }
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            var n: UInt32 = 0
            var pad = 0
            for j in 0..<4 {
                let c = chars[i + j]
                if c == UInt8(ascii: "=") {
                    guard i + 4 == chars.count, j >= 2 else { return nil }
                    pad += 1
                    n <<= 6
                } else {
                    guard pad == 0, table[Int(c)] >= 0 else { return nil }
                    n = n << 6 | UInt32(table[Int(c)])
                }
            }
            out.append(UInt8(n >> 16 & 0xFF))
            if pad < 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}

/// The signing key in a form that may cross threads (swift-crypto's key type is not Sendable here):
/// its 32 raw bytes, turned back into a key where it signs.
struct CertificateSigner: Sendable {
    private let raw: [UInt8]

    init(_ key: Curve25519.Signing.PrivateKey) { raw = Array(key.rawRepresentation) }

    var key: Curve25519.Signing.PrivateKey? { try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) }
}
