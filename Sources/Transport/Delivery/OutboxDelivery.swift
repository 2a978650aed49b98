package import Config
import Dispatch
package import Logging
package import Model
package import Store
package import Support
import Synchronization

/// Sends every due message in `outbox/` and records each attempt. A message is moved out of the
/// outbox only after its bookkeeping is on disk: to `contracts/<no>/sent/` on 250, to `failed/` on a
/// 5xx or when its lifetime is over. A crash between the server's 250 and that write re-sends it
/// once (at-least-once), with the same Message-ID.
///
/// Messages are shared out over `connections` threads, each with its own libcurl handle and
/// connection; after `max_connection_failures` connection failures in a row (counted across them)
/// every thread stops and the rest waits for the next run.
package struct OutboxDelivery: Sendable {
    package let spool: Spool
    package let delivery: DeliverySettings
    /// The VERP return path (`[bounces]`), when returned mail comes back to mailbatch.
    package var returnPath: ReturnPath?
    package let logger: Logger
    package let now: @Sendable () -> Int
    package let makeTransport: @Sendable () throws -> any MailTransport

    /// The queue entries in `outbox/` (not temporary files), less those named in `skipping`.
    package func queuedEntries(skipping: Set<String> = []) throws(FileSystemError) -> [String] {
        try PosixFS.list(spool.outbox).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && !skipping.contains($0) }
    }

    /// - Parameters:
    ///   - skipping: entries already handled in this run (by the `DeliveryPump`).
    ///   - health: the connection-failure count so far in this run.
    package func deliverDue(skipping: Set<String> = [], health: ConnectionHealth? = nil) throws(FileSystemError) -> DeliveryTally {
        let files = try queuedEntries(skipping: skipping)
        let connections = max(1, min(delivery.connections, files.count))
        let health = health ?? ConnectionHealth(limit: delivery.maxConnectionFailures)
        if connections <= 1 {
            var tally = try OutboxWorker(delivery: self, health: health).deliver(files)
            tally.serverUnreachable = health.unreachable
            return tally
        }
        let shards = (0..<connections).map { i in stride(from: i, to: files.count, by: connections).map { files[$0] } }
        let results = Mutex<[Result<DeliveryTally, FileSystemError>]>([])
        DispatchQueue.concurrentPerform(iterations: connections) { i in
            let result = Result { () throws(FileSystemError) in try OutboxWorker(delivery: self, health: health).deliver(shards[i]) }
            results.withLock { $0.append(result) }
        }
        var total = DeliveryTally()
        for result in results.withLock({ $0 }) { total.add(try result.get()) }
        total.serverUnreachable = health.unreachable
        return total
    }

    package init(
        spool: Spool, delivery: DeliverySettings, returnPath: ReturnPath? = nil, logger: Logger, now: @escaping @Sendable () -> Int,
        makeTransport: @escaping @Sendable () throws -> any MailTransport
    ) {
        self.spool = spool
        self.delivery = delivery
        self.returnPath = returnPath
        self.logger = logger
        self.now = now
        self.makeTransport = makeTransport
    }
}

/// Consecutive connection failures, counted across all delivery threads.
package final class ConnectionHealth: Sendable {
    private let state = Mutex((consecutive: 0, unreachable: false))
    package let limit: Int

    package init(limit: Int) { self.limit = limit }

    package var unreachable: Bool { state.withLock { $0.unreachable } }

    /// Records one result; true when this failure made the server count as unreachable.
    package func record(connectionFailed: Bool) -> Bool {
        state.withLock { s in
            s.consecutive = connectionFailed ? s.consecutive + 1 : 0
            if s.consecutive >= limit, !s.unreachable {
                s.unreachable = true
                return true
            }
            return false
        }
    }
}

