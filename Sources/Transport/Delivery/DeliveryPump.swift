import Dispatch
import Glibc
package import Store
package import Support
import Synchronization

/// Delivery while a run is still issuing: one thread, one connection, sending what the workers have
/// committed and queued so far, so that the sending no longer waits for the last contract and both
/// cores stay busy to the end. Only what is in `outbox/` is sent, and a contract's mails reach the
/// outbox only after its folder is committed (`ContractStore`), so nothing is sent before its commit.
/// The pump never looks at an entry twice in a run; what it has not seen when the issuing ends is
/// left to the run's usual delivery pass, with the same connection-failure count.
package final class DeliveryPump: Sendable {
    private struct State {
        var stop = false
        /// Entries not to look at: those queued before the pump started and those it handled.
        var seen: Set<String> = []
        var handled: Set<String> = []
        var tally = DeliveryTally()
        var failure: FileSystemError?
    }

    private let delivery: OutboxDelivery
    package let health: ConnectionHealth
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)
    private let stages: StageTimer?
    /// Held by the worker around each entry's local check and its recording, not while it talks SMTP:
    /// a change or cancellation committed meanwhile would replace the contract folder whose `sent/`
    /// and history the delivery writes to.
    private let gate: VersionGate
    /// How long the pump rests when the outbox holds nothing new.
    private let idleMilliseconds: Int

    /// - Parameter alreadyQueued: the outbox when the issuing starts; those entries (earlier runs'
    ///   mail, due or not) are left to the run's usual pass, which spreads them over its connections.
    package init(
        delivery: OutboxDelivery, gate: VersionGate, stages: StageTimer? = nil, alreadyQueued: [String] = [], idleMilliseconds: Int = 20
    ) {
        self.delivery = delivery
        self.gate = gate
        health = ConnectionHealth(limit: delivery.delivery.maxConnectionFailures)
        self.stages = stages
        self.idleMilliseconds = idleMilliseconds
        state.withLock { $0.seen = Set(alreadyQueued) }
    }

    package func start() {
        DispatchQueue.global().async { [self] in
            pump()
            finished.signal()
        }
    }

    /// Ends the pump after one last look at the outbox; returns what it did and the entries it sent
    /// or tried (not those it found queued at its start).
    package func finish() -> (tally: DeliveryTally, seen: Set<String>, failure: FileSystemError?) {
        state.withLock { $0.stop = true }
        finished.wait()
        return state.withLock { ($0.tally, $0.handled, $0.failure) }
    }

    private func pump() {
        let worker = OutboxWorker(delivery: delivery, health: health, gate: gate)
        while true {
            let stopping = state.withLock { $0.stop }
            let fresh: [String]
            do {
                fresh = try delivery.queuedEntries(skipping: state.withLock { $0.seen })
            } catch {
                state.withLock { $0.failure = error }
                return
            }
            // A server that cannot be reached is left to the run's delivery pass, which says so.
            if health.unreachable { return }
            if fresh.isEmpty {
                if stopping { return }
                usleep(UInt32(idleMilliseconds * 1000))
                continue
            }
            state.withLock {
                $0.seen.formUnion(fresh)
                $0.handled.formUnion(fresh)
            }
            do {
                let start = StageTimer.nanoseconds()
                let tally = try worker.deliver(fresh)
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
