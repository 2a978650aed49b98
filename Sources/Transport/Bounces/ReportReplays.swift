package import Store

/// Recognises a report already taken up by what it says, not by its file name: a sending's
/// recipient fails once (each re-send has new tokens), so a second report of failure for the same
/// recipient of the same sending — the same report under another name, or an old one sent again
/// after the message bounced for good — is a copy or a replay, and is not applied again.
package enum ReportReplays {
    /// The report, with its file name, that already recorded a failure of this recipient on this
    /// sending; nil when none did, or when it was this very report (read again after a crash, which
    /// finishes what it began).
    package static func earlier(_ recipient: ReturnedMail.Recipient, on envelope: Envelope, report: String) -> String? {
        guard let address = recipient.address?.lowercased() else { return nil }
        var recorded: [Envelope.Bounce] = (envelope.returned ?? []) + (envelope.recipientBounces ?? [])
        if let bounce = envelope.bounce { recorded.append(bounce) }
        return recorded.first { $0.recipient.lowercased() == address && $0.report != report }.map(\.report)
    }
}
