import Foundation
import Glibc
import Testing

@testable import Model
@testable import Operations
@testable import Store
@testable import Support

/// The operator's actions as the command line and the desk call them, on a temporary spool: the
/// reason's rules, the lock taken without waiting, unknown contracts and addresses refused, the
/// operator named in the history, one audit line per attempt, never a key in it, and release.
@Suite("Operator actions") struct OperatorActionsTests {
    static let number = SpoolActsTests.number
    static let desk = OperatorActor(name: "山田", channel: .desk, address: "10.0.0.5")

    static func actions(_ t: TestSpool) -> OperatorActions {
        OperatorActions(configuration: t.configuration, actor: desk, now: t.clock.function)
    }

    static func audit(_ t: TestSpool) throws -> [AuditEntry] { try AuditLog(spool: t.spool).entries() }

    static func history(_ t: TestSpool) throws -> String {
        String(decoding: try PosixFS.read(ContractFolder(path: t.spool.contractFolder(number)).history), as: UTF8.self)
    }

    @Test(
        "the reason: required, one line, at most 500 characters",
        arguments: [
            ("", false), ("   ", false), ("\t", false), ("宛先訂正", true), ("a\nb", false), ("a\rb", false), ("a\u{2028}b", false),
            ("a\u{202E}b", false), ("a\u{1B}[31m", false), (String(repeating: "あ", count: 500), true), (String(repeating: "x", count: 501), false),
        ])
    func reasonRules(reason: String, accepted: Bool) {
        #expect((OperatorActions.reasonProblem(reason) == nil) == accepted)
    }

    @Test("a refused reason changes nothing and is audited, cut to 500 characters and on one line")
    func refusedReason() throws {
        let t = try SpoolActsTests.issued()
        let before = try Self.history(t)
        let long = String(repeating: "x", count: 600)
        for reason in ["", "宛先\n訂正", long] {
            #expect(throws: OperatorActionError.self) {
                try Self.actions(t).resend(Self.number, to: .contractor, address: "fixed@example.jp", cc: nil, reason: reason)
            }
        }
        #expect(try Self.history(t) == before)
        let entries = try Self.audit(t)
        try #require(entries.count == 3)
        #expect(entries.allSatisfy { $0.outcome.hasPrefix("refused: ") && $0.action == "resend" })
        #expect(entries[2].reason.count < 530 && entries[2].reason.hasSuffix("(600 characters)"))
        let text = String(decoding: try PosixFS.read(t.spool.auditLog), as: UTF8.self)
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test("an unknown contract and an address that is not an address are refused, and audited")
    func unknownContractAndBadAddress() throws {
        let t = try SpoolActsTests.issued()
        do {
            _ = try Self.actions(t).retry("R07-0000-000000", reason: "問い合わせ")
            Issue.record("an unknown contract was accepted")
        } catch {
            guard case .refused(let message) = error else { throw error }
            #expect(message.contains("no contract R07-0000-000000 in the spool") && message.contains("mailbatch status"))
        }
        for address in ["not an address", "a@b.jp, c@d.jp", "山田 <a@b.jp>", "a@b.jp\r\nBcc: x@y.jp"] {
            #expect(throws: OperatorActionError.self) { try Self.actions(t).resend(Self.number, to: .contractor, address: address, cc: nil, reason: "宛先訂正") }
        }
        #expect(!PosixFS.exists("\(t.spool.outbox)/\(Self.number).contractor.json"))
        let entries = try Self.audit(t)
        try #require(entries.count == 5)
        #expect(entries.allSatisfy { $0.outcome.hasPrefix("refused: ") })
        #expect(entries[0].contract == "R07-0000-000000" && entries[0].action == "retry")
    }

