/// What became of one message handed to the mail server.
enum TransportResult: Sendable, Equatable {
    /// The server took responsibility (250 after DATA) for every recipient but those in `refused`.
    case accepted(reply: String, refused: [RecipientRefusal] = [])
    /// Try again later: a 4xx reply, or no usable connection (refused, reset, timeout, TLS failure).
    case temporary(reply: String, connectionFailed: Bool)
    /// A 5xx reply: retrying will not help.
    case permanent(reply: String)
}

/// A recipient the server refused at RCPT while it took the message for the others.
struct RecipientRefusal: Sendable, Codable, Equatable {
    let recipient: String
    let reply: String
    /// Set when the refusal is known to be temporary whatever its reply (a connection that failed).
    var temporary: Bool? = nil

    /// 4xx, and 552 on RCPT, which RFC 5321 (4.5.3.1.10) says to treat as temporary.
    var isTemporary: Bool { temporary ?? (reply.hasPrefix("4") || reply.hasPrefix("552")) }
}

/// The boundary to the mail server; the real one is `CurlSMTPTransport`.
protocol MailTransport: AnyObject {
    func send(from: String, recipients: [String], message: [UInt8]) -> TransportResult
}
