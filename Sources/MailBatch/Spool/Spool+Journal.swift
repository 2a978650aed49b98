/// Work that spans a crash: a key reissue swaps the contract folder in one exchange, then queues the
/// new mails. A journal entry written before the swap lets the next run (or the same command) finish.
extension Spool {
    private func reissueEntry(_ number: String) -> String { "\(journal)/reissue-\(number)" }

    func recordReissue(_ number: String) throws(FileSystemError) {
        try PosixFS.makeDirectory(journal)
        try write("reissue \(number)\n", to: reissueEntry(number))
    }

    /// Contract numbers whose reissue was swapped in but perhaps not queued.
    func pendingReissues() -> [String] {
        ((try? PosixFS.list(journal)) ?? []).filter { $0.hasPrefix("reissue-") }.map { String($0.dropFirst("reissue-".count)) }
    }

    /// After the swap: drop the old key's queued mails and queue the new ones; returns what was dropped.
    func finishReissue(_ number: String, now: Int) throws(FileSystemError) -> [String] {
        let folder = ContractFolder(path: contractFolder(number))
        let dropped = try dropStaleQueued(folder, number: number)
        try enqueue(folder, now: now)
        try PosixFS.remove(reissueEntry(number))
        return dropped
    }
}
