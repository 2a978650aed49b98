import Config
package import Store
package import Support

/// One thing in the spool that needs a person (docs/operations.md: The operator hears of it): a rejected record,
/// a failed or bounced message, or a message deferred longer than `[notify] stale_after_seconds`.
/// Never holds a key: only file names, contract numbers, SMTP replies and delivery-status codes.
package struct AttentionItem: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case rejected, failed, bounced, stale
        /// One recipient (a Cc) refused or bounced a message the others received.
        case recipient
        /// Mailed to the orderer and still not viewed.
        case unviewed
        /// Mailed to the orderer and not confirmed received after `[notify] unconfirmed_after_days`.
        case unconfirmed
        /// A record that could not be issued, or an envelope that could not be read, set aside in `held/`.
        case held
    }

    package let kind: Kind
    /// Stable while the item stays the same; a new failure of the same message gets a new one.
    package let key: String
    /// The file or contract number.
    package let subject: String
    package let reason: String
    /// The command that shows more.
    package let command: String

    /// Everything in the spool that needs a person now.
    /// - Parameter scan: the run's one pass over `contracts/`, when it has one.
    package static func collect(
        _ spool: Spool, scan: ContractScan? = nil, staleAfterSeconds: Int, unviewedAfterSeconds: Int = NotifySettings.defaultUnviewedAfterSeconds,
        unconfirmedAfterSeconds: Int? = nil, now: Int
    ) throws(FileSystemError) -> [AttentionItem] {
        var items: [AttentionItem] = []
        let scan = try ContractScan.reuse(scan, of: spool)
        if let after = unconfirmedAfterSeconds {
            for entry in try ReceiptReport.overdue(spool, scan: scan, afterSeconds: after, now: now) {
                items.append(
                    AttentionItem(
                        kind: .unconfirmed, key: "unconfirmed:\(entry.contractNumber):\(entry.sentAt)",
                        subject: "\(entry.contractNumber) (orderer mail to \(entry.to.joined(separator: ", ")))",
                        reason: "sent \(entry.sentAt) and its receipt not confirmed by the orderer since; ask the orderer whether it arrived",
                        command: "mailbatch show \(entry.contractNumber)"))
            }
        }
        for entry in try UnviewedCertificates.find(spool, scan: scan, afterSeconds: unviewedAfterSeconds, now: now) {
            items.append(
                AttentionItem(
                    kind: .unviewed, key: "unviewed:\(entry.contractNumber):\(entry.sentAt)",
                    subject: "\(entry.contractNumber) (orderer mail to \(entry.to.joined(separator: ", ")))",
                    reason: "sent \(entry.sentAt) and not viewed by the orderer since; ask the orderer whether it arrived",
                    command: "mailbatch show \(entry.contractNumber); mailbatch resend \(entry.contractNumber) --to orderer"))
        }
        for note in try PosixFS.list(spool.rejected).filter({ $0.hasSuffix(".error.txt") }).sorted() {
            let file = String(note.dropLast(".error.txt".count))
            let text = (try? PosixFS.read("\(spool.rejected)/\(note)")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let lines = text.split(separator: "\n").prefix(4).joined(separator: " / ")
            items.append(
                AttentionItem(
                    kind: .rejected, key: "rejected:\(file)", subject: "rejected/\(file)", reason: String(lines.prefix(600)),
                    command: "cat \(spool.rejected)/\(note)"))
        }
        for file in try spool.queueEntries(in: spool.failed, of: nil).sorted() {
            guard let e = try? Envelope.decode(PosixFS.read("\(spool.failed)/\(file)")) else { continue }
            let subject = "\(e.contractNumber) (\(e.role) mail to \(e.recipients.joined(separator: ", ")))"
            if let b = e.bounce {
                items.append(
                    AttentionItem(
                        kind: .bounced, key: "bounced:\(file):\(b.report)", subject: subject,
                        reason: "bounced from \(b.recipient): \(b.reason.map { $0 + " " } ?? "")\(b.status) \(b.diagnostic)",
                        command: "mailbatch show \(e.contractNumber); then mailbatch resend \(e.contractNumber) --to \(e.role) --address …"))
            } else {
                items.append(
                    AttentionItem(
                        kind: .failed, key: "failed:\(file):\(e.attempts.count)", subject: subject,
                        reason: "failed: \(e.attempts.last?.reply ?? "no attempt recorded")", command: "mailbatch show \(e.contractNumber)"))
            }
        }
        for note in ((try? PosixFS.list(spool.held)) ?? []).filter({ $0.hasSuffix(".error.txt") }).sorted() {
            let file = String(note.dropLast(".error.txt".count))
            let text = (try? PosixFS.read("\(spool.held)/\(note)")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            items.append(
                AttentionItem(
                    kind: .held, key: "held:\(file)", subject: "held/\(file)",
                    reason: String(text.split(separator: "\n").prefix(2).joined(separator: " / ").prefix(600)),
                    command: "cat \(spool.held)/\(note)"))
        }
        for note in try spool.recipientProblems() {
            let number = String(note.file.prefix { $0 != "." })
            items.append(
                AttentionItem(
                    kind: .recipient, key: "recipient:\(note.file):\(SHA256Hex.of(Array(note.what.utf8)).prefix(12))", subject: "\(number) (\(note.recipient))",
                    reason: note.what, command: "mailbatch show \(number)"))
        }
        for file in try spool.queueEntries(in: spool.outbox, of: nil).sorted() {
            guard let e = try? Envelope.decode(PosixFS.read("\(spool.outbox)/\(file)")), let last = e.attempts.last, last.outcome == .deferred,
                now - e.queuedAt >= staleAfterSeconds
            else { continue }
            items.append(
                AttentionItem(
                    kind: .stale, key: "stale:\(e.messageID):\(e.queuedAt)", subject: "\(e.contractNumber) (\(e.role) mail)",
                    reason:
                        "deferred since \(JST.iso8601(epochSeconds: e.queuedAt)) (\(e.attempts.count) attempt(s)); last reply: \(last.reply)",
                    command: "mailbatch show \(e.contractNumber)"))
        }
        return items
    }

    package init(kind: Kind, key: String, subject: String, reason: String, command: String) {
        self.kind = kind
        self.key = key
        self.subject = subject
        self.reason = reason
        self.command = command
    }
}
