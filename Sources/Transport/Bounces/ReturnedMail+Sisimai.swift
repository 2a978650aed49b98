/// Joins sisimai's reading of a returned message with mailbatch's own: mailbatch's RFC 3464 reading
/// stays (its recipients, actions and Message-ID), sisimai adds the reason; a non-standard report
/// (the ~70 formats sisimai knows) is taken from sisimai, which reads each format's own wording.
extension ReturnedMail {
    /// Reasons sisimai gives for mail that is not a delivery failure.
    private static let notFailures: Set<String> = ["feedback", "vacation", "delivered"]

    package func merged(with results: [SisimaiReader.Result]) -> ReturnedMail {
        var failures = results.filter { !Self.notFailures.contains($0.reason) && $0.recipient.contains("@") }
        // What reads as an auto-reply stays one unless sisimai names a definite failure.
        if case .autoReply = kind { failures = failures.filter { !["onhold", "undefined"].contains($0.reason) } }
        guard !failures.isEmpty else { return self }
        var mail = self
        if case .report(standard: true) = kind {
            for i in mail.recipients.indices {
                let address = mail.recipients[i].address?.lowercased()
                if let match = failures.first(where: { $0.recipient.lowercased() == address }) ?? (failures.count == 1 ? failures.first : nil) {
                    mail.recipients[i].reason = match.reason
                }
            }
        } else {
            mail.kind = .report(standard: false)
            mail.recipients = failures.map { r in
                let delayed = r.action == "delayed"
                let status = Self.plainStatus(r.status, delayed: delayed)
                return Recipient(
                    address: r.recipient, action: delayed ? .delayed : .failed, status: status,
                    diagnostic: String(r.diagnostic.prefix(500)), reason: r.reason)
            }
        }
        if mail.originalMessageID == nil, let id = failures.first(where: { !$0.messageID.isEmpty })?.messageID {
            mail.originalMessageID = id.trimmingCharacters(in: .init(charactersIn: "<> "))
        }
        return mail
    }

    /// sisimai writes its own pseudo-codes (`5.0.9xx`) where a report gave none: read as `5.0.0`.
    private static func plainStatus(_ status: String, delayed: Bool) -> String {
        guard let code = statusCode(status) else { return delayed ? "4.0.0" : "5.0.0" }
        let parts = code.split(separator: ".")
        if parts[1] == "0", let detail = Int(parts[2]), detail >= 900 { return "\(parts[0]).0.0" }
        return code
    }
}
