import ArgumentParser
import Glibc
import Store
import Support
import Transport

/// `mailbatch bounces`: take up the returned mail waiting in the Maildir(s), and nothing else.
struct BouncesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounces",
        abstract: "Take up returned mail from the [bounces] Maildir and the spool's bounces/new/ (every run does this first).",
        discussion: "Exit codes: 0 nothing bounced; 1 a message bounced (see `mailbatch status`); 2 configuration error; 75 another run holds the lock.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let configuration = try options.loadConfiguration()
        try configuration.spool.prepare()
        let logger = options.makeLogger()
        let tally = try configuration.spool.withLock {
            try BounceIntake(
                spool: configuration.spool, settings: configuration.bounces, schedule: RetrySchedule(configuration.delivery), logger: logger,
                now: { WallClock.epochSeconds() }
            )
            .takeUp()
        }
        if !(options.quiet && tally.bounced == 0 && tally.setAside == 0) {
            print(tally.line(configuration.spool))
        }
        if tally.bounced > 0 { throw ExitCode(ExitCodes.attention) }
    }
}

/// `mailbatch bounce`: one returned message on standard input (a Postfix `pipe` transport, a `.forward`).
/// It is first stored in the spool's `bounces/new/`, so it is never lost; then it is taken up at
/// once, or by the next run when a run holds the lock.
struct BounceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounce",
        abstract: "Read one returned message on standard input and take it up (for a Postfix pipe transport).",
        discussion:
            "Exit codes: 0 stored (and taken up, or left for the next run when one is running); 2 configuration error; 75 it could not be stored (Postfix retries)."
    )
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Only say how the message reads (JSON: kind, recipients, status, reason), storing and changing nothing.")
    var explain = false

    /// What is kept of one message on standard input; the rest is read and dropped, so the relay is
    /// never left writing into a closed pipe. A message over the intake's 10 MiB is kept, not read.
    static let storeLimit = 64 << 20

    func run() throws {
        if explain { return try explainStandardInput() }
        let configuration = try options.loadConfiguration()
        let spool = configuration.spool
        try spool.prepare()
        var bytes: [UInt8] = []
        var dropped = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            let room = max(0, Self.storeLimit - bytes.count)
            bytes += buffer[0..<min(n, room)]
            dropped += n - min(n, room)
        }
        guard !bytes.isEmpty else { throw CommandFailure(message: "nothing on standard input", code: ExitCodes.usage) }
        if dropped > 0 {
            FileHandleStderr.write("mailbatch: the message on standard input is larger than 64 MiB; its first 64 MiB are kept, \(dropped) bytes dropped\n")
        }
        let name = "\(WallClock.epochSeconds()).M\(UInt32.random(in: 0...UInt32.max))P\(getpid()).mailbatch"
        try spool.bounceInbox.deliver(bytes, name: name)
        let logger = options.makeLogger()
        let tally: BounceIntake.Tally
        do {
            tally = try spool.withLock {
                try BounceIntake(
                    spool: spool, settings: configuration.bounces, schedule: RetrySchedule(configuration.delivery), logger: logger,
                    now: { WallClock.epochSeconds() }
                ).takeUp()
            }
        } catch SpoolLock.Failure.heldByAnotherRun {
            if !options.quiet { print("stored in \(spool.bounceInbox.new)/\(name); the running batch takes it up next time") }
            return
        } catch let problem as SpoolFormat.Problem {
            // Stored, so not lost; taken up once the spool is upgraded. Exit 0 so Postfix does not bounce it.
            FileHandleStderr.write("mailbatch: stored in \(spool.bounceInbox.new)/\(name), not taken up: \(problem.description)\n")
            return
        }
        if !options.quiet {
            print(tally.line(spool))
        }
        // Exit 0 even for a bounce: to Postfix's pipe(8) any other status but 75 means "bounce this", and
        // a bounce of a bounce helps nobody. `status`, `show` and the next run's operator summary report it.
    }
}

extension BounceCommand {
    /// `--explain`: the reading of one message, for an operator and for `scripts/bounce-corpus`.
    private func explainStandardInput() throws {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= 10 << 20 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += buffer[0..<n]
        }
        guard bytes.count <= 10 << 20 else { throw CommandFailure(message: "larger than 10 MiB: not read", code: ExitCodes.attention) }
        let sisimai = SisimaiReader.located()
        let mail = ReturnedMail.read(bytes, sisimai: sisimai)
        let kind: String
        var why: String?
        switch mail.kind {
        case .report(let standard): kind = standard ? "report" : "report (non-standard)"
        case .autoReply(let reason): (kind, why) = ("auto-reply", reason)
        case .notAReport(let reason): (kind, why) = ("not a report", reason)
        }
        let recipients: [JSONValue] = mail.recipients.map { r in
            .object([
                "address": r.address.map { .string($0) } ?? .null, "action": .string(r.action.rawValue), "status": .string(r.status),
                "reason": .string(r.reason), "diagnostic": .string(r.diagnostic),
            ])
        }
        let out: JSONValue = .object([
            "kind": .string(kind), "why": why.map { .string($0) } ?? .null, "recipients": .array(recipients),
            "original_message_id": mail.originalMessageID.map { .string($0) } ?? .null,
            "delivered_to": .array(mail.deliveredTo.map { .string($0) }), "sisimai": .bool(sisimai != nil),
        ])
        print(out.pretty, terminator: "")
    }
}
