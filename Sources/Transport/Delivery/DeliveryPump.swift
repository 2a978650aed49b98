import Dispatch
package import Store
package import Support
import Synchronization

/// Delivery while a run is still issuing: one thread, one connection, sending what the workers have
/// committed and queued so far, so that the sending no longer waits for the last contract and both
/// cores stay busy to the end. The run offers it each contract as its commit is done (`offer`), and
/// the pump finds that contract's queued mail from the contract's own folder
/// (`Spool.queuedEntries(of:)`); a contract's mails reach the outbox only after its folder is
/// committed (`ContractStore`), so nothing is sent before its commit. It never lists the outbox: its
/// cost per contract does not grow with the spool or with the mail of earlier runs waiting there,
/// which is left to the run's usual delivery pass, as is whatever it had not handled when the
/// issuing ended, with the same connection-failure count.
package final class DeliveryPump: Sendable {
    private struct State {
        var stop = false
        /// Contracts offered and not yet looked at, in the order they were committed.
        var offered: [String] = []
        /// Outbox entries the pump sent or tried; never tried again in this run.
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

    /// A contract whose commit (and queueing) is done: its queued mail is sent next.
    package func offer(contract number: String) {
        state.withLock { $0.offered.append(number) }
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
        let spool = delivery.spool
        while true {
            // A server that cannot be reached is left to the run's delivery pass, which says so.
            if health.unreachable { return }
            let (contracts, stopping) = state.withLock { s in
                defer { s.offered = [] }
                return (s.offered, s.stop)
            }
            if contracts.isEmpty {
                if stopping { return }
                wake.wait()
                continue
            }
            let queued = contracts.flatMap { spool.queuedEntries(of: ContractFolder(path: spool.contractFolder($0))) }
            let batch = state.withLock { s in queued.filter { s.handled.insert($0).inserted } }
            if batch.isEmpty { continue }
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
