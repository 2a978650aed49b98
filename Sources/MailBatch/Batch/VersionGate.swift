import Synchronization

/// One lock for the changes and cancellations of a run (see `RecordProcessor.versionGate`).
final class VersionGate: Sendable {
    private let lock = Mutex(())

    func serially<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock { _ in try body() }
    }
}
