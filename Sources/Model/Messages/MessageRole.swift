/// Who a notification of a contract goes to; it names the message's files and its outbox entry.
package enum MessageRole: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case contractor, orderer
    /// The short mail telling the contractor that the orderer viewed the certificate.
    case viewNotice = "view_notice"
    /// The short mail telling the contractor that the orderer confirmed receipt.
    case receiptNotice = "receipt_notice"

    package var description: String { rawValue }

    /// The largest message sent in this role: orderers' gateways (LGWAN) often refuse more than 2 MB.
    package var sizeLimit: Int { self == .orderer ? 2_000_000 : 5_000_000 }
}
