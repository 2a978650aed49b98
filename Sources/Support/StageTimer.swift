import Glibc
import Synchronization

/// Time spent per stage of a run (summed over worker threads), for `run --stats` and the benchmark.
package final class StageTimer: Sendable {
    private let totals = Mutex<[String: UInt64]>([:])

    package func measure<T, E: Error>(_ stage: String, _ body: () throws(E) -> T) throws(E) -> T {
        let start = Self.nanoseconds()
        defer {
            let elapsed = Self.nanoseconds() - start
            totals.withLock { $0[stage, default: 0] += elapsed }
        }
        return try body()
    }

    package func add(_ stage: String, _ nanoseconds: UInt64) {
        totals.withLock { $0[stage, default: 0] += nanoseconds }
    }

    /// Seconds per stage.
    package var seconds: [String: Double] { totals.withLock { $0.mapValues { Double($0) / 1e9 } } }

    package static func nanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }
    package init() {}
}
