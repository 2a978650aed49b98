package import Model
package import Support

/// The files of one issued contract under `contracts/<保証契約番号>/`.
package struct ContractFolder: Sendable {
    package let path: String

    package var record: String { path + "/record.json" }
    package var source: String { path + "/source.json" }
    package var certificate: String { path + "/certificate.json" }
    package var key: String { path + "/key" }
    package var documents: String { path + "/documents" }
    package var messages: String { path + "/messages" }
    package var sent: String { path + "/sent" }
    package var history: String { path + "/history.log" }
    /// Written once every message of the contract is in the outbox: the contract is fully handled.
    package var queuedMarker: String { path + "/queued" }

    /// Earlier versions of the contract, each a folder of the same shape (`versions/1/`, …).
    package var versions: String { path + "/versions" }
    package func version(_ number: Int) -> ContractFolder { ContractFolder(path: "\(versions)/\(number)") }

    package func plan(_ key: MessageKey) -> String { "\(messages)/\(key.planName)" }

    /// Where a plan's document is: `versions/<n>/documents/<file>` once its version was superseded,
    /// else the current version's `documents/<file>` (the digest tells the sender whether it is the one).
    package func document(_ reference: DocumentReference) -> String {
        let archived = "\(version(reference.version).documents)/\(reference.file)"
        return PosixFS.exists(archived) ? archived : "\(documents)/\(reference.file)"
    }
    package func envelope(_ key: MessageKey) -> String { "\(messages)/\(key.envelopeName)" }

    package init(path: String) {
        self.path = path
    }
}

extension ContractFolder {
    /// Puts every file and folder written under this folder on disk, before the commit rename: one
    /// syncfs(2) for the ~15 new files and 4 folders of a contract instead of an fsync for each.
    package func makeDurable() throws(FileSystemError) {
        try PosixFS.syncFileSystem(path)
    }
}
