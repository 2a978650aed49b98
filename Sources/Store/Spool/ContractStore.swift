import Glibc
package import Model
package import Support

/// What one version of a contract puts on disk, in the spool's own terms (Issuance builds it from an
/// `IssueBundle`): the certificate, the key, the record as read and as normalized, the documents, and
/// each message with its envelope.
package struct ContractFiles: Sendable {
    package struct Message: Sendable {
        package let key: MessageKey
        /// The message's plan (`MessagePlan`): stored under `messages/<stem>.plan`, composed when sent.
        package let plan: [UInt8]
        package let envelope: Envelope

        package init(key: MessageKey, plan: [UInt8], envelope: Envelope) {
            self.key = key
            self.plan = plan
            self.envelope = envelope
        }
    }

    package let certificate: [UInt8]
    package let key: [UInt8]
    package let record: [UInt8]
    package let source: [UInt8]
    /// File name under `documents/` and its bytes.
    package let documents: [(name: String, bytes: [UInt8])]
    package let messages: [Message]

    package init(certificate: [UInt8], key: [UInt8], record: [UInt8], source: [UInt8], documents: [(name: String, bytes: [UInt8])], messages: [Message]) {
        self.certificate = certificate
        self.key = key
        self.record = record
        self.source = source
        self.documents = documents
        self.messages = messages
    }
}

