import Logging

/// Sends every due message in `outbox/` and records each attempt. A message is moved out of the
/// outbox only after its bookkeeping is on disk: to `contracts/<no>/sent/` on 250, to `failed/` on a
/// 5xx or when its lifetime is over. A crash between the server's 250 and that write re-sends it
/// once (at-least-once), with the same Message-ID.
final class OutboxDelivery {
    private let spool: Spool
    private let schedule: RetrySchedule
    private let maxConnectionFailures: Int
    private let makeTransport: () throws -> any MailTransport
    private var transport: (any MailTransport)?
    private let logger: Logger
    private let now: @Sendable () -> Int

    init(
        spool: Spool, delivery: DeliverySettings, logger: Logger, now: @escaping @Sendable () -> Int,
        makeTransport: @escaping () throws -> any MailTransport
    ) {
        self.spool = spool
        self.schedule = RetrySchedule(delivery)
        self.maxConnectionFailures = delivery.maxConnectionFailures
        self.makeTransport = makeTransport
        self.logger = logger
        self.now = now
    }

    func deliverDue() throws(FileSystemError) -> DeliveryTally {
        var tally = DeliveryTally()
        var consecutiveConnectionFailures = 0
        for file in try PosixFS.list(spool.outbox) where file.hasSuffix(".json") && !file.hasPrefix(".") {
            let path = "\(spool.outbox)/\(file)"
            guard var envelope = try? Envelope.decode(PosixFS.read(path)) else {
                logger.error("unreadable envelope", metadata: ["file": "\(file)"])
                try PosixFS.move(path, to: "\(spool.failed)/\(spool.freeName(file, in: spool.failed))")
                tally.failed += 1
                continue
            }
            if envelope.attempts.last?.outcome == .sent {
                try finishSent(envelope, from: path)
                continue
            }
            if tally.serverUnreachable || envelope.nextAttemptAt > now() {
                tally.waiting += 1
                continue
            }
            let message: [UInt8]
            do {
                message = try PosixFS.read("\(spool.root)/\(envelope.messagePath)")
            } catch {
                try record(&envelope, .failed, "the stored message is missing: \(error.description)", at: path)
                try moveToFailed(envelope, from: path)
                tally.failed += 1
                continue
            }
            let result = send(envelope, message)
            switch result {
            case .accepted(let reply):
                consecutiveConnectionFailures = 0
                try record(&envelope, .sent, reply, at: path)
                try finishSent(envelope, from: path)
                tally.sent += 1
                logger.info("sent", metadata: ["contract": "\(envelope.contractNumber)", "role": "\(envelope.role)", "reply": "\(reply)"])
            case .permanent(let reply):
                consecutiveConnectionFailures = 0
                try record(&envelope, .failed, reply, at: path)
                try moveToFailed(envelope, from: path)
                tally.failed += 1
                logger.error("failed", metadata: ["contract": "\(envelope.contractNumber)", "role": "\(envelope.role)", "reply": "\(reply)"])
            case .temporary(let reply, let connectionFailed):
                consecutiveConnectionFailures = connectionFailed ? consecutiveConnectionFailures + 1 : 0
                let deferrals = envelope.attempts.filter { $0.outcome == .deferred }.count + 1
                envelope.nextAttemptAt = now() + schedule.delay(afterDeferrals: deferrals)
                if schedule.hasExpired(queuedAt: envelope.queuedAt, now: now()) {
                    try record(&envelope, .failed, "\(reply) (given up: in the queue longer than \(schedule.lifetimeSeconds) s)", at: path)
                    try moveToFailed(envelope, from: path)
                    tally.failed += 1
                    logger.error("expired", metadata: ["contract": "\(envelope.contractNumber)", "role": "\(envelope.role)", "reply": "\(reply)"])
                } else {
                    try record(&envelope, .deferred, reply, at: path)
                    tally.deferred += 1
                    logger.warning(
                        "deferred",
                        metadata: [
                            "contract": "\(envelope.contractNumber)", "role": "\(envelope.role)", "reply": "\(reply)",
                            "next": "\(JST.iso8601(epochSeconds: envelope.nextAttemptAt))",
                        ])
                }
                if consecutiveConnectionFailures >= maxConnectionFailures {
                    tally.serverUnreachable = true
                    logger.error("the mail server could not be reached \(consecutiveConnectionFailures) times in a row; the rest waits for the next run")
                }
            }
        }
        return tally
    }

    private func send(_ envelope: Envelope, _ message: [UInt8]) -> TransportResult {
        if transport == nil {
            do {
                transport = try makeTransport()
            } catch {
                return .temporary(reply: "cannot set up the SMTP client: \(error)", connectionFailed: true)
            }
        }
        return transport!.send(from: envelope.mailFrom, recipients: envelope.recipients, message: message)
    }

    private func record(_ envelope: inout Envelope, _ outcome: Envelope.Attempt.Outcome, _ reply: String, at path: String) throws(FileSystemError) {
        envelope.attempts.append(.init(at: JST.iso8601(epochSeconds: now()), outcome: outcome, reply: reply))
        try spool.write(envelope.encoded(), to: path)
    }

    private func finishSent(_ envelope: Envelope, from path: String) throws(FileSystemError) {
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        try PosixFS.makeDirectory(folder.sent)
        let target = spool.freeName("\(envelope.role).\(now()).json", in: folder.sent)
        try PosixFS.move(path, to: "\(folder.sent)/\(target)")
        try PosixFS.syncDirectory(folder.sent)
        try PosixFS.syncDirectory(spool.outbox)
        try? PosixFS.appendLine(
            "\(JST.iso8601(epochSeconds: now())) \(envelope.role) mail sent to \(envelope.recipients.joined(separator: ", ")): \(envelope.attempts.last?.reply ?? "")",
            to: folder.history)
    }

    private func moveToFailed(_ envelope: Envelope, from path: String) throws(FileSystemError) {
        try PosixFS.move(path, to: "\(spool.failed)/\(spool.freeName(envelope.fileName, in: spool.failed))")
        try PosixFS.syncDirectory(spool.failed)
        try PosixFS.syncDirectory(spool.outbox)
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        try? PosixFS.appendLine("\(JST.iso8601(epochSeconds: now())) \(envelope.role) mail failed: \(envelope.attempts.last?.reply ?? "")", to: folder.history)
    }
}
