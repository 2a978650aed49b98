import Crypto

/// SHA-256 as lower-case hex, the one form every digest in the spool and the certificate takes.
package enum SHA256Hex {
    package static func of(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).hexString }

    /// `sha256:…`, as certificate manifests and key digests write it.
    package static func labelled(_ bytes: [UInt8]) -> String { "sha256:" + of(bytes) }
}