/// The one owner of committing a contract version (docs/architecture.md: one owner for each durable act). A version
/// is written into a temp folder, put on disk with one syncfs(2), and committed in one step: a rename
/// for a new contract, an atomic exchange for a new version of an issued one. Then its mails are
/// queued and the history says so. The commit is preceded by a pending-commit journal entry, so a
/// crash anywhere after it is finished by the next run (`finishPending`); before it, nothing changed.
/// A revocation, a re-send and a view notice go through it too (`ContractStore+Revoke`, `+Queue`).
///
/// The folder holds the current version at its top (`certificate.json`, `key`, `record.json`,
/// `source.json`, `documents/`), every earlier version below `versions/<n>/` in the same shape, every
/// version's messages in `messages/` (named by `MessageKey`; each a plan naming the committed documents
/// instead of holding them, or a whole `.eml` from a spool of format 2), every sending in `sent/`, one
/// `history.log`.
package struct ContractStore: Sendable {
    package let spool: Spool

    package enum Mode: Sendable, Equatable {
        /// A contract not issued before: committed by rename(2), which fails if another got there first.
        case new
        /// The same version with a new key (a key reissue): the current version's files and mails are
        /// replaced; earlier versions, other versions' mails, sent mail and history are kept.
        case replacing
        /// A new version (a change or a cancellation): the current one moves to `versions/<previous>/`,
        /// read-only; everything else is kept.
        case superseding(previous: Int)
    }

    package enum Failure: Error {
        case alreadyIssued(String)
        case fileSystem(FileSystemError)
    }

    /// The files of a version at the folder's top; `versions/<n>/` holds the same names.
    private static let versionFiles = ["certificate.json", "key", "record.json", "source.json"]

    /// Commits the version and queues its mails; returns the committed folder and, for a replacement,
    /// the queued mails of the old version that were dropped.
    package func commit(_ files: ContractFiles, number: String, history: String, as mode: Mode, now: Int) throws(Failure) -> (
        ContractFolder, dropped: [String]
    ) {
        let final = ContractFolder(path: spool.contractFolder(number))
        let temp = "\(spool.temp)/\(number).\(mode == .new ? "new" : "version").\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let built = ContractFolder(path: temp)
        do {
            try write(files, into: built)
            var log: [UInt8] = []
            if mode != .new {
                try carryOver(from: final, into: built, replacing: Set(files.messages.map(\.key.stem)), mode: mode)
                log = (try? PosixFS.read(final.history)) ?? []
            }
            log += Array("\(JST.iso8601(epochSeconds: now)) \(history)\n".utf8)
            try PosixFS.writeNew(log, to: built.history, sync: false)
            // A new contract's journal entry is written before the one syncfs that makes the folder
            // durable, so it costs no flush of its own; a kill after the rename is finished by the next run.
            let pending = mode == .new ? try recordNew(number) : nil
            try built.makeDurable()
            switch mode {
            case .new:
                do {
                    if PosixFS.exists(final.path) { throw Failure.alreadyIssued(number) }
                    // Another worker may have committed the same number since the check: rename(2) then
                    // fails on the non-empty folder, and this version (with its key) is dropped unseen.
                    if rename(temp, final.path) != 0 {
                        let code = errno
                        if code == ENOTEMPTY || code == EEXIST { throw Failure.alreadyIssued(number) }
                        throw FileSystemError("move \(temp) to", final.path, code: code)
                    }
                } catch {
                    if let pending { try? PosixFS.remove(pending) }
                    throw error
                }
                try PosixFS.syncDirectory(spool.contracts)
                try spool.enqueue(final, now: now)
                if let pending { try PosixFS.remove(pending) }
                return (final, [])
            case .replacing, .superseding:
                if case .superseding(let previous) = mode, final.currentVersion != previous {
                    // Another change was committed since this one was built: it is decided again.
                    throw Failure.alreadyIssued(number)
                }
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
            try PosixFS.writeNew(message.plan, to: built.plan(message.key), sync: false)
            try PosixFS.writeNew(message.envelope.encoded(), to: built.envelope(message.key), sync: false)
        }
    }

    /// What a new version keeps of the folder it takes the place of: sent mail, earlier versions, the
    /// messages of other versions and, when superseding, the current version itself under `versions/`.
    /// Files are hard links (every spool file is replaced by rename, never rewritten in place).
    private func carryOver(from old: ContractFolder, into built: ContractFolder, replacing stems: Set<String>, mode: Mode) throws(FileSystemError) {
        try Self.linkTree(old.sent, built.sent)
        if PosixFS.isDirectory(old.versions) { try Self.linkTree(old.versions, built.versions) }
        for file in try PosixFS.list(old.messages) where !file.hasPrefix(".") {
            // A reissue replaces the current version's mails (and their re-send copies); all others stay.
            if mode == .replacing, stems.contains(where: { file.hasPrefix($0 + ".") }) { continue }
            try Self.link("\(old.messages)/\(file)", "\(built.messages)/\(file)")
        }
        if case .superseding(let previous) = mode {
            let archived = built.version(previous)
            try PosixFS.makeDirectory(built.versions)
            try PosixFS.makeDirectory(archived.path)
            for name in Self.versionFiles where PosixFS.exists("\(old.path)/\(name)") {
                try Self.link("\(old.path)/\(name)", "\(archived.path)/\(name)")
            }
            try Self.linkTree(old.documents, archived.documents)
        }
    }

    private static func link(_ from: String, _ to: String) throws(FileSystemError) {
        if Glibc.link(from, to) == 0 { return }
        let code = errno
        // A file system without hard links: a copy does as well.
        guard code == EPERM || code == EXDEV || code == EMLINK else { throw FileSystemError("link \(from) to", to, code: code) }
        try PosixFS.writeNew(try PosixFS.read(from), to: to, sync: false)
    }

    private static func linkTree(_ from: String, _ to: String) throws(FileSystemError) {
        try PosixFS.makeDirectory(to)
        guard PosixFS.isDirectory(from) else { return }
        for name in try PosixFS.list(from) where !name.hasPrefix(".") {
            if PosixFS.isDirectory("\(from)/\(name)") {
                try linkTree("\(from)/\(name)", "\(to)/\(name)")
            } else {
                try link("\(from)/\(name)", "\(to)/\(name)")
            }
        }
    }

    package init(spool: Spool) {
        self.spool = spool
    }
}
