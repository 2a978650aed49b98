package import Model

/// The one way an envelope is made: from the message's key, so the contract, version and role it
/// carries (and so its outbox name, its `sent/` copies and the token of every re-send) can never
/// disagree with the message it delivers.
extension Envelope {
    /// - Parameters:
    ///   - messagePath: the stored message, relative to the spool root; the key's own `.eml` unless
    ///     the message is stored under another name (a re-send with a changed address, a view notice).
    ///   - nextAttemptAt: when it is first tried; at once (`queuedAt`) unless said.
    package init(
        key: MessageKey, messageID: String, mailFrom: String, recipients: [String], cc: [String]? = nil, messagePath: String? = nil,
        queuedAt: Int, nextAttemptAt: Int? = nil
    ) {
        self.init(
            messageID: messageID, contractNumber: key.contract, role: key.role, version: key.version == 1 ? nil : key.version, mailFrom: mailFrom,
            recipients: recipients, cc: cc?.isEmpty == true ? nil : cc, messagePath: messagePath ?? key.messagePath, queuedAt: queuedAt,
            nextAttemptAt: nextAttemptAt ?? queuedAt, attempts: [])
    }
}
