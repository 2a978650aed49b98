import Config
import Foundation
package import Store
package import Support
import Transport

/// A read-only look at the spool for `status`: how many items are in each state and what waits longest.
package struct SpoolInventory: Codable, Sendable {
    package struct Waiting: Codable, Sendable {
        package let file: String
        package let queuedAt: String
        package let nextAttemptAt: String
        package let attempts: Int

        package enum CodingKeys: String, CodingKey {
            case file, attempts
            case queuedAt = "queued_at"
            case nextAttemptAt = "next_attempt_at"
        }

        package init(file: String, queuedAt: String, nextAttemptAt: String, attempts: Int) {
            self.file = file
            self.queuedAt = queuedAt
            self.nextAttemptAt = nextAttemptAt
            self.attempts = attempts
        }
    }

    package var incoming = 0
    package var processing = 0
    package var rejected = 0
    package var paper = 0
    package var duplicates = 0
    package var issued = 0
    package var queued = 0
    package var deferred = 0
    package var sent = 0
    /// Messages withdrawn unsent because a newer version superseded them (in `contracts/<no>/sent/`).
    package var withdrawn: Int?
    package var failed = 0
    /// Messages a delivery report said failed after the server accepted them (in `failed/`).
    package var bounced = 0
    /// Returned mail still in a `new/` folder (a run's bounce budget was spent, or none ran since).
    package var returnedWaiting = 0
    /// Returned mail set aside in `bounces/unmatched/` (kept for the retention).
    package var unmatched = 0
    /// The bounced messages by reason (`userunknown`: 2, …).
    package var bounceReasons: [String: Int] = [:]
    /// Issued certificates whose current version the orderer has viewed, and has not.
    package var viewed = 0
    package var unviewed = 0
    /// Mailed to the orderer and still not viewed after `[notify] unviewed_after_days`.
    package var unviewedOverdue: [UnviewedCertificates.Entry] = []
    /// Issued certificates whose current version the orderer confirmed receiving, and has not;
    /// those mailed and still unconfirmed after `[notify] unconfirmed_after_days`.
    package var receiptConfirmed = 0
    package var receiptUnconfirmed = 0
    package var unconfirmedOverdue: [UnviewedCertificates.Entry] = []
    /// Records that could not be issued and envelopes that could not be read, set aside in `held/`.
    package var held = 0
    /// Changes (変更) issued, and contracts cancelled (解約).
    package var amendments = 0
    package var cancelled = 0
    /// Changes and cancellations in `waiting/`: the file and what it waits for.
    package var waiting: [WaitingRecord] = []

    package struct WaitingRecord: Codable, Sendable {
        package let file: String
        package let reason: String
        package let since: String

        package init(file: String, reason: String, since: String) {
            self.file = file
            self.reason = reason
            self.since = since
        }
    }
    /// Recipients (a Cc) that refused or bounced a message the others received (`attention/`).
    package var recipientProblems = 0
    package var nextAttemptAt: String?
    package var oldestWaiting: Waiting?
    package var lastRun: LastRun?
    /// When the oldest waiting message was queued (Unix time), for the metrics file.
    package var oldestQueuedEpoch: Int?

    package enum CodingKeys: String, CodingKey {
        case incoming, processing, rejected, paper, duplicates, issued, queued, deferred, sent, failed, bounced, held, amendments, cancelled, waiting
        case withdrawn
        case recipientProblems = "recipient_problems"
        case bounceReasons = "bounce_reasons"
        case returnedWaiting = "returned_waiting"
        case unmatched
        case viewed, unviewed
        case unviewedOverdue = "unviewed_overdue"
        case receiptConfirmed = "receipt_confirmed"
        case receiptUnconfirmed = "receipt_unconfirmed"
        case unconfirmedOverdue = "unconfirmed_overdue"
        case nextAttemptAt = "next_attempt_at"
        case oldestWaiting = "oldest_waiting"
        case lastRun = "last_run"
    }

    /// - Parameters:
    ///   - scan: the run's one pass over `contracts/`, when it has one.
    ///   - overdue: whether to find the certificates not viewed or not confirmed in time (`status`
    ///     lists them; the metrics file does not, and spares the certificates' reads).
    package static func take(
        _ spool: Spool, scan: ContractScan? = nil, overdue: Bool = true, unviewedAfterSeconds: Int = NotifySettings.defaultUnviewedAfterSeconds,
        unconfirmedAfterSeconds: Int? = nil, bounceMaildir: String? = nil, now: Int = WallClock.epochSeconds()
    ) throws(FileSystemError) -> SpoolInventory {
        var inventory = SpoolInventory()
        for maildir in [spool.bounceInbox] + (bounceMaildir.map { [Maildir(path: $0)] } ?? []) {
            inventory.returnedWaiting += ((try? maildir.waiting()) ?? []).count
        }
        inventory.unmatched = ((try? PosixFS.list(spool.unmatchedBounces)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".note.txt") }.count
        func notes(_ folder: String, _ suffix: String) throws(FileSystemError) -> Int {
            try PosixFS.list(folder).filter { $0.hasSuffix(suffix) }.count
        }
        inventory.incoming = try PosixFS.list(spool.incoming).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.count
        inventory.processing = try PosixFS.list(spool.processing).filter { !$0.hasPrefix(".") }.count
        inventory.rejected = try notes(spool.rejected, ".error.txt")
        inventory.paper = try notes(spool.paper, ".reason.txt")
        inventory.duplicates = try notes(spool.duplicates, ".note.txt")
        let scan = try ContractScan.reuse(scan, of: spool)
        inventory.issued = scan.entries.count
        for contract in scan.entries {
            let withdrawn = contract.sent.filter(Envelope.isWithdrawnName).count
            inventory.sent += contract.sent.count - withdrawn
            inventory.withdrawn = (inventory.withdrawn ?? 0) + withdrawn
            // Only a contract with earlier versions can have a change or a cancellation.
            if contract.hasVersions, let (c, _, _) = contract.folder.readCertificate() {
                inventory.amendments += (c.versions ?? []).filter { $0.amendment != nil }.count + (c.amendment != nil && c.cancelledAt == nil ? 1 : 0)
                if c.state == .cancelled { inventory.cancelled += 1 }
            }
        }
        for file in ((try? PosixFS.list(spool.waiting)) ?? []).sorted() where file.hasSuffix(".wait.txt") {
            let note = (try? PosixFS.read("\(spool.waiting)/\(file)")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let line = { (prefix: String) in note.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } ?? "" }
            inventory.waiting.append(WaitingRecord(file: String(file.dropLast(".wait.txt".count)), reason: line("reason: "), since: line("waiting since: ")))
        }
        for file in try spool.queueEntries(in: spool.failed, of: nil) {
            if let bounce = (try? Envelope.decode(PosixFS.read("\(spool.failed)/\(file)")))?.bounce {
                inventory.bounced += 1
                inventory.bounceReasons[bounce.reason ?? "undefined", default: 0] += 1
            } else {
                inventory.failed += 1
            }
        }
        inventory.held = ((try? PosixFS.list(spool.held)) ?? []).filter { !$0.hasSuffix(".error.txt") && !$0.hasPrefix(".") }.count
        inventory.recipientProblems = try spool.recipientProblems().count
        for number in try spool.viewedContracts() {
            if let (certificate, _, _) = ContractFolder(path: spool.contractFolder(number)).readCertificate(), spool.currentView(of: certificate) != nil {
                inventory.viewed += 1
            }
        }
        inventory.unviewed = max(0, inventory.issued - inventory.viewed)
        if overdue { inventory.unviewedOverdue = try UnviewedCertificates.find(spool, scan: scan, afterSeconds: unviewedAfterSeconds, now: now) }
        try ReceiptReport.count(spool, scan: scan, into: &inventory, unconfirmedAfterSeconds: overdue ? unconfirmedAfterSeconds : nil, now: now)
        var earliestNext: Int?
        var oldest: (Int, Waiting)?
        for file in try PosixFS.list(spool.outbox) where file.hasSuffix(".json") && !file.hasPrefix(".") {
            guard let envelope = try? Envelope.decode(PosixFS.read("\(spool.outbox)/\(file)")) else { continue }
            if envelope.attempts.isEmpty { inventory.queued += 1 } else { inventory.deferred += 1 }
            earliestNext = min(earliestNext ?? envelope.nextAttemptAt, envelope.nextAttemptAt)
            if oldest == nil || envelope.queuedAt < oldest!.0 {
                oldest = (
                    envelope.queuedAt,
                    Waiting(
                        file: "outbox/\(file)", queuedAt: JST.iso8601(epochSeconds: envelope.queuedAt),
                        nextAttemptAt: JST.iso8601(epochSeconds: envelope.nextAttemptAt), attempts: envelope.attempts.count)
                )
            }
        }
        inventory.nextAttemptAt = earliestNext.map { JST.iso8601(epochSeconds: $0) }
        inventory.oldestWaiting = oldest?.1
        inventory.oldestQueuedEpoch = oldest?.0
        inventory.lastRun = LastRun.load(spool)
        return inventory
    }

    package var text: String {
        func row(_ label: String, _ count: Int, _ note: String = "") -> String {
            "  \(label.padding(toLength: 12))\(String(count).leftPadded(to: 6, with: " "))\(note.isEmpty ? "" : "  " + note)\n"
        }
        var out = "spool state:\n"
        out += row("incoming", incoming)
        out += row("processing", processing, processing > 0 ? "(left by an interrupted run; the next run finishes them)" : "")
        out += row("rejected", rejected)
        out += row("paper", paper)
        out += row("duplicates", duplicates)
        out += row("issued", issued)
        if amendments > 0 { out += row("changed", amendments, "(変更 issued as new versions)") }
        if cancelled > 0 { out += row("cancelled", cancelled, "(解約)") }
        if !waiting.isEmpty {
            out += row("waiting", waiting.count, "(changes and cancellations waiting for their predecessor, in waiting/)")
            for entry in waiting { out += "  waiting: \(entry.file) since \(entry.since): \(entry.reason)\n" }
        }
        out += row("queued", queued)
        out += row("deferred", deferred, nextAttemptAt.map { "next attempt \($0)" } ?? "")
        out += row("sent", sent)
        if let withdrawn, withdrawn > 0 {
            out += row("withdrawn", withdrawn, "(superseded before they were sent; the newer version's mail went instead, see `mailbatch show <number>`)")
        }
        out += row("failed", failed, failed > 0 ? "(see `mailbatch show <number>`; `mailbatch retry` re-queues)" : "")
        let reasons = bounceReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out += row(
            "bounced", bounced,
            bounced > 0 ? "(\(reasons); see `mailbatch show <number>`; fix with `mailbatch resend <number> --to … --address …`)" : "")
        if returnedWaiting > 0 { out += row("returned", returnedWaiting, "(returned mail waiting: a run takes it up within its budget)") }
        if unmatched > 0 { out += row("unmatched", unmatched, "(returned mail set aside in bounces/unmatched/, each with a note)") }
        if recipientProblems > 0 {
            out += row("recipients", recipientProblems, "(a Cc refused or bounced a delivered mail: see `mailbatch show <number>`)")
        }
        out += row("viewed", viewed, "(opened with the key, by whoever holds it; not yet opened \(unviewed))")
        for entry in unviewedOverdue {
            out +=
                "  not viewed: \(entry.contractNumber), mailed to \(entry.to.joined(separator: ", ")) at \(entry.sentAt); `mailbatch resend \(entry.contractNumber) --to orderer` sends it again\n"
        }
        out += ReceiptReport.text(self)
        if held > 0 {
            out += row(
                "held", held,
                "(not issued, or an unreadable envelope: read \(held == 1 ? "its" : "each") .error.txt in held/; `mailbatch release NAME --reason …` takes back a corrected record)"
            )
        }
        if let oldest = oldestWaiting {
            out += "oldest waiting: \(oldest.file), queued \(oldest.queuedAt), \(oldest.attempts) attempt(s), next \(oldest.nextAttemptAt)\n"
        }
        if let run = lastRun {
            out += "last run: finished \(run.finishedAt), exit \(run.exitCode): issued \(run.issued), paper \(run.paper), rejected \(run.rejected), "
            out += "sent \(run.sent), deferred \(run.deferred), failed \(run.failed), bounced \(run.bounced ?? 0)\n"
            if let stop = run.stoppedBy { out += "  stopped early: \(stop)\n" }
            for warning in run.warnings { out += "  warning: \(warning)\n" }
        } else {
            out += "last run: none recorded\n"
        }
        return out
    }
}
