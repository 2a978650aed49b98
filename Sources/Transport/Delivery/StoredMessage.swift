import MIME
import Model
package import Store
import Support

/// The bytes a queued message is sent as: a stored plan composed from the contract's committed
/// documents (`MessagePlan`), each checked against the size and SHA-256 the plan names, so a document
/// changed after the message was queued is never sent; a whole `.eml` (spools of format 2, notices) as
/// it is stored. The one owner of that rule.
package enum StoredMessage {
    /// Why a stored message cannot be sent, in an operator's words.
    package struct Problem: Error, CustomStringConvertible {
        package let description: String

        package init(_ description: String) {
            self.description = description
        }
    }

    package static func bytes(of envelope: Envelope, in spool: Spool) throws(Problem) -> [UInt8] {
        let path = "\(spool.root)/\(envelope.messagePath)"
        let stored: [UInt8]
        do {
            stored = try PosixFS.read(path)
        } catch {
            throw Problem("the stored message is missing: \(error.description)")
        }
        guard envelope.messagePath.hasSuffix(".plan") else { return stored }
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        do {
            return try MessagePlan.compose(stored) { reference throws(MessagePlan.Problem) in try document(reference, in: folder) }
        } catch {
            throw Problem("\(error.description) (\(envelope.messagePath))")
        }
    }

    /// One named document, if it is still the one the message was composed with.
    private static func document(_ reference: DocumentReference, in folder: ContractFolder) throws(MessagePlan.Problem) -> [UInt8] {
        let path = folder.document(reference)
        let shown = String(path.dropFirst(folder.path.count + 1))
        let bytes: [UInt8]
        do {
            bytes = try PosixFS.read(path)
        } catch {
            throw MessagePlan.Problem(
                "not sent: the document \(shown) that the message attaches (version \(reference.version)) is missing (\(error.description)); restore it from the backup and run `mailbatch retry \(folderNumber(folder))`"
            )
        }
        let digest = bytes.count == reference.size ? SHA256Hex.of(bytes) : ""
        guard digest == reference.sha256 else {
            throw MessagePlan.Problem(
                "not sent: the document \(shown) changed after the message was queued (\(bytes.count) bytes, SHA-256 \(digest.isEmpty ? "not computed" : String(digest.prefix(16)) + "…"); the message was composed with \(reference.size) bytes, SHA-256 \(reference.sha256.prefix(16))…), so it is not what was issued; restore the file from the backup and run `mailbatch retry \(folderNumber(folder))`, or issue it again with `mailbatch reissue-key \(folderNumber(folder))`"
            )
        }
        return bytes
    }

    private static func folderNumber(_ folder: ContractFolder) -> String {
        String(folder.path.split(separator: "/").last ?? "")
    }
}
