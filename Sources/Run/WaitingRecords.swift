import Model
package import Store
package import Support

/// `waiting/`: changes and cancellations whose predecessor (the contract, or the change before them)
/// is not issued yet. Every run looks at each: one whose predecessor is now issued goes back to
/// `processing/` to be taken up; one that waited longer than `[amendments] wait_days` goes to
/// `rejected/` with the reason, where `status` and the operator summary find it.
package struct WaitingRecords {
    package let spool: Spool
    package let waitDays: Int
    package let now: @Sendable () -> Int

    package struct Sweep {
        /// Names in `processing/` to take up now.
        package var ready: [String] = []
        package var expired = 0

        package init(ready: [String] = [], expired: Int = 0) {
            self.ready = ready
            self.expired = expired
        }
    }

    /// The waiting record files (not their notes).
    package func files() -> [String] {
        ((try? PosixFS.list(spool.waiting)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".wait.txt") }.sorted()
    }

    package func sweep() throws(FileSystemError) -> Sweep {
        var result = Sweep()
        for file in files() {
            let path = "\(spool.waiting)/\(file)"
            let notePath = path + ".wait.txt"
            let note = (try? PosixFS.read(notePath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if isReady(path) {
                let name = spool.freeName(file, in: spool.processing)
                try PosixFS.move(path, to: "\(spool.processing)/\(name)")
                try PosixFS.syncDirectory(spool.processing)
                try? PosixFS.remove(notePath)
                result.ready.append(name)
            } else if let since = Self.since(note), now() - since > waitDays * 86_400 {
                let reason = note.split(separator: "\n").first { $0.hasPrefix("reason: ") }.map { String($0.dropFirst(8)) } ?? "its predecessor was not issued"
                let target = spool.freeName(file, in: spool.rejected)
                let text = SpoolNotes.rejection(
                    file: file,
                    issues: [
                        ValidationIssue(
                            path: "$",
                            expected:
                                "waited \(waitDays) days ([amendments] wait_days) in waiting/ and was given up: \(reason). Send the missing record first, then this one again"
                        )
                    ], at: JST.iso8601(epochSeconds: now()))
                try spool.write(text, to: "\(spool.rejected)/\(target).error.txt")
                try PosixFS.move(path, to: "\(spool.rejected)/\(target)")
                try PosixFS.syncDirectory(spool.rejected)
                try? PosixFS.remove(notePath)
                result.expired += 1
            }
        }
        return result
    }

    /// The time a record started waiting, from its note.
    package static func since(_ note: String) -> Int? {
        note.split(separator: "\n").first { $0.hasPrefix("waiting-since-epoch: ") }.flatMap { Int($0.dropFirst("waiting-since-epoch: ".count)) }
    }

    /// Whether what the record waits for is issued now (or it is no longer a record that waits: then
    /// processing says what it is).
    private func isReady(_ path: String) -> Bool {
        guard case .bytes(let bytes)? = try? PosixFS.readRegularFile(path, limit: ContractValidator.maximumFileSize),
            let incoming = try? ContractValidator.validateIncoming(bytes)
        else { return true }
        let number = incoming.contractNumber
        guard let folder = spool.issuedContract(number) else { return spool.paperRecord(of: number) != nil }
        switch incoming {
        case .cancellation: return true
        case .contract(let record): return (record.amendment?.number ?? 0) <= folder.currentVersion
        }
    }

    package init(spool: Spool, waitDays: Int, now: @escaping @Sendable () -> Int) {
        self.spool = spool
        self.waitDays = waitDays
        self.now = now
    }
}
