import Synchronization

/// One lock for what replaces or writes into an issued contract's folder during a run: changes and
/// cancellations (`RecordProcessor.versionGate`), and the delivery that runs beside the issuing
/// (`DeliveryPump`), which moves sent mail into the folder a change would swap out.
package final class VersionGate: Sendable {
    private let lock = Mutex(())

    package func serially<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try lock.withLock { _ throws(E) in try body() }
    }
    package init() {}
}
