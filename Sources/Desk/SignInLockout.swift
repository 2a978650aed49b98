import Config
import Foundation
package import Support

/// Wrong passwords at the desk's sign-in, counted per account and per client address (IPv6 by its
/// /64): after `attempts` in a row either is refused for `lockoutSeconds`. Kept in a small JSON file
/// read and rewritten under `flock(2)` (`LockedFile`, as the viewer's per-number counts), so a restart
/// of the desk keeps the count and two desk processes share it.
package struct SignInLockout: Sendable {
    package let path: String
    package let attempts: Int
    package let lockoutSeconds: Int

    private struct Entry: Codable {
        var failures: Int
        var lockedUntil: Int?
        var last: Int

        enum CodingKeys: String, CodingKey {
            case failures, last
            case lockedUntil = "locked_until"
        }
    }

    private static let capacity = 10_000

    package init(path: String, attempts: Int, lockoutSeconds: Int) {
        self.path = path
        self.attempts = attempts
        self.lockoutSeconds = lockoutSeconds
    }

    private static func keys(user: String?, client: String) -> [String] {
        ["client:" + ClientAddress.lockoutGroup(client)] + (user.map { ["user:" + $0] } ?? [])
    }

    /// Until when this account or this client is refused, if either is.
    package func lockedUntil(user: String?, client: String, now: Int) throws(FileSystemError) -> Int? {
        let keys = Self.keys(user: user, client: client)
        return try LockedFile.update(path) { bytes in
            let entries = Self.decode(bytes)
            let until = keys.compactMap { entries[$0]?.lockedUntil }.filter { $0 > now }.max()
            return (nil, until)
        }
    }

    /// Counts a wrong password (a known account and its client; an unknown name: the client only);
    /// returns the time they are locked until when this failure locked one of them.
    @discardableResult
    package func recordFailure(user: String?, client: String, now: Int) throws(FileSystemError) -> Int? {
        let keys = Self.keys(user: user, client: client)
        let (attempts, lockoutSeconds) = (attempts, lockoutSeconds)
        return try LockedFile.update(path) { bytes in
            var entries = Self.decode(bytes)
            if entries.count >= Self.capacity {
                entries = entries.filter { ($0.value.lockedUntil ?? 0) > now || now - $0.value.last < lockoutSeconds }
            }
            var locked: Int?
            for key in keys {
                var entry = entries[key] ?? Entry(failures: 0, lockedUntil: nil, last: now)
                if let until = entry.lockedUntil, until <= now { entry = Entry(failures: 0, lockedUntil: nil, last: now) }
                entry.failures += 1
                entry.last = now
                if entry.failures >= attempts, entry.lockedUntil == nil {
                    entry.lockedUntil = now + lockoutSeconds
                    locked = entry.lockedUntil
                }
                entries[key] = entry
            }
            return (Self.encode(entries), locked)
        }
    }

    /// A right password clears the account's count and the client's.
    package func recordSuccess(user: String, client: String) throws(FileSystemError) {
        let keys = Self.keys(user: user, client: client)
        try LockedFile.update(path) { bytes in
            var entries = Self.decode(bytes)
            guard keys.contains(where: { entries[$0] != nil }) else { return (nil, ()) }
            for key in keys { entries[key] = nil }
            return (Self.encode(entries), ())
        }
    }

    private static func decode(_ bytes: [UInt8]) -> [String: Entry] {
        (try? JSONDecoder().decode([String: Entry].self, from: Data(bytes))) ?? [:]
    }

    private static func encode(_ entries: [String: Entry]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(entries)) ?? Data("{}".utf8))
    }
}
