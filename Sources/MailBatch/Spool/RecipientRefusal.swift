/// A recipient the server refused at RCPT while it took the message for the others.
struct RecipientRefusal: Sendable, Codable, Equatable {
    let recipient: String
    let reply: String
    /// Set when the refusal is known to be temporary whatever its reply (a connection that failed).
    var temporary: Bool? = nil

    /// 4xx, and 552 on RCPT, which RFC 5321 (4.5.3.1.10) says to treat as temporary.
    var isTemporary: Bool { temporary ?? (reply.hasPrefix("4") || reply.hasPrefix("552")) }
}
