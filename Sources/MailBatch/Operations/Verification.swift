import Foundation
import Synchronization

/// Checks a contract number and 認証キー as D-Sure does, for `mailbatch verify` and the viewer alike.
/// The key is checked against the stored digest in constant time; a wrong key and an unknown number
/// get the same answer after the same work; failures are counted per contract number and too many in
/// a window lock that number out for a while. Every attempt is logged, never the key.
struct Verification {
    let spool: Spool
    var now: @Sendable () -> Int = { WallClock.epochSeconds() }
    var maxFailures = 5
    var windowSeconds = 15 * 60
    var lockoutSeconds = 15 * 60

    enum Outcome {
        case valid(Certificate, JSONValue)
        case revoked(Certificate, JSONValue)
        case replacedKey(reissuedAt: String?)
        case mismatch
        case refused(until: Int)

        /// For the attempt log: what happened, never the key.
        var logWord: String {
            switch self {
            case .valid: "key matched"
            case .revoked: "key matched (revoked certificate)"
            case .replacedKey: "replaced key"
            case .mismatch: "no match"
            case .refused: "refused (locked)"
            }
        }
    }

    private struct Attempts: Codable {
        var failures: [Int] = []
        var lockedUntil: Int?
        enum CodingKeys: String, CodingKey {
            case failures
            case lockedUntil = "locked_until"
        }
    }

    /// What the orderer typed, as the spool spells it: full-width letters, digits and dashes (as a
    /// Japanese input method types them) folded to ASCII, spaces dropped.
    static func normalizedNumber(_ typed: String) -> String {
        String(typed.precomposedStringWithCompatibilityMapping.filter { !$0.isWhitespace })
    }

    static func normalizedKey(_ typed: String) -> String {
        String(typed.precomposedStringWithCompatibilityMapping.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }

    /// - Parameter requester: who asked, for the attempt log (the OS user, or the viewer's client address).
    func verify(number typedNumber: String, key: String, requester: String = ProcessUser.name) throws(FileSystemError) -> Outcome {
        let number = Self.normalizedNumber(typedNumber)
        let digest = AuthenticationKey(symbols: Self.normalizedKey(key)).digest(contractNumber: number)
        guard ContractValidator.isValidContractNumber(number) else {
            _ = Self.decoyCheck(digest)
            return .mismatch
        }
        try PosixFS.makeDirectory(spool.verify)
        let attemptsPath = "\(spool.verify)/\(number).json"
        let stored = (try? PosixFS.read(attemptsPath)).flatMap { try? JSONDecoder().decode(Attempts.self, from: Data($0)) }
        var attempts = stored ?? Attempts()
        let time = now()
        if let until = attempts.lockedUntil, until > time {
            try log(number, requester, "refused (locked until \(JST.iso8601(epochSeconds: until)))", sync: true)
            return .refused(until: until)
        }
        let folder = ContractFolder(path: spool.contractFolder(number))
        var outcome = Outcome.mismatch
        if let (certificate, json, bytes) = folder.readCertificate() {
            Self.decoy.withLock { $0 = bytes }
            if Self.constantTimeEqual(digest, certificate.keyDigest) {
                outcome = certificate.state == .revoked ? .revoked(certificate, json) : .valid(certificate, json)
            } else if (certificate.revokedKeyDigests ?? []).contains(where: { Self.constantTimeEqual(digest, $0) }) {
                outcome = .replacedKey(reissuedAt: certificate.keyReissuedAt)
            }
        } else {
            // An unknown number does the same work as a known one, so timing does not tell them apart.
            _ = Self.decoyCheck(digest)
        }
        switch outcome {
        case .valid, .revoked:
            try log(number, requester, outcome.logWord, sync: false)
            if stored != nil { try spool.write(SpoolJSON.encode(Attempts()), to: attemptsPath) }
        default:
            attempts.failures = attempts.failures.filter { time - $0 < windowSeconds } + [time]
            if attempts.failures.count >= maxFailures { attempts.lockedUntil = time + lockoutSeconds }
            try log(number, requester, "\(outcome.logWord) (\(attempts.failures.count) in \(windowSeconds / 60) min)", sync: true)
            try spool.write(SpoolJSON.encode(attempts), to: attemptsPath)
        }
        return outcome
    }

    /// A line per attempt in `verify/<番号>.log`. Failures are flushed to disk (they drive the lockout).
    private func log(_ number: String, _ requester: String, _ what: String, sync: Bool) throws(FileSystemError) {
        try PosixFS.appendLine("\(JST.iso8601(epochSeconds: now())) \(requester) \(what)", to: "\(spool.verify)/\(number).log", sync: sync)
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
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