    @Test("busy while another process holds the spool lock: nothing changes, the attempt is audited")
    func busy() throws {
        let t = try SpoolActsTests.issued()
        let before = try Self.history(t)
        do {
            let lock = try SpoolLock(path: t.spool.lockFile)
            defer { withExtendedLifetime(lock) {} }
            _ = try Self.actions(t).resend(Self.number, to: .contractor, address: "fixed@example.jp", cc: nil, reason: "宛先訂正")
            Issue.record("the action did not wait for the lock's holder")
        } catch {
            guard case .busy? = error as? OperatorActionError else { throw error }
        }
        let after = try Self.history(t)
        #expect(t.list(t.spool.outbox).isEmpty && after == before)
        let entry = try #require(try Self.audit(t).last)
        #expect(entry.outcome.hasPrefix("refused: ") && entry.outcome.contains("spool lock"))
        // The attempt's `started` line was written before the lock was tried; its outcome under the same id.
        let lines = try String(decoding: try PosixFS.read(t.spool.auditLog), as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8))
        }
        #expect(lines.map(\.outcome.first) == ["s", "r"] && lines[0].outcome == AuditEntry.started && lines[0].id == lines[1].id && lines[0].id != nil)
        // Once the lock is free the same action is done.
        let done = try Self.actions(t).resend(Self.number, to: .contractor, address: "fixed@example.jp", cc: nil, reason: "宛先訂正")
        #expect(done == ["contractor: queued to fixed@example.jp"])
    }

    @Test("a done action names the operator and the reason in the history and writes one audit line")
    func doneIsRecorded() throws {
        let t = try SpoolActsTests.issued()
        _ = try Self.actions(t).resend(Self.number, to: .contractor, address: "fixed@example.jp", cc: nil, reason: "宛先訂正")
        #expect(
            try Self.history(t).contains(
                "resend of the contractor mail to fixed@example.jp requested by 山田 via desk from 10.0.0.5, reason: 宛先訂正"))
        let entry = try #require(try Self.audit(t).last)
        #expect(
            entry
                == AuditEntry(
                    at: JST.iso8601(epochSeconds: t.clock.now), actor: "山田", channel: "desk", address: "10.0.0.5", action: "resend",
                    contract: Self.number, target: "contractor to fixed@example.jp", reason: "宛先訂正", outcome: "done", id: entry.id))
        #expect(entry.id?.count == 16)
        #expect(try AuditLog(spool: t.spool).entries(contract: "R07-4621-000999").isEmpty)
        // A retry of the queued mail is in the history too.
        #expect(try Self.actions(t).retry(Self.number, reason: "先方サーバー復旧") == ["outbox/\(Self.number).contractor.json: due now"])
        #expect(
            try Self.history(t).contains("retry of the queued contractor mail (due now) requested by 山田 via desk from 10.0.0.5, reason: 先方サーバー復旧"))
        var info = stat()
        #expect(stat(t.spool.auditLog, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test("a reissue writes no key to the audit log; a reason that holds the key is refused and not kept")
    func neverAKey() throws {
        let t = try SpoolActsTests.issued()
        let folder = ContractFolder(path: t.spool.contractFolder(Self.number))
        let old = String(decoding: try PosixFS.read(folder.key), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(throws: OperatorActionError.self) { try Self.actions(t).reissueKey(Self.number, reason: "キー \(old) を紛失") }
        _ = try Self.actions(t).reissueKey(Self.number, reason: "紛失")
        let new = String(decoding: try PosixFS.read(folder.key), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(new != old)
        let log = String(decoding: try PosixFS.read(t.spool.auditLog), as: UTF8.self)
        for key in [old, new] {
            #expect(!log.contains(key) && !log.contains(key.replacingOccurrences(of: "-", with: "")))
        }
        #expect(try Self.audit(t).map(\.outcome).map { $0.prefix(8) } == ["refused:", "done"])
        // The old key, now revoked, and any other key-shaped text are refused alike: the refusal does not
        // say whether a guess was this contract's key.
        let other = AuthenticationKey.generate().grouped
        var messages: [String] = []
        for reason in ["旧キー \(old) の問い合わせ", "キー \(other) の問い合わせ"] {
            do {
                _ = try Self.actions(t).retry(Self.number, reason: reason)
                Issue.record("a key-shaped reason was accepted")
            } catch {
                guard case .refused(let message) = error else { throw error }
                messages.append(message)
            }
        }
        #expect(messages.count == 2 && messages[0] == messages[1])
        let after = String(decoding: try PosixFS.read(t.spool.auditLog), as: UTF8.self) + (try Self.history(t))
        #expect(!after.contains(old) && !after.contains(other))
        #expect(try Self.history(t).contains("key reissued by 山田 via desk from 10.0.0.5, reason: 紛失"))
    }

    @Test("a started action without its outcome line (a kill between them) is one entry that says so; each id is one entry")
    func startWithoutOutcome() throws {
        func line(_ outcome: String, id: String?, at: String = "2025-07-01T10:00:00+09:00") -> AuditEntry {
            AuditEntry(
                at: at, actor: "山田", channel: "cli", address: "local", action: "revoke", contract: "R07-4621-000001", reason: "誤発行", outcome: outcome, id: id)
        }
        let merged = AuditLog.merged([
            line(AuditEntry.started, id: "a"), line("refused: wrong password", id: nil), line(AuditEntry.started, id: "b"),
            line("done", id: "a", at: "2025-07-01T10:00:05+09:00"),
        ])
        #expect(merged.map(\.outcome) == ["done", "refused: wrong password", AuditEntry.noOutcome])
        #expect(merged[0].at == "2025-07-01T10:00:00+09:00")
        #expect(AuditEntry.noOutcome.contains("history"))
    }

    @Test("an audit line is one line of JSON whatever the fields hold (U+2028 and U+2029 escaped)")
    func auditLine() throws {
        let entry = AuditEntry(
            at: "2025-07-01T10:00:00+09:00", actor: "a\u{2028}b", channel: "desk", address: "::1", action: "sign-in", reason: "x\ny\u{2029}",
            outcome: "refused: wrong password")
        let line = try AuditLog.line(entry)
        #expect(!line.contains("\n") && !line.contains("\u{2028}") && !line.contains("\u{2029}") && line.contains("\\u2028"))
        let data = Data(line.utf8)
        #expect(try JSONDecoder().decode(AuditEntry.self, from: data) == entry)
    }

    @Test("release: a held record goes back to incoming/, its note to released/; names outside held/ are refused")
    func release() throws {
        let t = try TestSpool()
        try t.spool.write(Fixtures.validRecordText, to: "\(t.spool.held)/b.json")
        try t.spool.write("2025-07-01T10:00:00+09:00 b.json could not be issued: a template\n", to: "\(t.spool.held)/b.json.error.txt")
        try t.spool.write("{}", to: "\(t.spool.held)/R07-4621-000123.contractor.json")
        try t.spool.write(
            "2025-07-01T10:00:00+09:00 outbox/R07-4621-000123.contractor.json could not be read: damaged\n",
            to: "\(t.spool.held)/R07-4621-000123.contractor.json.error.txt")
        let actions = Self.actions(t)
        for name in ["../held/b.json", "b.json.error.txt", "..", "nothing.json", "R07-4621-000123.contractor.json", ""] {
            #expect(throws: OperatorActionError.self) { try actions.releaseHeld(name, reason: "テンプレート修正") }
        }
        let done = try actions.releaseHeld("b.json", reason: "テンプレート修正")
        #expect(
            done == ["held/b.json is back in incoming/b.json; the next run reads it again", "its note is kept as released/b.json.\(t.clock.now).error.txt"])
        #expect(t.list(t.spool.held) == ["R07-4621-000123.contractor.json", "R07-4621-000123.contractor.json.error.txt"])
        #expect(t.list(t.spool.incoming) == ["b.json"] && t.list(t.spool.released) == ["b.json.\(t.clock.now).error.txt"])
        #expect(t.list(t.spool.journal).isEmpty)
        #expect(try Self.audit(t).map(\.outcome).filter { $0 == "done" }.count == 1)
        #expect(try t.run().issued == 1)
    }

    @Test("a release cut after its journal entry, or after moving the note, is finished by the next run")
    func releaseCut() throws {
        let t = try TestSpool()
        try t.spool.write(Fixtures.validRecordText, to: "\(t.spool.held)/b.json")
        try t.spool.write("b.json could not be issued\n", to: "\(t.spool.held)/b.json.error.txt")
        _ = try Self.actions(t).releaseHeld("b.json", reason: "修正済み")
        let entryName = "release-" + SHA256Hex.of(Array("b.json".utf8)).prefix(24)
        let entry = "release\nb.json\nb.json.\(t.clock.now).error.txt\nb.json\n"
        // The state a kill after the entry (and after the note's move) leaves.
        try PosixFS.move("\(t.spool.incoming)/b.json", to: "\(t.spool.held)/b.json")
        try t.spool.write(entry, to: "\(t.spool.journal)/\(entryName)")
        #expect(t.list(t.spool.held) == ["b.json"])
        let report = try t.run()
        #expect(report.issued == 1 && t.list(t.spool.held).isEmpty && t.list(t.spool.journal).isEmpty)
        #expect(t.list(t.spool.released) == ["b.json.\(t.clock.now).error.txt"])
    }
}
