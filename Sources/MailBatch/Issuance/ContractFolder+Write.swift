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
