package import Store
import Support
package import Transport

/// The tally of one `mailbatch run`, turned into the summary and what happened (the command makes it the exit code).
package struct RunReport: Sendable {
    package var issued = 0
    package var completed = 0
    package var paper = 0
    package var rejected = 0
    package var duplicates = 0
    /// Records set aside in `held/` because issuing them failed.
    package var held = 0
    package var amended = 0
    package var cancelled = 0
    package var waiting = 0
    /// Records left in `processing/` because the time-stamp authority did not answer.
    package var postponed = 0
    /// Waiting changes taken up this run, and those given up after `[amendments] wait_days`.
    package var waitingTakenUp = 0
    package var delivery = DeliveryTally()
    /// Returned mail taken up at the start of the run.
    package var bounces = BounceIntake.Tally()
    /// Items the operator summary reported, and why it could not be sent, if it could not.
    package var notified = 0
    package var notifyFailure: String?
    /// Why the run stopped early (a full disk, a read-only spool, a broken template), if it did.
    package var stoppedBy: String?
    package var stopIsConfiguration = false
    package var warnings: [String] = []

    package mutating func add(_ outcome: RecordOutcome) {
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
    package enum Outcome: String, Sendable, Equatable {
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

    package var outcome: Outcome {
        if stopIsConfiguration { return .configuration }
        if rejected > 0 || held > 0 || delivery.failed > 0 || delivery.held > 0 || bounces.bounced > 0 { return .attention }
        if stoppedBy != nil || postponed > 0 || delivery.deferred > 0 || delivery.serverUnreachable || notifyFailure != nil { return .temporary }
        return .handled
    }

    package var isQuiet: Bool { outcome == .handled && warnings.isEmpty }

    package func summary(spool: Spool) -> String {
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

    package init(
        issued: Int = 0, completed: Int = 0, paper: Int = 0, rejected: Int = 0, duplicates: Int = 0, held: Int = 0, amended: Int = 0, cancelled: Int = 0,
        waiting: Int = 0, postponed: Int = 0, waitingTakenUp: Int = 0, delivery: DeliveryTally = DeliveryTally(),
        bounces: BounceIntake.Tally = BounceIntake.Tally(), notified: Int = 0, notifyFailure: String? = nil, stoppedBy: String? = nil,
        stopIsConfiguration: Bool = false, warnings: [String] = []
    ) {
        self.issued = issued
        self.completed = completed
        self.paper = paper
        self.rejected = rejected
        self.duplicates = duplicates
        self.held = held
        self.amended = amended
        self.cancelled = cancelled
        self.waiting = waiting
        self.postponed = postponed
        self.waitingTakenUp = waitingTakenUp
        self.delivery = delivery
        self.bounces = bounces
        self.notified = notified
        self.notifyFailure = notifyFailure
        self.stoppedBy = stoppedBy
        self.stopIsConfiguration = stopIsConfiguration
        self.warnings = warnings
    }
}
