import Config
import Synchronization

/// The second half of the viewer's lockout (the first is `Verification`'s per-number rule): a client
/// address that fails on many contract numbers within the window is refused for a while, whatever
/// number it tries next. IPv6 clients are counted by their /64 (`ClientAddress.lockoutGroup`). Held
/// in memory: a restart of the viewer forgets it.
package final class ClientLockout: Sendable {
    package struct Rule: Sendable {
        package var distinctNumbers = 10
        package var failures = 30
        package var windowSeconds = 15 * 60
        package var lockoutSeconds = 15 * 60

        package init(distinctNumbers: Int = 10, failures: Int = 30, windowSeconds: Int = 15 * 60, lockoutSeconds: Int = 15 * 60) {
            self.distinctNumbers = distinctNumbers
            self.failures = failures
            self.windowSeconds = windowSeconds
            self.lockoutSeconds = lockoutSeconds
        }
    }

    private struct Entry {
        var failures: [(at: Int, number: String)] = []
        var lockedUntil: Int?
    }

    package let rule: Rule
    private let entries = Mutex<[String: Entry]>([:])
    private static let capacity = 50_000

    package init(rule: Rule = Rule()) { self.rule = rule }

    /// Until when the client is refused, if it is.
    package func lockedUntil(_ client: String, now: Int) -> Int? {
        let client = ClientAddress.lockoutGroup(client)
        return entries.withLock { entries in
            guard let until = entries[client]?.lockedUntil, until > now else { return nil }
            return until
        }
    }

    /// Counts a failure; returns the time the client is locked until when this one locked it.
    @discardableResult
    package func recordFailure(_ client: String, number: String, now: Int) -> Int? {
        let rule = rule
        let client = ClientAddress.lockoutGroup(client)
        return entries.withLock { entries in
            if entries.count >= Self.capacity { Self.prune(&entries, now: now, window: rule.windowSeconds) }
            var entry = entries[client] ?? Entry()
            entry.failures = entry.failures.filter { now - $0.at < rule.windowSeconds } + [(now, number)]
            let distinct = Set(entry.failures.map(\.number)).count
            var locked: Int?
            if distinct >= rule.distinctNumbers || entry.failures.count >= rule.failures {
                entry.lockedUntil = now + rule.lockoutSeconds
                entry.failures = []
                locked = entry.lockedUntil
            }
            entries[client] = entry
            return locked
        }
    }

    private static func prune(_ entries: inout [String: Entry], now: Int, window: Int) {
        entries = entries.filter { _, entry in
            (entry.lockedUntil ?? 0) > now || entry.failures.contains { now - $0.at < window }
        }
    }
}
