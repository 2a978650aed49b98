/// Who a notification of a contract goes to; it names the message's files and its outbox entry.
enum MessageRole: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case contractor, orderer
    /// The short mail telling the contractor that the orderer viewed the certificate.
    case viewNotice = "view_notice"
    /// The short mail telling the contractor that the orderer confirmed receipt.
    case receiptNotice = "receipt_notice"

    var description: String { rawValue }

    /// The largest message sent in this role: orderers' gateways (LGWAN) often refuse more than 2 MB.
    var sizeLimit: Int { self == .orderer ? 2_000_000 : 5_000_000 }
}

extension Spool {
    /// `outbox/R07-4621-000123.contractor.json`
    func outboxFile(_ key: MessageKey) -> String { "\(outbox)/\(key.queueName)" }

    /// `failed/R07-4621-000123.contractor.json`
    func failedFile(_ key: MessageKey) -> String { "\(failed)/\(key.queueName)" }

    /// The queue entries (in `outbox/` or `failed/`) of one contract, or of all when `number` is nil,
    /// including `failed/`'s `<queueName>.N` entries.
    func queueEntries(in folder: String, of number: String?) throws(FileSystemError) -> [String] {
        try PosixFS.list(folder).filter { MessageKey.isQueueEntry($0, of: number) }
    }
}
