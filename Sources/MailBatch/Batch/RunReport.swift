/// The tally of one `mailbatch run`, turned into the summary and what happened (the command makes it the exit code).
struct RunReport: Sendable {
    var issued = 0
    var completed = 0
    var paper = 0
    var rejected = 0
    var duplicates = 0
    /// Records set aside in `held/` because issuing them failed.
    var held = 0
    var amended = 0
    var cancelled = 0
    var waiting = 0
    /// Records left in `processing/` because the time-stamp authority did not answer.
    var postponed = 0
    /// Waiting changes taken up this run, and those given up after `[amendments] wait_days`.
    var waitingTakenUp = 0
    var delivery = DeliveryTally()
    /// Returned mail taken up at the start of the run.
    var bounces = BounceIntake.Tally()
    /// Items the operator summary reported, and why it could not be sent, if it could not.
    var notified = 0
    var notifyFailure: String?
    /// Why the run stopped early (a full disk, a read-only spool, a broken template), if it did.
    var stoppedBy: String?
    var stopIsConfiguration = false
    var warnings: [String] = []

    mutating func add(_ outcome: RecordOutcome) {
        switch outcome {
        case .issued: issued += 1
        case .completed: completed += 1
        case .paper: paper += 1
        case .rejected: rejected += 1
        case .duplicate: duplicates += 1
        case .held: held += 1
        case .amended: amended += 1
        case .cancelled: cancelled += 1
        case .waiting: break  // counted from waiting/ at the end of the run
        case .postponed: postponed += 1
        }
    }

    /// What happened, for the command to say with an exit code (`ErrorExit`): nothing below the
    /// command layer picks one.
    enum Outcome: String, Sendable, Equatable {
        /// Everything handled.
        case handled
        /// Something needs a person: a record rejected or held, a message failed or bounced.
        case attention
        /// The run stopped on a configuration error (a broken template).
        case configuration
        /// Run again later: stopped by the spool, a record waiting for its timestamp, mail deferred, the
        /// server or the summary unreachable.
        case temporary
    }

    var outcome: Outcome {
        if stopIsConfiguration { return .configuration }
        if rejected > 0 || held > 0 || delivery.failed > 0 || delivery.held > 0 || bounces.bounced > 0 { return .attention }
        if stoppedBy != nil || postponed > 0 || delivery.deferred > 0 || delivery.serverUnreachable || notifyFailure != nil { return .temporary }
        return .handled
    }

    var isQuiet: Bool { outcome == .handled && warnings.isEmpty }

    func summary(spool: Spool) -> String {
        func row(_ label: String, _ count: Int, _ place: String) -> String {
            let padded = label.padding(toLength: 22)
            return "  \(padded)\(String(count).leftPadded(to: 5, with: " "))  \(place)\n"
        }
        var text =
            "mailbatch run: \(issued + completed + paper + rejected + duplicates + held + amended + cancelled + waiting + postponed) record(s), \(delivery.sent + delivery.deferred + delivery.failed) delivery attempt(s)\n"
        text += row("issued", issued + completed, spool.contracts + "/")
        if amended > 0 { text += row("changed (変更)", amended, spool.contracts + "/<no>/versions/") }
        if cancelled > 0 { text += row("cancelled (解約)", cancelled, spool.contracts + "/") }
        if waiting > 0 { text += row("waiting", waiting, spool.waiting + "/ (see its .wait.txt)") }
        text += row("paper (not electronic)", paper, spool.paper + "/")
        text += row("rejected", rejected, spool.rejected + "/")
        if held > 0 { text += row("held (not issued)", held, spool.held + "/") }
        if postponed > 0 { text += row("held for timestamp", postponed, spool.processing + "/ (the next run issues them)") }
        text += row("duplicate", duplicates, spool.duplicates + "/")
        text += row("mail sent", delivery.sent, spool.contracts + "/<no>/sent/")
        text += row("mail deferred", delivery.deferred, spool.outbox + "/")
        text += row("mail waiting", delivery.waiting, spool.outbox + "/")
        text += row("mail failed", delivery.failed, spool.failed + "/")
        if delivery.withdrawn > 0 { text += row("mail withdrawn (superseded)", delivery.withdrawn, spool.contracts + "/<no>/sent/withdrawn.*") }
        if delivery.held > 0 { text += row("envelope unreadable", delivery.held, spool.held + "/ (see its .error.txt)") }
        if bounces.taken > 0 {
            text += row("mail bounced", bounces.bounced, spool.failed + "/")
            text += row("returned, tried again", bounces.requeued, spool.outbox + "/")
            text += row("delivery delayed", bounces.delayed, "history.log of the contract")
            text += row("returned mail set aside", bounces.setAside, spool.unmatchedBounces + "/")
        }
        if notified > 0 { text += "operator summary sent (\(notified) item(s))\n" }
        if let failure = notifyFailure { text += "the operator summary could not be sent (\(failure)); the next run tries again\n" }
        if delivery.serverUnreachable { text += "the mail server could not be reached; undelivered mail stays queued for the next run\n" }
        for warning in warnings { text += "warning: \(warning)\n" }
        if let stop = stoppedBy { text += "stopped early: \(stop)\n" }
        return text
    }
}
