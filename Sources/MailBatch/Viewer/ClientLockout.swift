import Synchronization

/// The second half of the viewer's lockout (the first is `Verification`'s per-number rule): a client
/// address that fails on many contract numbers within the window is refused for a while, whatever
/// number it tries next. IPv6 clients are counted by their /64 (`ClientAddress.lockoutGroup`). Held
/// in memory: a restart of the viewer forgets it.
final class ClientLockout: Sendable {
    struct Rule: Sendable {
        var distinctNumbers = 10
        var failures = 30
        var windowSeconds = 15 * 60
        var lockoutSeconds = 15 * 60
    }

    private struct Entry {
        var failures: [(at: Int, number: String)] = []
        var lockedUntil: Int?
    }

    let rule: Rule
    private let entries = Mutex<[String: Entry]>([:])
    private static let capacity = 50_000

    init(rule: Rule = Rule()) { self.rule = rule }

    /// Until when the client is refused, if it is.
    func lockedUntil(_ client: String, now: Int) -> Int? {
        let client = ClientAddress.lockoutGroup(client)
        return entries.withLock { entries in
            guard let until = entries[client]?.lockedUntil, until > now else { return nil }
            return until
        }
    }

    /// Counts a failure; returns the time the client is locked until when this one locked it.
    @discardableResult
    func recordFailure(_ client: String, number: String, now: Int) -> Int? {
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
