package import Issuance
package import Logging
package import Model
package import Store
package import Support

/// Takes one claimed file in `processing/` to its end state: rejected, paper, duplicate, or issued
/// and queued. Safe to run again on the same file after a crash at any point.
package struct RecordProcessor: Sendable {
    package let spool: Spool
    package let issuer: Issuer
    package let directory: OrdererDirectory
    package let logger: Logger
    package let now: @Sendable () -> Int
    /// Changes and cancellations of one run are decided and committed one at a time (they are few),
    /// so two workers never build the next version of the same contract from the same state.
    package var versionGate = VersionGate()
    /// Contracts whose commit a kill cut short and `ContractStore.finishPending` finished at the start
    /// of this run: the record left in `processing/` for one of them is completed, not a duplicate.
    package var finished: Set<String> = []

    /// Throws `FileSystemError` (the spool cannot be written) or `ConfigurationError` (a template is broken):
    /// both stop the run, and the file stays in `processing/` for the next one. Anything else went
    /// wrong with this record alone: it is held (`held/`, with the error) and the run goes on, whoever
    /// called (the workers, or the waiting-records sweep).
    package func process(_ name: String) throws -> RecordOutcome {
        do {
            return try processClaimed(name)
        } catch let error as FileSystemError {
            throw error
        } catch let error as ConfigurationError {
            throw error
        } catch {
            return try hold(name, because: "\(error)")
        }
    }

    private func processClaimed(_ name: String) throws -> RecordOutcome {
        let path = "\(spool.processing)/\(name)"
        let bytes: [UInt8]
        switch try PosixFS.readRegularFile(path, limit: ContractValidator.maximumFileSize) {
        case .bytes(let read): bytes = read
        case .tooLarge(let size):
            return try reject(
                name, RecordRejection("the file is \(size) bytes; at most \(ContractValidator.maximumFileSize) bytes (1 MiB) are accepted; it was not read"))
        case .notRegularFile(let kind):
            return try reject(name, RecordRejection("\(kind), not a regular file; mailbatch reads only regular files and never follows links"))
        }

        let incoming: IncomingRecord
        do {
            incoming = try issuer.builder.stages.measure("validate") { () throws(RecordRejection) in try ContractValidator.validateIncoming(bytes) }
        } catch {
            return try reject(name, error)
        }
        let record: ContractRecord
        switch incoming {
        case .cancellation(let cancellation):
            return try versionGate.serially { () throws in try processCancellation(name, cancellation, source: bytes) }
        case .contract(let read) where read.amendment != nil:
            return try versionGate.serially { () throws in try processAmendment(name, read, source: bytes) }
        case .contract(let read): record = read
        }

        let (orderer, title): (Orderer, String)
        let today = JST.components(epochSeconds: now()).date
        switch IssuancePolicy.decide(record, in: directory, today: today, branches: issuer.builder.configuration.branches) {
        case .paper(let reason): return try routeToPaper(name, reason: reason)
        case .reject(let rejection): return try reject(name, rejection)
        case .issue(let found, let addressee): (orderer, title) = (found, addressee)
        }

        let normalized = Array(try SpoolJSON.encode(record))
        let folder = ContractFolder(path: spool.contractFolder(record.contractNumber))
        if PosixFS.exists(folder.path) {
            return try handleExisting(name, record, normalized, folder, completeIfUnqueued: true)
        }

        do {
            // Committed and queued by ContractStore.
            _ = try issuer.builder.stages.measure("issue") { () throws(Issuer.Failure) in
                try issuer.issue(record, orderer: orderer, title: title, normalized: normalized, source: bytes)
            }
        } catch {
            switch error {
            case .fileSystem(let fs): throw fs
            case .template(let message), .unreadable(let message): return try hold(name, because: message)
            case .timestampUnavailable(let message): return postpone(name, because: message)
            case .alreadyIssued:
                // Another file with this number was committed by a parallel worker a moment ago.
                return try handleExisting(name, record, normalized, folder, completeIfUnqueued: false)
            }
        }
        try PosixFS.remove(path)
        try PosixFS.syncDirectory(spool.processing)
        return .issued(contractNumber: record.contractNumber, orderer: orderer.name)
    }

    /// The contract exists already: identical content is a duplicate (or, after a crash, a contract
    /// whose mail still has to be queued); different content is a conflict. Never a second key.
    private func handleExisting(
        _ name: String, _ record: ContractRecord, _ normalized: [UInt8], _ folder: ContractFolder, completeIfUnqueued: Bool
    ) throws -> RecordOutcome {
        // After changes, the first issue's record is the one in versions/1/.
        let first = folder.currentVersion > 1 ? folder.version(1) : folder
        let existing = try? PosixFS.read(first.record)
        guard existing == normalized else {
            return try reject(
                name,
                RecordRejection(
                    path: "$.contract_number",
                    "contract \(record.contractNumber) was already issued with different content (see contracts/\(record.contractNumber)/record.json); a contract number is issued once and never re-keyed. Correct the number, or ask an operator to handle the change"
                ))
        }
        let number = record.contractNumber
        guard completeIfUnqueued, finished.contains(number) || !PosixFS.exists(folder.queuedMarker) else {
            return try markDuplicate(name, number)
        }
        // Cut between the commit and the queueing: the store finished it at the start of the run, or
        // (a folder a release without the journal committed) finishes it now.
        if !PosixFS.exists(folder.queuedMarker) { _ = try ContractStore(spool: spool).finishQueueing(number, now: now()) }
        try PosixFS.remove("\(spool.processing)/\(name)")
        return .completed(contractNumber: number)
    }

    /// Issuing this record failed (its documents, its mails, its signature): it is set aside in `held/`
    /// with the error, never deleted, and the run goes on with the others.
    package func hold(_ name: String, because reason: String) throws(FileSystemError) -> RecordOutcome {
        let note =
            "\(JST.iso8601(epochSeconds: now())) \(name) could not be issued: \(reason)\nNothing was issued or sent (no key exists for it). Fix the cause (a template in the [templates] folder, the signing key, or the record), then take it back with `mailbatch release \(name) --reason …` (or move the file back to incoming/).\n"
        try setAside(name, in: spool.held, note: note, suffix: ".error.txt")
        logger.error("held", metadata: ["file": "\(name)", "error": "\(reason)"])
        return .held(reason: reason)
    }

    package func reject(_ name: String, _ rejection: RecordRejection) throws(FileSystemError) -> RecordOutcome {
        let note = SpoolNotes.rejection(file: name, issues: rejection.issues, at: JST.iso8601(epochSeconds: now()))
        try setAside(name, in: spool.rejected, note: note, suffix: ".error.txt")
        logger.warning("rejected", metadata: ["file": "\(name)", "reason": "\(rejection.issues.first?.description ?? "")"])
        return .rejected(reason: rejection.description)
    }

    package func routeToPaper(_ name: String, reason: String) throws(FileSystemError) -> RecordOutcome {
        try setAside(name, in: spool.paper, note: SpoolNotes.paper(file: name, reason: reason, at: JST.iso8601(epochSeconds: now())), suffix: ".reason.txt")
        logger.info("paper", metadata: ["file": "\(name)", "reason": "\(reason)"])
        return .paper(reason: reason)
    }

    package func markDuplicate(_ name: String, _ number: String) throws(FileSystemError) -> RecordOutcome {
        let note = SpoolNotes.duplicate(file: name, contractNumber: number, at: JST.iso8601(epochSeconds: now()))
        try setAside(name, in: spool.duplicates, note: note, suffix: ".note.txt")
        logger.info("duplicate", metadata: ["file": "\(name)", "contract": "\(number)"])
        return .duplicate(contractNumber: number)
    }

    /// Moves a claimed file to the folder where an operator looks for it, with its note beside it:
    /// the note first, so a crash never leaves a file there without its reason.
    package func setAside(_ name: String, in folder: String, note: String, suffix: String) throws(FileSystemError) {
        let target = spool.freeName(name, in: folder)
        try spool.write(note, to: "\(folder)/\(target)\(suffix)")
        try PosixFS.move("\(spool.processing)/\(name)", to: "\(folder)/\(target)")
        try PosixFS.syncDirectory(folder)
    }
}
