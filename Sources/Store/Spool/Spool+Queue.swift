package import Model
package import Support

/// Where a message's queue entry lives.
extension Spool {
    /// `outbox/R07-4621-000123.contractor.json`
    package func outboxFile(_ key: MessageKey) -> String { "\(outbox)/\(key.queueName)" }

    /// `failed/R07-4621-000123.contractor.json`
    package func failedFile(_ key: MessageKey) -> String { "\(failed)/\(key.queueName)" }

    /// The queue entries (in `outbox/` or `failed/`) of one contract, or of all when `number` is nil,
    /// including `failed/`'s `<queueName>.N` entries.
    package func queueEntries(in folder: String, of number: String?) throws(FileSystemError) -> [String] {
        try PosixFS.list(folder).filter { MessageKey.isQueueEntry($0, of: number) }
    }
}
