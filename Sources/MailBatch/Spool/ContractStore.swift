import Glibc

/// What one version of a contract puts on disk, in the spool's own terms (Issuance builds it from an
/// `IssueBundle`): the certificate, the key, the record as read and as normalized, the documents, and
/// each message with its envelope.
struct ContractFiles: Sendable {
    struct Message: Sendable {
        let role: MessageRole
        let eml: [UInt8]
        let envelope: Envelope
    }

    let certificate: [UInt8]
    let key: [UInt8]
    let record: [UInt8]
    let source: [UInt8]
    /// File name under `documents/` and its bytes.
    let documents: [(name: String, bytes: [UInt8])]
    let messages: [Message]
}

/// The one owner of committing a contract version (STYLE: one owner for each durable act). A version
/// is written into a temp folder, put on disk with one syncfs(2), and committed in one step: a rename
/// for a new contract, an atomic exchange for a new version of an issued one. Then its mails are
/// queued and the history says so. An exchange is preceded by a pending-commit journal entry, so a
/// crash anywhere after it is finished by the next run (`finishPending`); before it, nothing changed.
struct ContractStore: Sendable {
    let spool: Spool

    enum Mode: Sendable {
        /// A contract not issued before: committed by rename(2), which fails if another got there first.
        case new
        /// A new version of an issued contract (a key reissue): it keeps the folder's sent mail and
        /// history, and replaces everything else in one exchange.
        case replacing
    }

    enum Failure: Error {
        case alreadyIssued(String)
        case fileSystem(FileSystemError)
    }

    /// Commits the version and queues its mails; returns the committed folder and, for a replacement,
    /// the queued mails of the old version that were dropped.
    func commit(_ files: ContractFiles, number: String, history: String, as mode: Mode, now: Int) throws(Failure) -> (
        ContractFolder, dropped: [String]
    ) {
        let final = ContractFolder(path: spool.contractFolder(number))
        let temp = "\(spool.temp)/\(number).\(mode == .new ? "new" : "version").\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let built = ContractFolder(path: temp)
        do {
            try write(files, into: built)
            var log: [UInt8] = []
            if mode == .replacing {
                for file in try PosixFS.list(final.sent) {
                    try PosixFS.writeNew(try PosixFS.read("\(final.sent)/\(file)"), to: "\(built.sent)/\(file)", sync: false)
                }
                log = (try? PosixFS.read(final.history)) ?? []
            }
            log += Array("\(JST.iso8601(epochSeconds: now)) \(history)\n".utf8)
            try PosixFS.writeNew(log, to: built.history, sync: false)
            try built.makeDurable()
            switch mode {
            case .new:
                if PosixFS.exists(final.path) { throw Failure.alreadyIssued(number) }
                // Another worker may have committed the same number since the check: rename(2) then
                // fails on the non-empty folder, and this version (with its key) is dropped unseen.
                if rename(temp, final.path) != 0 {
                    let code = errno
                    if code == ENOTEMPTY || code == EEXIST { throw Failure.alreadyIssued(number) }
                    throw FileSystemError("move \(temp) to", final.path, code: code)
                }
                try PosixFS.syncDirectory(spool.contracts)
                try spool.enqueue(final, now: now)
                return (final, [])
            case .replacing:
                try recordPending(number)
                try PosixFS.exchange(temp, final.path)
                try PosixFS.syncDirectory(spool.contracts)
                try PosixFS.removeTree(temp)
                return (final, try finish(number, now: now))
            }
        } catch let error as FileSystemError {
            try? PosixFS.removeTree(temp)
            throw .fileSystem(error)
        } catch let error as Failure {
            try? PosixFS.removeTree(temp)
            throw error
        } catch {
            try? PosixFS.removeTree(temp)
            throw .fileSystem(FileSystemError("commit", temp, code: EIO))
        }
    }

    /// Writes a version's files into a folder being built (not yet flushed).
    private func write(_ files: ContractFiles, into built: ContractFolder) throws(FileSystemError) {
        for folder in [built.path, built.documents, built.messages, built.sent] { try PosixFS.makeDirectory(folder) }
        try PosixFS.writeNew(files.certificate, to: built.certificate, sync: false)
        try PosixFS.writeNew(files.key, to: built.key, sync: false)
        try PosixFS.writeNew(files.record, to: built.record, sync: false)
        try PosixFS.writeNew(files.source, to: built.source, sync: false)
        for document in files.documents { try PosixFS.writeNew(document.bytes, to: "\(built.documents)/\(document.name)", sync: false) }
        for message in files.messages {
            try PosixFS.writeNew(message.eml, to: built.message(message.role), sync: false)
            try PosixFS.writeNew(message.envelope.encoded(), to: built.envelope(message.role), sync: false)
        }
    }

    // MARK: - The pending-commit journal

    private func entry(_ number: String) -> String { "\(spool.journal)/commit-\(number)" }

    private func recordPending(_ number: String) throws(FileSystemError) {
        try PosixFS.makeDirectory(spool.journal)
        try spool.write("commit \(number)\n", to: entry(number))
    }

    /// After the exchange: drop the old version's queued mails, queue the new ones, clear the entry.
    private func finish(_ number: String, now: Int) throws(FileSystemError) -> [String] {
        let folder = ContractFolder(path: spool.contractFolder(number))
        let dropped = try spool.dropStaleQueued(folder, number: number)
        try spool.enqueue(folder, now: now)
        try PosixFS.remove(entry(number))
        if PosixFS.exists(legacyEntry(number)) { try PosixFS.remove(legacyEntry(number)) }
        return dropped
    }

    /// `reissue-<番号>`: the entry an earlier mailbatch wrote for a key reissue; finished the same way.
    private func legacyEntry(_ number: String) -> String { "\(spool.journal)/reissue-\(number)" }

    /// Finishes every commit a crash left between its exchange and its queueing (each run does this first).
    func finishPending(now: Int) throws(FileSystemError) {
        let names = (try? PosixFS.list(spool.journal)) ?? []
        for name in names {
            let number =
                name.hasPrefix("commit-")
                ? String(name.dropFirst("commit-".count)) : name.hasPrefix("reissue-") ? String(name.dropFirst("reissue-".count)) : nil
            guard let number else { continue }
            if !PosixFS.exists(entry(number)) { try recordPending(number) }
            _ = try finish(number, now: now)
        }
    }
}
