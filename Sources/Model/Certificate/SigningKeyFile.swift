package import Crypto
import Glibc
import Support
import _CryptoExtras

/// Ed25519 keys as PEM files that OpenSSL also reads: PKCS#8 for the private key (owner-only),
/// SubjectPublicKeyInfo for the public one, both through swift-crypto's PEM support.
package enum SigningKeyFile {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    package static func privatePEM(_ key: Curve25519.Signing.PrivateKey) -> String { key.pemRepresentation }

    package static func publicPEM(_ key: Curve25519.Signing.PublicKey) -> String { key.pemRepresentation }

    package static func loadPrivate(_ path: String) throws(Failure) -> Curve25519.Signing.PrivateKey {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            throw Failure(description: "the signing key \(path) can be read by other users; chmod 600 \(path)")
        }
        do {
            return try Curve25519.Signing.PrivateKey(pemRepresentation: try read(path))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(
                description: "\(path) is not an Ed25519 private key (PKCS#8 PEM, as `mailbatch keygen` or `openssl genpkey -algorithm ed25519` writes)")
        }
    }

    package static func loadPublic(_ path: String) throws(Failure) -> Curve25519.Signing.PublicKey {
        do {
            return try Curve25519.Signing.PublicKey(pemRepresentation: try read(path))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(path) is not an Ed25519 public key (PEM, as `mailbatch keygen` writes)")
        }
    }

    /// A short name for a public key: the first 16 hex digits of its SHA-256.
    package static func keyID(_ key: Curve25519.Signing.PublicKey) -> String {
        String(SHA256Hex.of(Array(key.rawRepresentation)).prefix(16))
    }

    private static func read(_ path: String) throws(Failure) -> String {
        // The system's reason is kept: a permission problem or a missing file each say what they are.
        let read: PosixFS.ReadOutcome
        do {
            read = try PosixFS.readRegularFile(path, limit: 64 * 1024)
        } catch {
            throw Failure(description: error.description)
        }
        switch read {
        case .bytes(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure(description: "\(path) is not a PEM file (not UTF-8 text)") }
            return text
        case .tooLarge(let size): throw Failure(description: "\(path) is \(size) bytes; a PEM key file is at most 64 KiB")
        case .notRegularFile(let kind): throw Failure(description: "\(path) is \(kind), not a regular file (a PEM key file)")
        }
    }
}

/// The signing key in a form that may cross threads (swift-crypto's key type is not Sendable here):
/// its 32 raw bytes, turned back into a key where it signs.
package struct CertificateSigner: Sendable {
    private let raw: [UInt8]

    package init(_ key: Curve25519.Signing.PrivateKey) { raw = Array(key.rawRepresentation) }

    /// The matching public key's 32 bytes (the viewer's data check uses them).
    package var publicKeyRaw: [UInt8]? { try? Array(key().publicKey.rawRepresentation) }

    /// The key; 32 bytes that came from a valid key always make one again, and a failure says so.
    package func key() throws(CertificateSignature.Failure) -> Curve25519.Signing.PrivateKey {
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw CertificateSignature.Failure(description: "the signing key could not be restored: \(error)")
        }
    }
}
