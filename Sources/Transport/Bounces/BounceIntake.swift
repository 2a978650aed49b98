package import Config
package import Logging
package import Store
package import Support

/// Takes up returned mail (docs/bounces.md): from the configured Maildir's `new/` and from the
/// spool's own `bounces/new/` (where `mailbatch bounce` puts what it reads on stdin), within a
/// per-run budget of time and bytes (`BounceBudget`; the rest waits for the next run). Each message
/// is read, matched to the one sending it reports on, and applied; then it moves to `cur/`. A
/// message that cannot be acted on is kept once: copied to `bounces/unmatched/` with a note, then
/// removed from `new/`; what is set aside expires after `[bounces] unmatched_retention_days`.
///
/// Applying is idempotent, so a kill -9 at any moment loses nothing and applies nothing twice: a
/// bounce is written into the envelope before the envelope moves to `failed/`, a history line names
/// its report and is not written again, and a report still in `new/` is simply read again.
package struct BounceIntake: Sendable {
    package let spool: Spool
    package let settings: BounceSettings?
    /// For a soft bounce: when the message is tried again, and until when.
    package let schedule: RetrySchedule
    package let logger: Logger
    package let now: @Sendable () -> Int
    /// sisimai, when installed, reads what mailbatch's own reader does not (and names the reason).
    package var sisimai: SisimaiReader? = SisimaiReader.located()

    package struct Tally: Sendable, Equatable {
        package var bounced = 0
        package var delayed = 0
        package var setAside = 0
        /// Soft bounces: the message is back in the outbox for a later try.
        package var requeued = 0
        /// Left in `new/` for the next run: this run's budget was spent.
        package var leftForNextRun = 0
        /// Set-aside messages removed from `bounces/unmatched/` after the retention.
        package var expired = 0
        package var taken: Int { bounced + delayed + setAside + requeued }

        /// What `bounces` and `bounce` print.
        package func line(_ spool: Spool) -> String {
            var text =
                "returned mail: \(bounced) bounced, \(requeued) to be tried again, \(delayed) delayed, \(setAside) set aside (\(spool.unmatchedBounces)/)"
            if leftForNextRun > 0 { text += ", \(leftForNextRun) left for the next run (this run's budget was spent)" }
            if expired > 0 { text += ", \(expired) expired from unmatched/" }
            return text
        }

        package init(bounced: Int = 0, delayed: Int = 0, setAside: Int = 0, requeued: Int = 0, leftForNextRun: Int = 0, expired: Int = 0) {
            self.bounced = bounced
            self.delayed = delayed
            self.setAside = setAside
            self.requeued = requeued
            self.leftForNextRun = leftForNextRun
            self.expired = expired
        }
    }

    /// Every Maildir this configuration takes bounces from.
    package var maildirs: [Maildir] { [spool.bounceInbox] + (settings?.maildir.map { [Maildir(path: $0)] } ?? []) }

    package func takeUp() throws(FileSystemError) -> Tally {
        var tally = Tally()
        let budget = settings?.budget ?? BounceBudget()
        let started = HelperProcess.monotonicMilliseconds()
        var spent = 0
        for maildir in maildirs {
            guard PosixFS.isDirectory(maildir.new) else {
                logger.warning("the bounce Maildir has no new/ folder", metadata: ["maildir": "\(maildir.path)"])
                continue
            }
            let waiting = try maildir.waiting()
            for (i, name) in waiting.enumerated() {
                let size = PosixFS.fileSize("\(maildir.new)/\(name)") ?? 0
                let overBudget =
                    tally.taken > 0
                    && (spent + min(size, Self.readLimit) > budget.bytes || HelperProcess.monotonicMilliseconds() - started >= budget.seconds * 1000)
                if overBudget {
                    tally.leftForNextRun += waiting.count - i
                    break
                }
                spent += min(size, Self.readLimit)
                try takeUp(name, from: maildir, into: &tally)
            }
        }
        if tally.leftForNextRun > 0 {
            logger.warning(
                "returned mail left for the next run: this run's budget was spent",
                metadata: ["left": "\(tally.leftForNextRun)", "bytes": "\(spent)", "budget_seconds": "\(budget.seconds)", "budget_bytes": "\(budget.bytes)"])
        }
        tally.expired = try expireUnmatched()
        return tally
    }

    /// A returned message larger than this is not read (it is noted, and kept where it is).
    package static let readLimit = 10 << 20

    /// Removes what was set aside longer ago than the retention: each note (which begins with the
    /// time it was set aside, on mailbatch's clock) with its message; a message whose note is gone
    /// goes by its file's time.
    private func expireUnmatched() throws(FileSystemError) -> Int {
        let days = settings?.unmatchedRetentionDays ?? 90
        let cutoff = now() - days * 86_400
        let folder = spool.unmatchedBounces
        let files = ((try? PosixFS.list(folder)) ?? []).filter { !$0.hasPrefix(".") }
        var expired = 0
        for note in files where note.hasSuffix(".note.txt") {
            let path = "\(folder)/\(note)"
            let head = (try? PosixFS.readRegularFile(path, limit: 4096)).flatMap { result -> String? in
                if case .bytes(let b) = result { return String(decoding: b.prefix(25), as: UTF8.self) }
                return nil
            }
            guard let at = head.flatMap(WallClock.parse) ?? PosixFS.modificationTime(path), at < cutoff else { continue }
            try PosixFS.remove(String(path.dropLast(".note.txt".count)))
            try PosixFS.remove(path)
            expired += 1
        }
        for file in files where !file.hasSuffix(".note.txt") && !files.contains(file + ".note.txt") {
            let path = "\(folder)/\(file)"
            guard let at = PosixFS.modificationTime(path), at < cutoff else { continue }
            try PosixFS.remove(path)
            expired += 1
        }
        if expired > 0 {
            try PosixFS.syncDirectory(folder)
            logger.notice("set-aside returned mail expired", metadata: ["count": "\(expired)", "retention_days": "\(days)"])
        }
        return expired
    }

    /// The sisimai helper with this configuration's time limit, reporting to this log.
    private var reader: SisimaiReader? {
        guard var reader = sisimai else { return nil }
        reader.timeoutSeconds = settings?.sisimaiTimeoutSeconds ?? reader.timeoutSeconds
        reader.logger = logger
        return reader
    }

    private func takeUp(_ name: String, from maildir: Maildir, into tally: inout Tally) throws(FileSystemError) {
        let bytes: [UInt8]
        let seen = Maildir.seenName(name)
        switch try PosixFS.readRegularFile("\(maildir.new)/\(name)", limit: Self.readLimit) {
        case .bytes(let b): bytes = b
        case .tooLarge(let size):
            try noteUnread(name, maildir, "larger than 10 MiB (\(size) bytes), so not read", into: &tally)
            return
        case .notRegularFile(let what):
            try noteUnread(name, maildir, what, into: &tally)
            return
        }
        let decision: BounceMatcher.Decision =
            bytes.isEmpty ? .setAside("empty") : BounceMatcher(spool: spool, settings: settings, sisimai: reader).decide(bytes)
        // A message set aside is kept once, in `bounces/unmatched/`; one applied stays in `cur/`.
        var keptInUnmatched = false
        switch decision {
        case .setAside(let reason):
            try setAside(bytes, name: seen, reason: reason)
            keptInUnmatched = true
            tally.setAside += 1
            logger.warning("returned mail set aside", metadata: ["file": "\(name)", "reason": "\(reason)"])
        case .apply(let target, let failed, let delayed):
            // The report's name as history lines and envelopes quote it: a line break in a Maildir
            // file name is escaped, so it cannot start a line of its own.
            let name = seen
            let seen = LineLogHandler.oneLine(seen)
            let replays = failed.compactMap { r in ReportReplays.earlier(r, on: target.envelope, report: seen).map { (r, $0) } }
            let failed = failed.filter { r in !replays.contains { $0.0 == r } }
            if failed.isEmpty && delayed.isEmpty, let (recipient, earlier) = replays.first {
                let reason =
                    "a failure of \(recipient.address ?? "") on this sending was already taken up from the report \(earlier): a copy or a replay, not applied again"
                try setAside(bytes, name: name, reason: reason)
                keptInUnmatched = true
                tally.setAside += 1
                logger.warning("returned mail set aside", metadata: ["file": "\(name)", "reason": "\(reason)"])
                break
            }
            for recipient in delayed { try noteDelay(target, recipient, report: seen) }
            var target = target
            // A soft reason (mailbox full, …) within the message's lifetime: the message is tried again.
            let inTime = !schedule.hasExpired(queuedAt: target.envelope.queuedAt, now: now()) && target.place != .failed
            let soft = inTime ? failed.filter { BounceReason.isSoft($0.reason, status: $0.status) } : []
            let hard = failed.filter { r in !soft.contains(r) }
            for recipient in soft { try requeue(&target, recipient, report: seen) }
            // A report against a Cc is that recipient's: the To recipients received the message.
            let ofCc = hard.filter { r in r.address.map { target.envelope.isCc($0) } ?? false }
            for recipient in ofCc { try markCcBounced(&target, recipient, report: seen) }
            if let recipient = hard.first(where: { r in !ofCc.contains(r) }) {
                try markBounced(target, recipient, report: seen)
            }
            if !hard.isEmpty {
                tally.bounced += 1
            } else if !soft.isEmpty {
                tally.requeued += 1
            } else {
                tally.delayed += 1
            }
        }
        if keptInUnmatched {
            // The copy and its note are on disk (written and synced) before the original goes.
            try PosixFS.remove("\(maildir.new)/\(name)")
            try PosixFS.syncDirectory(maildir.new)
        } else {
            try maildir.markSeen(name)
        }
    }

    /// Not read: a note in `bounces/unmatched/` that says where the original is kept, untouched.
    private func noteUnread(_ name: String, _ maildir: Maildir, _ why: String, into tally: inout Tally) throws(FileSystemError) {
        let seen = Maildir.seenName(name)
        try spool.write(
            "\(JST.iso8601(epochSeconds: now())) not acted on: \(why); the original is kept as \(maildir.cur)/\(seen)\n",
            to: "\(spool.unmatchedBounces)/\(seen).note.txt")
        try maildir.markSeen(name)
        tally.setAside += 1
        logger.warning("returned mail set aside", metadata: ["file": "\(name)", "reason": "\(why)"])
    }

    /// A copy in `bounces/unmatched/` with a note, before the original leaves `new/`.
    private func setAside(_ bytes: [UInt8], name: String, reason: String) throws(FileSystemError) {
        try spool.write(bytes, to: "\(spool.unmatchedBounces)/\(name)")
        try spool.write("\(JST.iso8601(epochSeconds: now())) not acted on: \(reason)\n", to: "\(spool.unmatchedBounces)/\(name).note.txt")
    }

    private func noteDelay(_ target: BounceMatcher.Target, _ r: ReturnedMail.Recipient, report: String) throws(FileSystemError) {
        let e = target.envelope
        let line =
            "\(JST.iso8601(epochSeconds: now())) \(e.role) mail to \(r.address ?? e.recipients.joined(separator: ", ")) delayed: \(r.status) \(r.diagnostic) (report \(report))"
        try appendOnce(line, marker: "(report \(report))", contract: e.contractNumber)
        logger.notice("delivery delayed", metadata: ["contract": "\(e.contractNumber)", "role": "\(e.role)", "status": "\(r.status)"])
    }

    /// A soft bounce: the report is recorded on this sending, and a new sending of the same message (the
    /// same Message-ID, a new return-path token) to that recipient waits in the outbox for the backoff,
    /// within the message's lifetime. Each step is written before the next, and none is done twice.
    private func requeue(_ target: inout BounceMatcher.Target, _ r: ReturnedMail.Recipient, report: String) throws(FileSystemError) {
        var e = target.envelope
        let address = r.address ?? e.to.first ?? ""
        let returns = e.returned ?? []
        if !returns.contains(where: { $0.report == report && $0.recipient == address }) {
            e.returned =
                returns + [
                    .init(
                        at: JST.iso8601(epochSeconds: now()), recipient: address, status: r.status, diagnostic: r.diagnostic, report: report, reason: r.reason)
                ]
            try spool.write(e.encoded(), to: target.path)
            target = BounceMatcher.Target(path: target.path, envelope: e, place: target.place)
        }
        let outbox = spool.outboxFile(e.key)
        let due = now() + schedule.delay(afterDeferrals: e.returned?.count ?? 1)
        var line =
            "\(JST.iso8601(epochSeconds: now())) \(e.role) mail to \(address) came back for now: \(r.reason) \(r.status) \(r.diagnostic) (report \(report)); "
        if target.place == .outbox || PosixFS.exists(outbox) {
            line += "a sending is already queued"
        } else {
            var again = Envelope(
                key: e.key, messageID: e.messageID, mailFrom: e.mailFrom, recipients: e.recipients, cc: e.cc, messagePath: e.messagePath,
                queuedAt: e.queuedAt, nextAttemptAt: due)
            again.pending = e.recipients.count > 1 ? [address] : nil
            again.attempts = [
                .init(at: JST.iso8601(epochSeconds: now()), outcome: .deferred, reply: "returned (\(r.reason) \(r.status)): \(r.diagnostic)")
            ]
            try spool.write(again.encoded(), to: outbox)
            line += "tried again from \(JST.iso8601(epochSeconds: due)), until \(JST.iso8601(epochSeconds: e.queuedAt + schedule.lifetimeSeconds))"
        }
        try appendOnce(line, marker: "\(address) came back for now: \(r.reason) \(r.status) \(r.diagnostic) (report \(report))", contract: e.contractNumber)
        logger.warning(
            "returned for now, queued again",
            metadata: ["contract": "\(e.contractNumber)", "role": "\(e.role)", "reason": "\(r.reason)", "status": "\(r.status)"])
    }

    /// The envelope records the report against that recipient where it is (the message stays sent),
    /// and the operator is told to fix the contractor's address.
    private func markCcBounced(_ target: inout BounceMatcher.Target, _ r: ReturnedMail.Recipient, report: String) throws(FileSystemError) {
        let e = target.envelope
        let address = r.address ?? ""
        if !(e.recipientBounces ?? []).contains(where: { $0.report == report && $0.recipient == address }) {
            var updated = e
            updated.recipientBounces =
                (e.recipientBounces ?? []) + [
                    .init(at: JST.iso8601(epochSeconds: now()), recipient: address, status: r.status, diagnostic: r.diagnostic, report: report)
                ]
            try spool.write(updated.encoded(), to: target.path)
            target = BounceMatcher.Target(path: target.path, envelope: updated, place: target.place)
        }
        let fix =
            e.role == .orderer
            ? "the orderer's copy was delivered; fix the contractor's address: `mailbatch resend \(e.contractNumber) --to contractor --address …`, and for the orderer's mail `mailbatch resend \(e.contractNumber) --to orderer --cc …`"
            : "fix it with `mailbatch resend \(e.contractNumber) --to \(e.role) --cc …`"
        try spool.noteRecipientProblem(
            e.key, recipient: address,
            what: "\(e.role) mail: Cc \(address) bounced: \(r.reason) \(r.status) \(r.diagnostic); \(fix)")
        let line =
            "\(JST.iso8601(epochSeconds: now())) \(e.role) mail's Cc \(address) bounced: \(r.status) \(r.diagnostic) (report \(report)); \(fix)"
        try appendOnce(line, marker: "Cc \(address) bounced: \(r.status) \(r.diagnostic) (report \(report))", contract: e.contractNumber)
        logger.error("Cc bounced", metadata: ["contract": "\(e.contractNumber)", "role": "\(e.role)", "status": "\(r.status)"])
    }

    /// The envelope (in `sent/`, or in the outbox when a crash left it there after the 250) records the
    /// bounce, then moves to `failed/`.
    private func markBounced(_ target: BounceMatcher.Target, _ r: ReturnedMail.Recipient, report: String) throws(FileSystemError) {
        var envelope = target.envelope
        if envelope.bounce == nil {
            envelope.bounce = .init(
                at: JST.iso8601(epochSeconds: now()), recipient: r.address ?? envelope.recipients.first ?? "", status: r.status,
                diagnostic: r.diagnostic, report: report, reason: r.reason)
            if target.place != .failed { try spool.write(envelope.encoded(), to: target.path) }
        }
        if target.place != .failed {
            let destination = "\(spool.failed)/\(spool.freeName(envelope.fileName, in: spool.failed))"
            try PosixFS.move(target.path, to: destination)
            try PosixFS.syncDirectory(spool.failed)
            try PosixFS.syncDirectory(PosixFS.parentPath(target.path))
        }
        let b = envelope.bounce!
        let line =
            "\(JST.iso8601(epochSeconds: now())) \(envelope.role) mail bounced from \(b.recipient): \(b.reason ?? "") \(b.status) \(b.diagnostic) (report \(report)); fix the address with `mailbatch resend \(envelope.contractNumber) --to \(envelope.role) --address …`"
        try appendOnce(line, marker: "(report \(report))", contract: envelope.contractNumber)
        logger.error(
            "bounced",
            metadata: [
                "contract": "\(envelope.contractNumber)", "role": "\(envelope.role)", "reason": "\(b.reason ?? "")", "status": "\(b.status)",
                "diagnostic": "\(b.diagnostic)",
            ])
    }

    /// Appends a history line unless a line with the same report marker is already there.
    private func appendOnce(_ line: String, marker: String, contract: String) throws(FileSystemError) {
        let folder = ContractFolder(path: spool.contractFolder(contract))
        let history = (try? PosixFS.read(folder.history)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if history.contains(marker) { return }
        try PosixFS.appendLine(line, to: folder.history)
    }

    package init(
        spool: Spool, settings: BounceSettings?, schedule: RetrySchedule, logger: Logger, now: @escaping @Sendable () -> Int,
        sisimai: SisimaiReader? = SisimaiReader.located()
    ) {
        self.spool = spool
        self.settings = settings
        self.schedule = schedule
        self.logger = logger
        self.now = now
        self.sisimai = sisimai
    }
}
