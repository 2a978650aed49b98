import Glibc
package import Support

/// The pending-commit journal (`journal/`): each act of the store that spans several renames notes
/// its intent there first, and `finishPending` (the first thing each run does) finishes whatever a
/// kill left half done. Entries:
///
/// - `new-<番号>.<pid>.<random>`: a new contract, before its folder is renamed into place; finished
///   by queueing its mails. Unique per attempt, so two workers racing for one number never share one.
/// - `commit-<番号>`: a new version or a reissue, before the exchange; finished by dropping the old
///   version's queued mails and queueing the new ones.
/// - `revoke-<番号>`: a revocation, holding the signed revoked certificate and the history line;
///   finished by putting the certificate in place, dropping every queued mail of the contract and
///   writing the history line once.
/// - `release-<digest>`: a held record taken back (`ContractStore+Release`); finished by moving its
///   note to `released/` and the record to `incoming/`.
extension ContractStore {
    /// The journal entry of a version commit (`commit-<番号>`).
    package func entry(_ number: String) -> String { "\(spool.journal)/commit-\(number)" }

    /// Notes a version commit (flushed: the exchange follows at once).
    package func recordPending(_ number: String) throws(FileSystemError) {
        try PosixFS.makeDirectory(spool.journal)
        try spool.write("commit \(number)\n", to: entry(number))
    }

    /// Notes a new contract's commit, not flushed: the syncfs that makes the contract's folder durable
    /// flushes it too. Returns the entry's path, which the commit removes once the mails are queued.
    package func recordNew(_ number: String) throws(FileSystemError) -> String {
        try PosixFS.makeDirectory(spool.journal)
        let path = "\(spool.journal)/new-\(number).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        try PosixFS.writeNew(Array("new \(number)\n".utf8), to: path, sync: false)
        return path
    }

    /// After the commit: drop the old version's queued mails and queue the current ones; a revoked
    /// contract's mails are never queued (a revocation may have come between a cut commit and this).
    /// Safe to repeat. Returns the outbox entries that were dropped.
    package func finishQueueing(_ number: String, now: Int) throws(FileSystemError) -> [String] {
        let folder = ContractFolder(path: spool.contractFolder(number))
        guard PosixFS.isDirectory(folder.path) else { return [] }
        if folder.readCertificate()?.certificate.state == .revoked { return try dropQueued(number) }
        let dropped = try spool.dropStaleQueued(folder, number: number)
        try spool.enqueue(folder, now: now)
        return dropped
    }

    /// After the exchange: finish the queueing, then clear the entry.
    package func finish(_ number: String, now: Int) throws(FileSystemError) -> [String] {
        let dropped = try finishQueueing(number, now: now)
        try PosixFS.remove(entry(number))
        return dropped
    }

    /// What `finishPending` finished.
    package struct Finished: Sendable, Equatable {
        /// Contracts whose commit (new or a version) was cut before its mails were queued.
        package var committed: Set<String> = []
        /// Contracts whose revocation was cut.
        package var revoked: Set<String> = []

        package init(committed: Set<String> = [], revoked: Set<String> = []) {
            self.committed = committed
            self.revoked = revoked
        }
    }

    /// Finishes every act a kill left between its first rename and its last step (each run does this first).
    @discardableResult
    package func finishPending(now: Int) throws(FileSystemError) -> Finished {
        var finished = Finished()
        let names = (try? PosixFS.list(spool.journal)) ?? []
        // (`reissue-<番号>` entries of format-1 spools become `commit-` entries in `mailbatch upgrade`.)
        for name in names.sorted() {
            if name.hasPrefix("commit-") {
                let number = String(name.dropFirst("commit-".count))
                _ = try finish(number, now: now)
                finished.committed.insert(number)
            } else if name.hasPrefix("new-"), let number = name.dropFirst("new-".count).split(separator: ".").first.map(String.init) {
                // Before the rename the folder is not there (the half-built one in tmp/ is cleared):
                // nothing was committed, and the record is still in processing/.
                if PosixFS.isDirectory(spool.contractFolder(number)) {
                    _ = try finishQueueing(number, now: now)
                    finished.committed.insert(number)
                }
                try PosixFS.remove("\(spool.journal)/\(name)")
            } else if name.hasPrefix("release-") {
                try finishRelease("\(spool.journal)/\(name)", now: now)
            }
        }
        for name in names.sorted() where name.hasPrefix("revoke-") {
            let number = String(name.dropFirst("revoke-".count))
            _ = try finishRevocation(number)
            finished.revoked.insert(number)
        }
        return finished
    }

    /// Removes every queued (outbox) mail of a contract; returns the entries removed.
    package func dropQueued(_ number: String) throws(FileSystemError) -> [String] {
        let files = try spool.queueEntries(in: spool.outbox, of: number)
        for file in files { try PosixFS.remove("\(spool.outbox)/\(file)") }
        if !files.isEmpty { try PosixFS.syncDirectory(spool.outbox) }
        return files
    }
}
