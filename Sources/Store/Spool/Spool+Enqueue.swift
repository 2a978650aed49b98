package import Support

extension Spool {
    /// Copies each message envelope of a contract into the outbox, unless that message (by Message-ID)
    /// is already queued, failed or sent; then marks the contract as fully queued. Safe to repeat.
    package func enqueue(_ folder: ContractFolder, now: Int) throws(FileSystemError) {
        let sentIDs = Set(
            (try? PosixFS.list(folder.sent))?.compactMap { try? Envelope.decode(PosixFS.read("\(folder.sent)/\($0)")).messageID } ?? [])
        for file in try PosixFS.list(folder.messages) where file.hasSuffix(".json") {
            let bytes = try PosixFS.read("\(folder.messages)/\(file)")
            guard let envelope = try? Envelope.decode(bytes) else {
                throw FileSystemError("decode the envelope", "\(folder.messages)/\(file)", code: 22)
            }
            let target = outboxFile(envelope.key)
            let queuedID = (try? Envelope.decode(PosixFS.read(target)))?.messageID
            let failedID = (try? Envelope.decode(PosixFS.read(failedFile(envelope.key))))?.messageID
            if [queuedID, failedID].contains(envelope.messageID) || sentIDs.contains(envelope.messageID) { continue }
            var queued = envelope
            queued.queuedAt = now
            queued.nextAttemptAt = now
            try write(queued.encoded(), to: target)
        }
        try write(JST.iso8601(epochSeconds: now) + "\n", to: folder.queuedMarker)
    }

    /// The outbox entries (names in `outbox/`) of a committed contract's stored messages that wait
    /// there now: what `enqueue` queued for it, found from its own folder, never by listing the outbox.
    package func queuedEntries(of folder: ContractFolder) -> [String] {
        ((try? PosixFS.list(folder.messages)) ?? []).filter { $0.hasSuffix(".json") }.compactMap { file in
            guard let envelope = try? Envelope.decode(PosixFS.read("\(folder.messages)/\(file)")) else { return nil }
            let name = envelope.key.queueName
            return PosixFS.exists("\(outbox)/\(name)") ? name : nil
        }
    }

    /// Removes queued messages of a contract that are no longer among its stored messages
    /// (the old key's mails after a reissue); returns what was removed.
    package func dropStaleQueued(_ folder: ContractFolder, number: String) throws(FileSystemError) -> [String] {
        let current = Set(
            try PosixFS.list(folder.messages).filter { $0.hasSuffix(".json") }
                .compactMap { try? Envelope.decode(PosixFS.read("\(folder.messages)/\($0)")).messageID })
        var dropped: [String] = []
        for file in try queueEntries(in: outbox, of: number) {
            let path = "\(outbox)/\(file)"
            guard let envelope = try? Envelope.decode(PosixFS.read(path)), !current.contains(envelope.messageID) else { continue }
            try PosixFS.remove(path)
            dropped.append(file)
        }
        if !dropped.isEmpty { try PosixFS.syncDirectory(outbox) }
        return dropped
    }
}
