package import Store

/// What became of one message handed to the mail server.
package enum TransportResult: Sendable, Equatable {
    /// The server took responsibility (250 after DATA) for every recipient but those in `refused`.
    case accepted(reply: String, refused: [RecipientRefusal] = [])
    /// Try again later: a 4xx reply, or no usable connection (refused, reset, timeout, TLS failure).
    case temporary(reply: String, connectionFailed: Bool)
    /// A 5xx reply: retrying will not help.
    case permanent(reply: String)
}

/// The boundary to the mail server; the real one is `CurlSMTPTransport`.
package protocol MailTransport: AnyObject {
    func send(from: String, recipients: [String], message: [UInt8]) -> TransportResult
}
