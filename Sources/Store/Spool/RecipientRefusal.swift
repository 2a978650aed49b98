/// A recipient the server refused at RCPT while it took the message for the others.
package struct RecipientRefusal: Sendable, Codable, Equatable {
    package let recipient: String
    package let reply: String
    /// Set when the refusal is known to be temporary whatever its reply (a connection that failed).
    package var temporary: Bool? = nil

    /// 4xx, and 552 on RCPT, which RFC 5321 (4.5.3.1.10) says to treat as temporary.
    package var isTemporary: Bool { temporary ?? (reply.hasPrefix("4") || reply.hasPrefix("552")) }

    package init(recipient: String, reply: String, temporary: Bool? = nil) {
        self.recipient = recipient
        self.reply = reply
        self.temporary = temporary
    }
}
