package import Crypto
import Foundation
package import Support

/// The signature on `certificate.json`. It signs a manifest of per-field digests rather than the
/// file itself, so that a verifier can say not only "altered" but which field was changed. The key
/// digests are not part of it: they are credentials, not what the certificate says, and the orderer's
/// copy leaves them out.
///
///     "signature": { "algorithm": "Ed25519", "key_id": "…", "fields": { "$.guarantee.amount": "sha256:…", … },
///                    "value": base64(Ed25519(canonical({algorithm, key_id, fields}))) }
package enum CertificateSignature {
    package static let algorithm = "Ed25519"

    private static func digest(_ value: JSONValue) -> String {
        SHA256Hex.labelled(Array(value.canonical.utf8))
    }

    private static func manifest(of document: JSONValue) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for leaf in document.withoutCredentials.leaves where !leaf.path.hasPrefix("$.signature") {
            fields[leaf.path] = .string(digest(leaf.value))
        }
        return fields
    }

    private static func signedPart(keyID: String, fields: [String: JSONValue]) -> [UInt8] {
        Array(JSONValue.object(["algorithm": .string(algorithm), "key_id": .string(keyID), "fields": .object(fields)]).canonical.utf8)
    }

    /// Why a certificate could not be signed: it is then not issued at all, never issued unsigned.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// The document with its `signature` member (any earlier one replaced).
    package static func sign(_ document: JSONValue, with key: Curve25519.Signing.PrivateKey) throws(Failure) -> JSONValue {
        guard case .object(var members) = document else { throw Failure(description: "only a JSON object can be signed") }
        members["signature"] = nil
        let unsigned = JSONValue.object(members)
        let keyID = SigningKeyFile.keyID(key.publicKey)
        let fields = manifest(of: unsigned)
        let signature: [UInt8]
        do {
            signature = Array(try key.signature(for: signedPart(keyID: keyID, fields: fields)))
        } catch {
            throw Failure(description: "Ed25519 signing failed: \(error)")
        }
        members["signature"] = .object([
            "algorithm": .string(algorithm), "key_id": .string(keyID), "fields": .object(fields),
            "value": .string(Data(signature).base64EncodedString()),
        ])
        return .object(members)
    }

    /// A short fingerprint of the signature, printed on the key notice so a paper copy can be matched
    /// with the data: `1A2B 3C4D 5E6F 7A8B`.
    package static func fingerprint(of document: JSONValue) -> String? {
        guard case .object(let members) = document, case .object(let signature)? = members["signature"],
            case .string(let value)? = signature["value"]
        else { return nil }
        let hex = SHA256Hex.of(Array(value.utf8)).prefix(16).uppercased()
        return stride(from: 0, to: 16, by: 4).map { i in String(hex.dropFirst(i).prefix(4)) }.joined(separator: " ")
    }

    package enum Verdict: Equatable, Sendable, CustomStringConvertible {
        case valid(keyID: String)
        case unsigned
        case malformed(String)
        case otherKey(String)
        case badSignature
        case altered(String)
        case added(String)
        case removed(String)

        package var description: String {
            switch self {
            case .valid(let id): "valid: signed by key \(id), no field altered"
            case .unsigned: "not signed: the file has no signature"
            case .malformed(let why): "not a signed certificate: \(why)"
            case .otherKey(let id): "signed by another key (\(id)); check that you have the surety's current public key"
            case .badSignature: "the signature does not match: the signed field list was altered"
            case .altered(let path): "altered: \(path) differs from what was signed"
            case .added(let path): "altered: \(path) was added after signing"
            case .removed(let path): "altered: \(path) was removed after signing"
            }
        }
    }

    package static func verify(_ document: JSONValue, with key: Curve25519.Signing.PublicKey) -> Verdict {
        guard case .object(var members) = document else { return .malformed("the file is not a JSON object") }
        guard let block = members.removeValue(forKey: "signature") else { return .unsigned }
        guard case .object(let signature) = block, signature["algorithm"] == .string(algorithm),
            case .string(let keyID)? = signature["key_id"], case .object(let fields)? = signature["fields"],
            case .string(let value)? = signature["value"], let bytes = Data(base64Encoded: value)
        else { return .malformed("the signature block is incomplete") }
        guard keyID == SigningKeyFile.keyID(key) else { return .otherKey(keyID) }
        guard key.isValidSignature(bytes, for: signedPart(keyID: keyID, fields: fields)) else { return .badSignature }
        let now = manifest(of: .object(members))
        for path in Set(fields.keys).union(now.keys).sorted() {
            switch (fields[path], now[path]) {
            case (nil, _): return .added(path)
            case (_, nil): return .removed(path)
            case (let signed?, let current?) where signed != current: return .altered(path)
            default: continue
            }
        }
        return .valid(keyID: keyID)
    }
}
