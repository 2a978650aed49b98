package import Store
import Support

/// `mailbatch upgrade`: migrates an older spool to the current format, under the run lock.
/// Idempotent: every step checks before it writes, and VERSION is written last, so an upgrade
/// killed half-way is finished by running it again.
package struct SpoolUpgrade {
    package let spool: Spool

    package struct Result {
        package var from: Int
        package var envelopes = 0
        package var journalEntries = 0

        package init(from: Int, envelopes: Int = 0, journalEntries: Int = 0) {
            self.from = from
            self.envelopes = envelopes
            self.journalEntries = journalEntries
        }
    }

    package func run() throws -> Result {
        let found = try SpoolFormat.found(spool) ?? SpoolFormat.current
        if found > SpoolFormat.current { throw SpoolFormat.Problem.newer(found: found, path: spool.root) }
        var result = Result(from: found)
        if found < 1 {
            // 0 → 1: every envelope gets its schema number.
            var folders = [spool.outbox, spool.failed]
            for number in try PosixFS.list(spool.contracts) where !number.hasPrefix(".") {
                let folder = ContractFolder(path: spool.contractFolder(number))
                folders += [folder.messages, folder.sent]
            }
            for folder in folders where PosixFS.isDirectory(folder) {
                for file in try PosixFS.list(folder) where file.contains(".json") && !file.hasPrefix(".") {
                    let path = "\(folder)/\(file)"
                    guard var envelope = try? Envelope.decode(PosixFS.read(path)) else { continue }
                    if envelope.schema == SpoolFormat.envelopeSchema { continue }
                    envelope.schema = SpoolFormat.envelopeSchema
                    try spool.write(envelope.encoded(), to: path)
                    result.envelopes += 1
                }
            }
        }
        if found < 2 {
            // 1 → 2: nothing of an issued contract moves (version 1 keeps its names); a key reissue
            // an older mailbatch left half-done (`journal/reissue-<番号>`) becomes a pending commit.
            for name in (try? PosixFS.list(spool.journal)) ?? [] where name.hasPrefix("reissue-") {
                let number = String(name.dropFirst("reissue-".count))
                try spool.write("commit \(number)\n", to: "\(spool.journal)/commit-\(number)")
                try PosixFS.remove("\(spool.journal)/\(name)")
                result.journalEntries += 1
            }
        }
        // 2 → 3: nothing is rewritten. Messages stored whole (`.eml`) stay as they are and are sent as
        // stored; only mail queued from now on is stored as a plan.
        try spool.write("\(SpoolFormat.current)\n", to: SpoolFormat.versionFile(spool))
        return result
    }

    package init(spool: Spool) {
        self.spool = spool
    }
}