/// One delivery thread: one libcurl handle (made when the first message is due), its share of the outbox.
package final class OutboxWorker {
    private let spool: Spool
    private let schedule: RetrySchedule
    private let health: ConnectionHealth
    private let makeTransport: @Sendable () throws -> any MailTransport
    private let returnPath: ReturnPath?
    private var transport: (any MailTransport)?
    private let logger: Logger
    private let now: @Sendable () -> Int
    /// Held around each entry's local check and around recording the answer, never during SMTP: a
    /// change or cancellation committed meanwhile replaces the folder whose `sent/` and history the
    /// delivery writes to, and drops the outbox entries it supersedes.
    private let gate: VersionGate?

    package init(delivery: OutboxDelivery, health: ConnectionHealth, gate: VersionGate? = nil) {
        self.gate = gate
        spool = delivery.spool
        schedule = RetrySchedule(delivery.delivery)
        self.health = health
        makeTransport = delivery.makeTransport
        returnPath = delivery.returnPath
        logger = delivery.logger
        now = delivery.now
    }

    package func deliver(_ files: [String]) throws(FileSystemError) -> DeliveryTally {
        var tally = DeliveryTally()
        for file in files { try deliver(file, into: &tally) }
        return tally
    }

    /// One outbox entry: finish it if a crash left it sent, wait if it is not due, else try it once.
    /// The spool is read and written under the gate (when there is one); the SMTP exchange is not.
    private func deliver(_ file: String, into tally: inout DeliveryTally) throws(FileSystemError) {
        let path = "\(spool.outbox)/\(file)"
        guard let prepared = try locally({ () throws(FileSystemError) in try prepare(file, path, into: &tally) }) else { return }
        var envelope = prepared.envelope
        let result = try send(&envelope, prepared.message, at: path)
        try locally { () throws(FileSystemError) in try conclude(result, &envelope, path, into: &tally) }
    }

    /// Runs spool work under the gate, if the worker has one.
    private func locally<T>(_ body: () throws(FileSystemError) -> T) throws(FileSystemError) -> T {
        guard let gate else { return try body() }
        return try gate.serially(body)
    }

    /// The local check before a sending: the entry is read, finished if a crash left it sent, left if
    /// it is not due, failed if its message is missing or too large; nil unless it is to be sent now.
    private func prepare(_ file: String, _ path: String, into tally: inout DeliveryTally) throws(FileSystemError) -> (
        envelope: Envelope, message: [UInt8]
    )? {
        var envelope: Envelope
        // Offered to the pump, then dropped by a change or cancellation committed meanwhile: nothing to send.
        guard PosixFS.exists(path) else { return nil }
        do {
            envelope = try Envelope.decode(PosixFS.read(path))
        } catch {
            // Not the server's doing: set aside in held/ with what to do, never dead-lettered as refused.
            try hold(file, because: "\(error)")
            tally.held += 1
            return nil
        }
        if envelope.attempts.last?.outcome == .sent {
            try finishSent(envelope, from: path)
            return nil
        }
        if case .withdraw(let reason) = SendPermission.check(envelope, in: spool) {
            try withdraw(&envelope, reason, at: path)
            tally.withdrawn += 1
            return nil
        }
        if health.unreachable || envelope.nextAttemptAt > now() {
            tally.waiting += 1
            return nil
        }
        let message: [UInt8]
        do {
            message = try StoredMessage.bytes(of: envelope, in: spool)
        } catch {
            try fail(&envelope, error.description, at: path, event: "failed")
            tally.failed += 1
            return nil
        }
        envelope.messageSHA256 = SHA256Hex.of(message)
        if message.count > envelope.role.sizeLimit {
            let reply =
                "not sent: the message is \(message.count) bytes, over the \(envelope.role.sizeLimit / 1_000_000) MB limit for the \(envelope.role)'s mail (municipal and corporate gateways refuse more); make it smaller (a template, the attachments) and use `mailbatch resend`"
            try fail(&envelope, reply, at: path, event: "failed")
            tally.failed += 1
            return nil
        }
        if let returnPath, envelope.token == nil, envelope.tokens == nil {
            // A new token for each recipient of this sending, on disk before the first byte goes out,
            // so a bounce of it is recognised, and tied to the one recipient it was given to.
            var tokens: [String: String] = [:]
            for recipient in envelope.recipients where tokens[recipient] == nil {
                tokens[recipient] = ReturnPath.newToken(contract: envelope.contractNumber)
            }
            envelope.tokens = tokens
            envelope.mailFrom = returnPath.address(token: tokens[envelope.recipients.first ?? ""] ?? "")
            try spool.write(envelope.encoded(), to: path)
        }
        return (envelope, message)
    }

    /// What the server answered, recorded in the spool.
    private func conclude(_ result: TransportResult, _ envelope: inout Envelope, _ path: String, into tally: inout DeliveryTally) throws(FileSystemError) {
        switch result {
        case .accepted(let reply, let refused):
            _ = health.record(connectionFailed: false)
            let putOff = refused.filter(\.isTemporary)
            for refusal in refused where !refusal.isTemporary { try noteRefused(&envelope, refusal) }
            if putOff.isEmpty {
                envelope.pending = nil
                try record(&envelope, .sent, reply, at: path)
                try finishSent(envelope, from: path)
                tally.sent += 1
                logger.info("sent", metadata: metadata(envelope, reply))
            } else {
                // Taken for the others: only the put-off recipients are tried again.
                envelope.pending = putOff.map(\.recipient)
                let text = putOff.map { "\($0.recipient): \($0.reply)" }.joined(separator: "; ")
                try postpone(&envelope, "accepted for the others (\(reply)); put off for \(text)", connectionFailed: false, at: path, into: &tally)
            }
        case .permanent(let reply):
            _ = health.record(connectionFailed: false)
            if let pending = envelope.pending {
                // The others already have it: only the put-off recipients failed.
                for recipient in pending { try noteRefused(&envelope, RecipientRefusal(recipient: recipient, reply: reply)) }
                envelope.pending = nil
                try record(&envelope, .sent, "sent to \(envelope.delivered.joined(separator: ", ")); refused for \(pending.joined(separator: ", "))", at: path)
                try finishSent(envelope, from: path)
                tally.sent += 1
            } else {
                try fail(&envelope, reply, at: path, event: "failed")
                tally.failed += 1
            }
        case .temporary(let reply, let connectionFailed):
            try postpone(&envelope, reply, connectionFailed: connectionFailed, at: path, into: &tally)
        }
    }

    private func hold(_ file: String, because reason: String) throws(FileSystemError) {
        let name = spool.freeName(file, in: spool.held)
        try spool.write(
            "\(JST.iso8601(epochSeconds: now())) outbox/\(file) could not be read: \(reason)\nNothing was sent. Repair the file (compare with contracts/<番号>/messages/<role>.json) and move it back to outbox/, or use `mailbatch resend <番号>`; a file from a newer mailbatch needs that version.\n",
            to: "\(spool.held)/\(name).error.txt")
        try PosixFS.move("\(spool.outbox)/\(file)", to: "\(spool.held)/\(name)")
        try PosixFS.syncDirectory(spool.held)
        try PosixFS.syncDirectory(spool.outbox)
        logger.error("unreadable envelope held", metadata: ["file": "\(file)", "held": "\(spool.held)/\(name)", "error": "\(reason)"])
    }

    /// A 4xx or a connection failure: retry later with backoff, or give up once the lifetime is over.
    private func postpone(
        _ envelope: inout Envelope, _ reply: String, connectionFailed: Bool, at path: String, into tally: inout DeliveryTally
    ) throws(FileSystemError) {
        let nowUnreachable = health.record(connectionFailed: connectionFailed)
        let deferrals = envelope.attempts.filter { $0.outcome == .deferred }.count + 1
        envelope.nextAttemptAt = now() + schedule.delay(afterDeferrals: deferrals)
        if schedule.hasExpired(queuedAt: envelope.queuedAt, now: now()), let pending = envelope.pending {
            // The others have it: the put-off recipients are given up, the message counts as sent.
            for recipient in pending {
                try noteRefused(
                    &envelope, RecipientRefusal(recipient: recipient, reply: "\(reply) (given up: in the queue longer than \(schedule.lifetimeSeconds) s)"))
            }
            envelope.pending = nil
            try record(&envelope, .sent, "sent to \(envelope.delivered.joined(separator: ", ")); given up for \(pending.joined(separator: ", "))", at: path)
            try finishSent(envelope, from: path)
            tally.sent += 1
        } else if schedule.hasExpired(queuedAt: envelope.queuedAt, now: now()) {
            try fail(&envelope, "\(reply) (given up: in the queue longer than \(schedule.lifetimeSeconds) s)", at: path, event: "expired")
            tally.failed += 1
        } else {
            try record(&envelope, .deferred, reply, at: path)
            tally.deferred += 1
            var fields = metadata(envelope, reply)
            fields["next"] = "\(JST.iso8601(epochSeconds: envelope.nextAttemptAt))"
            logger.warning("deferred", metadata: fields)
        }
        if nowUnreachable {
            logger.error("the mail server could not be reached \(health.limit) times in a row; the rest waits for the next run")
        }
    }

    /// A recipient refused for good while others took the message: kept in the envelope (written
    /// with the attempt that follows) and noted for the operator.
    private func noteRefused(_ envelope: inout Envelope, _ refusal: RecipientRefusal) throws(FileSystemError) {
        envelope.refused = (envelope.refused ?? []).filter { $0.recipient != refusal.recipient } + [refusal]
        envelope.pending = envelope.pending?.filter { $0 != refusal.recipient }
        let as_ = envelope.isCc(refusal.recipient) ? "Cc " : ""
        let fix =
            envelope.role == .orderer && envelope.isCc(refusal.recipient)
            ? "the orderer's copy was delivered; fix the contractor's address (`mailbatch resend \(envelope.contractNumber) --to contractor --address …`, and `--to orderer --cc …` for the orderer's mail)"
            : "fix the address with `mailbatch resend \(envelope.contractNumber) --to \(envelope.role) --address …`"
        try spool.noteRecipientProblem(
            envelope.key, recipient: refusal.recipient,
            what: "\(envelope.role) mail: \(as_)\(refusal.recipient) refused: \(refusal.reply); \(fix)")
        try? PosixFS.appendLine(
            "\(JST.iso8601(epochSeconds: now())) \(envelope.role) mail refused by the server for \(as_)\(refusal.recipient): \(refusal.reply)",
            to: ContractFolder(path: spool.contractFolder(envelope.contractNumber)).history)
        logger.error(
            "recipient refused", metadata: ["contract": "\(envelope.contractNumber)", "role": "\(envelope.role)", "reply": "\(refusal.reply)"])
    }

    private func fail(_ envelope: inout Envelope, _ reply: String, at path: String, event: Logger.Message) throws(FileSystemError) {
        try record(&envelope, .failed, reply, at: path)
        try moveToFailed(envelope, from: path)
        logger.error(event, metadata: metadata(envelope, reply))
    }

    private func metadata(_ envelope: Envelope, _ reply: String) -> Logger.Metadata {
        ["contract": "\(envelope.contractNumber)", "role": "\(envelope.role)", "reply": "\(reply)"]
    }

    private func send(_ envelope: inout Envelope, _ message: [UInt8], at path: String) throws(FileSystemError) -> TransportResult {
        if transport == nil {
            do {
                transport = try makeTransport()
            } catch {
                return .temporary(reply: "cannot set up the SMTP client: \(error)", connectionFailed: true)
            }
        }
        let targets = envelope.pending ?? envelope.recipients
        guard let returnPath, let tokens = envelope.tokens else {
            // No return path, or a sending queued by an earlier mailbatch with one token for all.
            return transport!.send(from: envelope.mailFrom, recipients: targets, message: message)
        }
        return try sendEach(&envelope, targets, tokens, returnPath, message, at: path)
    }

    /// One transaction per recipient, each with that recipient's return path; the results joined as
    /// one. A recipient that took it is written down (the rest as `pending`) before the next is
    /// tried, so a crash between two never sends anyone's copy twice.
    private func sendEach(
        _ envelope: inout Envelope, _ targets: [String], _ tokens: [String: String], _ returnPath: ReturnPath, _ message: [UInt8], at path: String
    ) throws(FileSystemError) -> TransportResult {
        var took: [String] = []
        var replies: [String] = []
        var refusals: [RecipientRefusal] = []
        var putOff: [(recipient: String, reply: String, connectionFailed: Bool)] = []
        for (i, recipient) in targets.enumerated() {
            if let failure = putOff.last, failure.connectionFailed {
                putOff.append((recipient, failure.reply, true))
                continue
            }
            let from = tokens[recipient].map { returnPath.address(token: $0) } ?? envelope.mailFrom
            switch transport!.send(from: from, recipients: [recipient], message: message) {
            case .accepted(let reply, let refused):
                if let refusal = refused.first {
                    refusals.append(refusal)
                    continue
                }
                took.append(recipient)
                replies.append(reply)
                if i < targets.count - 1 {
                    envelope.pending = targets.filter { !took.contains($0) }
                    let progress = envelope
                    try locally { () throws(FileSystemError) in try spool.write(progress.encoded(), to: path) }
                }
            case .temporary(let reply, let connectionFailed):
                putOff.append((recipient, reply, connectionFailed))
            case .permanent(let reply):
                refusals.append(RecipientRefusal(recipient: recipient, reply: reply))
            }
        }
        if let reply = replies.first {
            return .accepted(reply: reply, refused: refusals + putOff.map { RecipientRefusal(recipient: $0.recipient, reply: $0.reply, temporary: true) })
        }
        if let first = putOff.first { return .temporary(reply: first.reply, connectionFailed: putOff.allSatisfy(\.connectionFailed)) }
        return .permanent(reply: refusals.first?.reply ?? "no recipient took the message")
    }

    private func record(_ envelope: inout Envelope, _ outcome: Envelope.Attempt.Outcome, _ reply: String, at path: String) throws(FileSystemError) {
        envelope.attempts.append(.init(at: JST.iso8601(epochSeconds: now()), outcome: outcome, reply: reply))
        try spool.write(envelope.encoded(), to: path)
    }

    private func finishSent(_ envelope: Envelope, from path: String) throws(FileSystemError) {
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        let target = spool.freeName(envelope.key.sentName(epoch: now()), in: folder.sent)
        try PosixFS.move(path, to: "\(folder.sent)/\(target)")
        try PosixFS.syncDirectory(folder.sent)
        try PosixFS.syncDirectory(spool.outbox)
        try? PosixFS.appendLine(
            "\(JST.iso8601(epochSeconds: now())) \(envelope.role) mail sent to \(envelope.delivered.joined(separator: ", ")): \(envelope.attempts.last?.reply ?? "")",
            to: folder.history)
    }

    /// Ends a message that must not go out: the attempt recorded, the envelope kept in the contract's
    /// `sent/` as `withdrawn.<stem>.<time>.json` (shown by `show`, counted by `status`), a history line.
    private func withdraw(_ envelope: inout Envelope, _ reason: String, at path: String) throws(FileSystemError) {
        try record(&envelope, .withdrawn, reason, at: path)
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        let target = spool.freeName(Envelope.withdrawnName(envelope.key, epoch: now()), in: folder.sent)
        try PosixFS.move(path, to: "\(folder.sent)/\(target)")
        try PosixFS.syncDirectory(folder.sent)
        try PosixFS.syncDirectory(spool.outbox)
        try? PosixFS.appendLine("\(JST.iso8601(epochSeconds: now())) \(envelope.key.stem) mail withdrawn: \(reason)", to: folder.history)
        logger.warning("withdrawn", metadata: metadata(envelope, reason))
    }

    private func moveToFailed(_ envelope: Envelope, from path: String) throws(FileSystemError) {
        try PosixFS.move(path, to: "\(spool.failed)/\(spool.freeName(envelope.fileName, in: spool.failed))")
        try PosixFS.syncDirectory(spool.failed)
        try PosixFS.syncDirectory(spool.outbox)
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        try? PosixFS.appendLine("\(JST.iso8601(epochSeconds: now())) \(envelope.role) mail failed: \(envelope.attempts.last?.reply ?? "")", to: folder.history)
    }
}
