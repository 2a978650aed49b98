import Dispatch
package import Store
package import Support
import Synchronization

/// Delivery while a run is still issuing: one thread, one connection, sending what the workers have
/// committed and queued so far, so that the sending no longer waits for the last contract and both
/// cores stay busy to the end. The pump is offered the outbox entries each commit queues (`offer`,
/// which the run hands the spool as `Spool.onQueued`), and a contract's mails reach the outbox only
/// after its folder is committed (`ContractStore`), so nothing is sent before its commit. It never
/// lists the outbox: its cost per contract does not grow with the spool or with the mail of earlier
/// runs waiting there, which is left to the run's usual delivery pass, as is whatever it was offered
/// and had not handled when the issuing ended, with the same connection-failure count.
package final class DeliveryPump: Sendable {
    private struct State {
        var stop = false
        /// Entries offered and not yet taken, in the order they were queued.
        var offered: [String] = []
        /// Entries the pump sent or tried; never offered again in this run.
        var handled: Set<String> = []
        var tally = DeliveryTally()
        var failure: FileSystemError?
    }

    private let delivery: OutboxDelivery
    package let health: ConnectionHealth
    private let state = Mutex(State())
    /// Signalled by each offer and by `finish`.
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stages: StageTimer?
    /// Held by the worker around each entry's local check and its recording, not while it talks SMTP:
    /// a change or cancellation committed meanwhile would replace the contract folder whose `sent/`
    /// and history the delivery writes to.
    private let gate: VersionGate

    package init(delivery: OutboxDelivery, gate: VersionGate, stages: StageTimer? = nil) {
        self.delivery = delivery
        self.gate = gate
        health = ConnectionHealth(limit: delivery.delivery.maxConnectionFailures)
        self.stages = stages
    }

    package func start() {
        DispatchQueue.global().async { [self] in
            pump()
            finished.signal()
        }
    }

    /// Outbox entries just queued (names in `outbox/`), after their contract's commit.
    package func offer(_ entries: [String]) {
        guard !entries.isEmpty else { return }
        state.withLock { s in
            for entry in entries where !s.handled.contains(entry) && !s.offered.contains(entry) { s.offered.append(entry) }
        }
        wake.signal()
    }

    /// Ends the pump once it has handled what it was offered; returns what it did and the entries it
    /// sent or tried.
    package func finish() -> (tally: DeliveryTally, seen: Set<String>, failure: FileSystemError?) {
        state.withLock { $0.stop = true }
        wake.signal()
        finished.wait()
        return state.withLock { ($0.tally, $0.handled, $0.failure) }
    }

    private func pump() {
        let worker = OutboxWorker(delivery: delivery, health: health, gate: gate)
        while true {
            // A server that cannot be reached is left to the run's delivery pass, which says so.
            if health.unreachable { return }
            let (batch, stopping) = state.withLock { s in
                let batch = s.offered
                s.offered = []
                s.handled.formUnion(batch)
                return (batch, s.stop)
            }
            if batch.isEmpty {
                if stopping { return }
                wake.wait()
                continue
            }
            do {
                let start = StageTimer.nanoseconds()
                let tally = try worker.deliver(batch)
                stages?.add("send", StageTimer.nanoseconds() - start)
                state.withLock { $0.tally.add(tally) }
            } catch {
                state.withLock { $0.failure = error }
                return
            }
        }
    }
}

extension DeliveryTally {
    package mutating func add(_ other: DeliveryTally) {
        sent += other.sent
        deferred += other.deferred
        failed += other.failed
        waiting += other.waiting
        held += other.held
        withdrawn += other.withdrawn
        serverUnreachable = serverUnreachable || other.serverUnreachable
    }
}
