extension ContractFolder {
    /// Writes what an issue produced (the signed certificate, the key, the PDFs, the mails and their
    /// envelopes) into a folder being built, not yet flushed: the caller adds its own files, calls
    /// `makeDurable()`, and only then renames the folder into place.
    func write(_ bundle: IssueBundle, contractNumber number: String, mailFrom: String, epoch: Int) throws(FileSystemError) {
        for folder in [path, documents, messages, sent] { try PosixFS.makeDirectory(folder) }
        try PosixFS.writeNew(Array(bundle.certificateJSON.pretty.utf8), to: certificate, sync: false)
        try PosixFS.writeNew(Array((bundle.key.grouped + "\n").utf8), to: key, sync: false)
        for document in bundle.documents {
            try PosixFS.writeNew(document.bytes, to: "\(documents)/\(document.kind.fileName)", sync: false)
        }
        for message in bundle.messages {
            let envelope = Envelope(
                messageID: message.mail.messageID, contractNumber: number, role: message.role, mailFrom: mailFrom,
                recipients: message.mail.envelopeRecipients, cc: message.mail.cc.isEmpty ? nil : message.mail.cc.map(\.address),
                messagePath: Spool.messagePath(number: number, file: "\(message.role).eml"), queuedAt: epoch, nextAttemptAt: epoch, attempts: [])
            try PosixFS.writeNew(message.mail.rendered(), to: self.message(message.role), sync: false)
            try PosixFS.writeNew(envelope.encoded(), to: self.envelope(message.role), sync: false)
        }
    }

    /// Puts every file and folder written under this folder on disk, before the commit rename: one
    /// syncfs(2) for the ~15 new files and 4 folders of a contract instead of an fsync for each.
    func makeDurable() throws(FileSystemError) {
        try PosixFS.syncFileSystem(path)
    }
}
