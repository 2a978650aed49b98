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

    func message(_ role: MessageRole) -> String { "\(messages)/\(role).eml" }
    func envelope(_ role: MessageRole) -> String { "\(messages)/\(role).json" }
}

extension ContractFolder {
    /// Writes what an issue produced (the signed certificate, the key, the PDFs, the mails and their
    /// envelopes) into a folder being built, each file fsync'ed. The caller renames the folder into place.
    func write(_ bundle: IssueBundle, contractNumber number: String, mailFrom: String, epoch: Int) throws(FileSystemError) {
        for folder in [path, documents, messages, sent] { try PosixFS.makeDirectory(folder) }
        try PosixFS.writeNew(Array(bundle.certificateJSON.pretty.utf8), to: certificate, sync: true)
        try PosixFS.writeNew(Array((bundle.key.grouped + "\n").utf8), to: key, sync: true)
        for document in bundle.documents {
            try PosixFS.writeNew(document.bytes, to: "\(documents)/\(document.kind.fileName)", sync: true)
        }
        for message in bundle.messages {
            let envelope = Envelope(
                messageID: message.mail.messageID, contractNumber: number, role: message.role, mailFrom: mailFrom,
                recipients: message.mail.envelopeRecipients, messagePath: Spool.messagePath(number: number, file: "\(message.role).eml"),
                queuedAt: epoch, nextAttemptAt: epoch, attempts: [])
            try PosixFS.writeNew(message.mail.rendered(), to: self.message(message.role), sync: true)
            try PosixFS.writeNew(envelope.encoded(), to: self.envelope(message.role), sync: true)
        }
    }

    /// fsyncs the folder and its subfolders, so their entries are on disk before the commit rename.
    func syncFolders() throws(FileSystemError) {
        for folder in [documents, messages, sent, path] { try PosixFS.syncDirectory(folder) }
    }
}
