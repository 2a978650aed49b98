import Model
package import Store
package import Support

/// One pass over `contracts/`: what the end of a run (the operator summary, the metrics file) and
/// `status` need of each issued contract, its `sent/` folder listed once and shared by all of them,
/// instead of a pass over every contract for each count and each overdue list.
package struct ContractScan: Sendable {
    package struct Entry: Sendable {
        package let number: String
        package let folder: ContractFolder
        /// The names in its `sent/` (sendings and withdrawn messages).
        package let sent: [String]
        /// It has earlier versions (a change or a cancellation), so its certificate says which is current.
        package let hasVersions: Bool
    }

    package let entries: [Entry]

    package static func take(_ spool: Spool) throws(FileSystemError) -> ContractScan {
        var entries: [Entry] = []
        for number in try PosixFS.list(spool.contracts) where !number.hasPrefix(".") {
            let folder = ContractFolder(path: spool.contractFolder(number))
            entries.append(
                Entry(number: number, folder: folder, sent: (try? PosixFS.list(folder.sent)) ?? [], hasVersions: PosixFS.isDirectory(folder.versions)))
        }
        return ContractScan(entries: entries)
    }

    /// `scan` when the caller took one, else a new one.
    package static func reuse(_ scan: ContractScan?, of spool: Spool) throws(FileSystemError) -> ContractScan {
        if let scan { return scan }
        return try take(spool)
    }

    package init(entries: [Entry]) {
        self.entries = entries
    }
}

extension ContractScan.Entry {
    /// The name and send time of the latest sending of the current version's orderer mail, if any.
    package var latestOrdererSending: (file: String, epoch: Int)? {
        // Only a contract with earlier versions needs its certificate read to know which version is current.
        let key = MessageKey(contract: number, version: hasVersions ? folder.currentVersion : 1, role: .orderer)
        return sent.filter(key.isSentFile).map { ($0, MessageKey.sentEpoch($0)) }.max { $0.1 < $1.1 }
    }
}
