import MIME
import Support

/// A `multipart/form-data` body (the data check's upload), read with the same MIME reader as
/// returned mail: bounded in parts and depth, lenient, and never writing anything to disk.
package struct MultipartForm {
    private let parts: [MIMEEntity]

    package init(contentType: String, body: [UInt8]) {
        let (mime, _) = MIMEEntity.parameterized(contentType)
        // By bytes: "\r\n" is one Character in Swift, equal to neither "\r" nor "\n".
        guard mime == "multipart/form-data", !contentType.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
            parts = []
            return
        }
        parts = MIMEEntity(Array("Content-Type: \(contentType)\r\n\r\n".utf8) + body).parts
    }

    private func part(_ name: String) -> MIMEEntity? {
        parts.first { part in
            guard let disposition = part.header("Content-Disposition") else { return false }
            return MIMEEntity.parameterized(disposition).1["name"] == name
        }
    }

    package func text(_ name: String) -> String? {
        part(name).map { String(decoding: $0.body, as: UTF8.self).trimmingSuffix { $0 == "\r" || $0 == "\n" }.description }
    }

    package func file(_ name: String) -> [UInt8]? { part(name)?.body }
}
