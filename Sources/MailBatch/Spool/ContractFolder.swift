/// The files of one issued contract under `contracts/<保証契約番号>/`.
struct ContractFolder: Sendable {
    let path: String

    var record: String { path + "/record.json" }
    var source: String { path + "/source.json" }
    var certificate: String { path + "/certificate.json" }
    var key: String { path + "/key" }
    var documents: String { path + "/documents" }
    var messages: String { path + "/messages" }
    var sent: String { path + "/sent" }
    var history: String { path + "/history.log" }
    /// Written once every message of the contract is in the outbox: the contract is fully handled.
    var queuedMarker: String { path + "/queued" }

    /// Earlier versions of the contract, each a folder of the same shape (`versions/1/`, …).
    var versions: String { path + "/versions" }
    func version(_ number: Int) -> ContractFolder { ContractFolder(path: "\(versions)/\(number)") }

    func message(_ key: MessageKey) -> String { "\(messages)/\(key.emlName)" }
    func envelope(_ key: MessageKey) -> String { "\(messages)/\(key.envelopeName)" }
}

extension ContractFolder {
    /// Puts every file and folder written under this folder on disk, before the commit rename: one
    /// syncfs(2) for the ~15 new files and 4 folders of a contract instead of an fsync for each.
    func makeDurable() throws(FileSystemError) {
        try PosixFS.syncFileSystem(path)
    }
}
