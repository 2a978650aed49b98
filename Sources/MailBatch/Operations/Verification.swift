import Foundation

/// `mailbatch verify <number> <key>`: what D-Sure does for an orderer. The key is checked against
/// the stored digest in constant time; a wrong key and an unknown number get the same answer; failures
/// are counted per contract number and too many in a window lock that number out for a while.
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
    }

    private struct Attempts: Codable {
        var failures: [Int] = []
        var lockedUntil: Int?
        enum CodingKeys: String, CodingKey {
            case failures
            case lockedUntil = "locked_until"
        }
    }

    func verify(number: String, key: String) throws(FileSystemError) -> Outcome {
        guard ContractValidator.isValidContractNumber(number) else { return .mismatch }
        try PosixFS.makeDirectory(spool.verify)
        let attemptsPath = "\(spool.verify)/\(number).json"
        var attempts = (try? PosixFS.read(attemptsPath)).flatMap { try? JSONDecoder().decode(Attempts.self, from: Data($0)) } ?? Attempts()
        let time = now()
        if let until = attempts.lockedUntil, until > time {
            try log(number, "refused (locked until \(JST.iso8601(epochSeconds: until)))")
            return .refused(until: until)
        }
        let symbols = String(key.uppercased().filter { !$0.isWhitespace && $0 != "-" })
        let digest = AuthenticationKey(symbols: symbols).digest(contractNumber: number)
        let folder = ContractFolder(path: spool.contractFolder(number))
        var outcome = Outcome.mismatch
        if let bytes = try? PosixFS.read(folder.certificate), let json = try? StrictJSONParser.parse(bytes),
            let certificate = try? JSONDecoder().decode(Certificate.self, from: Data(bytes))
        {
            if Self.constantTimeEqual(digest, certificate.keyDigest) {
                outcome = certificate.state == .revoked ? .revoked(certificate, json) : .valid(certificate, json)
            } else if (certificate.revokedKeyDigests ?? []).contains(where: { Self.constantTimeEqual(digest, $0) }) {
                outcome = .replacedKey(reissuedAt: certificate.keyReissuedAt)
            }
        } else {
            // Unknown numbers do the same work as known ones, so timing does not tell them apart.
            _ = Self.constantTimeEqual(digest, digest)
        }
        switch outcome {
        case .valid, .revoked:
            attempts = Attempts()
            try log(number, "key matched")
        default:
            attempts.failures = attempts.failures.filter { time - $0 < windowSeconds } + [time]
            if attempts.failures.count >= maxFailures { attempts.lockedUntil = time + lockoutSeconds }
            try log(number, "no match (\(attempts.failures.count) in \(windowSeconds / 60) min)")
        }
        try spool.write(SpoolJSON.encode(attempts), to: attemptsPath)
        return outcome
    }

    private func log(_ number: String, _ what: String) throws(FileSystemError) {
        try PosixFS.appendLine("\(JST.iso8601(epochSeconds: now())) \(ProcessUser.name) \(what)", to: "\(spool.verify)/\(number).log")
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
