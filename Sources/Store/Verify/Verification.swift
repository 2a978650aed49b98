import Foundation
import Glibc
package import Model
package import Support
import Synchronization

/// Checks a contract number and 認証キー as D-Sure does, for `mailbatch verify` and the viewer alike.
/// The key is checked against the stored digest in constant time; a wrong key and an unknown number
/// get the same answer after the same work; failures are counted per contract number and too many in
/// a window lock that number out for a while. Every attempt is logged, never the key.
package struct Verification {
    package let spool: Spool
    package var now: @Sendable () -> Int = { WallClock.epochSeconds() }
    package var maxFailures = 5
    package var windowSeconds = 15 * 60
    package var lockoutSeconds = 15 * 60

    package enum Outcome {
        case valid(Certificate, JSONValue)
        case revoked(Certificate, JSONValue)
        case replacedKey(reissuedAt: String?)
        /// The key of an earlier version: that version as it was, and the current one (never shown as current).
        case superseded(Certificate, JSONValue, current: Certificate)
        case mismatch
        case refused(until: Int)
        /// What was typed is not a contract number; `looksLikeKey` when it has a key's shape (the two
        /// fields swapped). Nothing of it is logged or stored.
        case notANumber(looksLikeKey: Bool)

        /// For the attempt log: what happened, never the key.
        package var logWord: String {
            switch self {
            case .valid: "key matched"
            case .revoked: "key matched (revoked certificate)"
            case .replacedKey: "replaced key"
            case .superseded(let old, _, _): "key matched (superseded version \(old.currentVersion))"
            case .mismatch: "no match"
            case .refused: "refused (locked)"
            case .notANumber(let key): key ? "refused: a key was typed as the contract number" : "refused: not a contract number"
            }
        }
    }

    private struct Attempts: Codable {
        var failures: [Int] = []
        var lockedUntil: Int?
        /// Attempts refused during the current lock: counted here, not logged one by one.
        var refusedWhileLocked: Int?
        enum CodingKeys: String, CodingKey {
            case failures
            case lockedUntil = "locked_until"
            case refusedWhileLocked = "refused_while_locked"
        }
    }

    /// Unknown numbers share one bounded file of this many slots (a slot per hash of the number), so
    /// that guessing numbers cannot fill `verify/`, and guessed numbers still lock out like real ones.
    package static let unknownSlots = 256
    package static let unknownFile = "unknown-numbers.json"
    package static let unknownLog = "unknown-numbers.log"
    /// The unknown numbers' log is kept to this size, with one older generation (`.log.1`).
    package static let unknownLogLimit = 1 << 20
    /// Each issued number's log is kept to this size, with one older generation (`<number>.log.1`).
    package static let numberLogLimit = 256 << 10

    /// What the orderer typed, as the spool spells it: full-width letters, digits and dashes (as a
    /// Japanese input method types them) folded to ASCII, the long vowel mark and other dashes read as
    /// '-', spaces dropped.
    package static func normalizedNumber(_ typed: String) -> String {
        String(
            typed.precomposedStringWithCompatibilityMapping.compactMap { ch -> Character? in
                if ch.isWhitespace { return nil }
                return dashes.contains(ch) ? "-" : ch
            })
    }

    /// ー ｰ − ‐ ‑ ‒ – — ―: what an input method offers for the hyphen of `R07-4621-000123`.
    private static let dashes: Set<Character> = ["\u{30FC}", "\u{FF70}", "\u{2212}", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}"]

    package static func normalizedKey(_ typed: String) -> String {
        String(typed.precomposedStringWithCompatibilityMapping.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }

    /// - Parameter requester: who asked, for the attempt log (the OS user, or the viewer's client address).
    package func verify(number typedNumber: String, key: String, requester: String = ProcessUser.name) throws(FileSystemError) -> Outcome {
        let number = Self.normalizedNumber(typedNumber)
        let digest = AuthenticationKey(symbols: Self.normalizedKey(key)).digest(contractNumber: number)
        try PosixFS.makeDirectory(spool.verify)
        guard ContractValidator.isValidContractNumber(number) else {
            _ = Self.decoyCheck(digest)
            let outcome = Outcome.notANumber(looksLikeKey: KeyShape.isNearKey(number))
            try LockedFile.update("\(spool.verify)/\(Self.unknownFile)") { _ throws(FileSystemError) in
                try logUnknown("\(requester) (not a contract number) \(outcome.logWord)")
                return (nil, ())
            }
            return outcome
        }
        let folder = ContractFolder(path: spool.contractFolder(number))
        var outcome = Outcome.mismatch
        let known = folder.readCertificate()
        if let (certificate, json, bytes) = known {
            Self.decoy.withLock { $0 = bytes }
            if Self.constantTimeEqual(digest, certificate.keyDigest) {
                outcome = certificate.state == .revoked ? .revoked(certificate, json) : .valid(certificate, json)
            } else if (certificate.revokedKeyDigests ?? []).contains(where: { Self.constantTimeEqual(digest, $0) }) {
                outcome = .replacedKey(reissuedAt: certificate.keyReissuedAt)
            } else {
                // An earlier version's key opens that version, marked as changed.
                for version in stride(from: certificate.currentVersion - 1, through: 1, by: -1) {
                    guard let (old, oldJSON, _) = folder.version(version).readCertificate() else { continue }
                    if Self.constantTimeEqual(digest, old.keyDigest) {
                        outcome = .superseded(old, oldJSON, current: certificate)
                        break
                    }
                }
            }
        } else {
            // An unknown number does the same work as a known one, so timing does not tell them apart.
            _ = Self.decoyCheck(digest)
            // Files an earlier mailbatch kept per unknown number.
            try? PosixFS.remove("\(spool.verify)/\(number).json")
            try? PosixFS.remove("\(spool.verify)/\(number).log")
        }
        let path = known != nil ? "\(spool.verify)/\(number).json" : "\(spool.verify)/\(Self.unknownFile)"
        let slot = known != nil ? nil : Self.slot(number)
        let time = now()
        return try LockedFile.update(path) { bytes throws(FileSystemError) in
            var table = Self.decodeTable(bytes, slot: slot)
            var attempts = table[slot ?? ""] ?? Attempts()
            let log = { (what: String) throws(FileSystemError) in
                if known != nil {
                    try Self.appendBounded(
                        "\(JST.iso8601(epochSeconds: time)) \(requester) \(what)", to: "\(spool.verify)/\(number).log", limit: Self.numberLogLimit)
                } else {
                    try logUnknown("\(requester) \(number) \(what)")
                }
            }
            if let until = attempts.lockedUntil, until > time {
                // The first refusal is logged; the rest are counted, and the count is logged with the next attempt after the lock.
                let refused = attempts.refusedWhileLocked ?? 0
                if refused == 0 { try log("refused (locked until \(JST.iso8601(epochSeconds: until))); further refusals are counted, not logged") }
                attempts.refusedWhileLocked = refused + 1
                table[slot ?? ""] = attempts
                return (try Self.encodeTable(table, slot: slot), .refused(until: until))
            }
            let countedRefusals = attempts.refusedWhileLocked ?? 0
            if countedRefusals > 0 {
                try log("\(countedRefusals) attempt(s) in all were refused while locked")
                attempts.refusedWhileLocked = nil
                table[slot ?? ""] = attempts
            }
            switch outcome {
            case .valid, .revoked, .superseded:
                try log(outcome.logWord)
                guard !attempts.failures.isEmpty || attempts.lockedUntil != nil || countedRefusals > 0 else {
                    return (nil, outcome)
                }
                table[slot ?? ""] = Attempts()
            default:
                attempts.failures = attempts.failures.filter { time - $0 < windowSeconds } + [time]
                if attempts.failures.count >= maxFailures { attempts.lockedUntil = time + lockoutSeconds }
                try log("\(outcome.logWord) (\(attempts.failures.count) in \(windowSeconds / 60) min)")
                table[slot ?? ""] = attempts
            }
            return (try Self.encodeTable(table, slot: slot), outcome)
        }
    }

    /// The slot of an unknown number in the shared file.
    private static func slot(_ number: String) -> String {
        String((Int(SHA256Hex.of(Array(number.utf8)).prefix(4), radix: 16) ?? 0) % unknownSlots)
    }

    /// A known number's file holds its attempts; the unknown numbers' file a table of slots.
    private static func decodeTable(_ bytes: [UInt8], slot: String?) -> [String: Attempts] {
        guard !bytes.isEmpty else { return [:] }
        if slot == nil { return (try? JSONDecoder().decode(Attempts.self, from: Data(bytes))).map { ["": $0] } ?? [:] }
        return (try? JSONDecoder().decode([String: Attempts].self, from: Data(bytes))) ?? [:]
    }

    private static func encodeTable(_ table: [String: Attempts], slot: String?) throws(FileSystemError) -> [UInt8] {
        if slot == nil { return Array(try SpoolJSON.encode(table[""] ?? Attempts())) }
        return Array(try SpoolJSON.encode(table.filter { !$0.value.failures.isEmpty || $0.value.lockedUntil != nil }))
    }

    /// A line in the unknown numbers' log (called under its file's lock), which is kept bounded.
    private func logUnknown(_ what: String) throws(FileSystemError) {
        try Self.appendBounded("\(JST.iso8601(epochSeconds: now())) \(what)", to: "\(spool.verify)/\(Self.unknownLog)", limit: Self.unknownLogLimit)
    }

    /// Appends a line to a log kept under `limit` bytes: past it, the log becomes `<log>.1` (replacing
    /// the older generation) and a new one starts. Called under the attempt file's lock.
    private static func appendBounded(_ line: String, to path: String, limit: Int) throws(FileSystemError) {
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) > limit { try PosixFS.move(path, to: path + ".1") }
        try PosixFS.appendLine(line, to: path)
    }

    /// The last certificate read (or a built-in one), parsed and compared when the number is unknown.
    private static let decoy = Mutex<[UInt8]>(Array(DecoyCertificate.json.utf8))

    private static func decoyCheck(_ digest: String) -> Bool {
        let bytes = decoy.withLock { $0 }
        guard (try? StrictJSONParser.parse(bytes)) != nil,
            let certificate = try? JSONDecoder().decode(Certificate.self, from: Data(bytes))
        else { return constantTimeEqual(digest, digest) }
        return constantTimeEqual(digest, certificate.keyDigest)
    }

    /// Compares two digests without stopping at the first difference.
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }

    package init(
        spool: Spool, now: @escaping @Sendable () -> Int = { WallClock.epochSeconds() }, maxFailures: Int = 5, windowSeconds: Int = 15 * 60,
        lockoutSeconds: Int = 15 * 60
    ) {
        self.spool = spool
        self.now = now
        self.maxFailures = maxFailures
        self.windowSeconds = windowSeconds
        self.lockoutSeconds = lockoutSeconds
    }
}
