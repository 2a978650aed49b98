package import Support

/// One more sending of a contract's message, outside a commit: a re-send or a retry (`Requeue`) and
/// a view notice (`ViewNotices`). The store writes the stored copy into `messages/` (under the name
/// `MessageKey` gives it), then the envelope into the outbox, then the history line: a kill between
/// leaves at most a stored copy nothing names, never a queued entry without its message.
extension ContractStore {
    /// - Parameters:
    ///   - envelope: the entry to queue; its `messagePath` names `message` when one is given.
    ///   - message: a new stored copy (`MessageKey.resendName`, `.viewNoticeName`) and its bytes.
    package func queue(_ envelope: Envelope, storing message: (name: String, bytes: [UInt8])?, history: String) throws(FileSystemError) {
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        if let message {
            precondition(envelope.messagePath == envelope.key.storedPath(message.name), "the envelope names the stored copy")
            try spool.write(message.bytes, to: "\(folder.messages)/\(message.name)")
        }
        try spool.write(envelope.encoded(), to: spool.outboxFile(envelope.key))
        try PosixFS.appendLine(history, to: folder.history)
    }

    /// Puts a `failed/` entry (`<queueName>` or `<queueName>.N`) back in the outbox as `envelope`
    /// (its fresh lifetime), unless that message is queued already. False when it was left.
    package func retryFailed(_ file: String, as envelope: Envelope, history: String) throws(FileSystemError) -> Bool {
        let path = "\(spool.failed)/\(file)"
        let target = spool.outboxFile(envelope.key)
        if PosixFS.exists(target) { return false }
        try spool.write(envelope.encoded(), to: path)
        try PosixFS.move(path, to: target)
        try PosixFS.syncDirectory(spool.outbox)
        try PosixFS.syncDirectory(spool.failed)
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        try? PosixFS.appendLine(history, to: folder.history)
        return true
    }
}
