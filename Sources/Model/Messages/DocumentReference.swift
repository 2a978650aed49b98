/// A committed document that a stored message plan names instead of carrying it: the contract
/// version whose `documents/` holds it, its file name there, and its size and SHA-256 when the
/// message was composed. The sender attaches it only when the file still has that size and digest.
package struct DocumentReference: Sendable, Hashable {
    package let version: Int
    package let file: String
    package let size: Int
    /// Lower-case hex.
    package let sha256: String

    package init(version: Int, file: String, size: Int, sha256: String) {
        self.version = version
        self.file = file
        self.size = size
        self.sha256 = sha256
    }

    /// A plain file name (`key-notice.pdf`): no folder, no dot-dot, nothing a path could be made of.
    package static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }
}
