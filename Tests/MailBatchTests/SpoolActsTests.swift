import Foundation
import Testing

@testable import Issuance
@testable import Model
@testable import Operations
@testable import Run
@testable import Store
@testable import Support
@testable import Viewer

/// The rules behind the operator's commands and the run's sweeps, on a temporary spool: the
/// cancellation rules, waiting records, revoke and reissue, re-send and retry, view notices, the
/// queue entries' names, and the viewer's upload form.
@Suite("Spool acts") struct SpoolActsTests {
    static let number = "R07-4621-000123"

    /// A spool with the fixture record issued; with `deferred`, its mail stays queued (the server said 4xx).
    static func issued(deferred: Bool = false, extra: String = "") throws -> TestSpool {
        let t = try TestSpool(extraConfiguration: extra)
        if deferred { t.server.reply(.temporary(reply: "451 4.3.0 try later", connectionFailed: false)) }
        try t.drop("a.json", Array(Fixtures.validRecordText.utf8))
        _ = try t.run()
        return t
    }

    static let request = OperatorRequest(actor: OperatorActor(name: "tester", channel: .cli, address: "local"), reason: "test")

    static func certificate(_ t: TestSpool) throws -> Certificate {
        try #require(ContractFolder(path: t.spool.contractFolder(number)).readCertificate()).certificate
    }

    @Test("cancellation rules: once, not when revoked, not before the version it cancels, not in the future")
    func cancellationRules() throws {
        let t = try Self.issued()
        var c = try Self.certificate(t)
        let today = try #require(CivilDate(iso: "2025-07-01"))
        let on = { (day: String) in Cancellation(contractNumber: Self.number, concludedOn: CivilDate(iso: day)!, reason: "工事中止") }
        #expect(AmendmentRules.decide(on("2025-06-30"), current: c, today: today) == .issue)
        #expect(AmendmentRules.decide(on("2025-07-01"), current: c, today: today) == .issue)
        guard case .reject(let future) = AmendmentRules.decide(on("2025-07-02"), current: c, today: today) else { throw Failure("the future") }
        #expect(future.description.contains("in the future"))
        guard case .reject(let early) = AmendmentRules.decide(on("2025-06-19"), current: c, today: today) else { throw Failure("before") }
        #expect(early.description.contains("before the day of the version"))
        c.state = .cancelled
        c.cancelledOn = CivilDate(iso: "2025-06-30")
        c.cancellationReason = "工事中止"
        #expect(AmendmentRules.decide(on("2025-06-30"), current: c, today: today) == .duplicate)
        guard case .reject = AmendmentRules.decide(on("2025-06-29"), current: c, today: today) else { throw Failure("twice") }
        c.state = .revoked
        guard case .reject(let revoked) = AmendmentRules.decide(on("2025-06-30"), current: c, today: today) else { throw Failure("revoked") }
        #expect(revoked.description.contains("revoked"))
    }

    @Test("waiting records: one whose contract is issued now is taken up, one that waited too long is rejected")
    func waitingRecords() throws {
        let t = try Self.issued()
        let change = Self.asChange(Fixtures.validRecordText)
        try PosixFS.writeAtomically(change, to: "\(t.spool.waiting)/c.json", tempFolder: t.spool.temp)
        try t.spool.write("reason: waits\nwaiting-since-epoch: \(t.clock.now)\n", to: "\(t.spool.waiting)/c.json.wait.txt")
        let lonely = Self.asChange(String(decoding: Fixtures.replacing(#""R07-4621-000123""#, with: #""R07-4621-000999""#), as: UTF8.self))
        try PosixFS.writeAtomically(lonely, to: "\(t.spool.waiting)/d.json", tempFolder: t.spool.temp)
        try t.spool.write("reason: waits for R07-4621-000999\nwaiting-since-epoch: \(t.clock.now)\n", to: "\(t.spool.waiting)/d.json.wait.txt")
        let waiting = WaitingRecords(spool: t.spool, waitDays: 3, now: t.clock.function)
        let first = try waiting.sweep()
        #expect(first.ready == ["c.json"] && first.expired == 0)
        #expect(t.list(t.spool.processing) == ["c.json"] && waiting.files() == ["d.json"])
        t.advance(seconds: 3 * 86_400)
        #expect(try waiting.sweep().expired == 0)
        t.advance(seconds: 1)
        let late = try waiting.sweep()
        #expect(late.expired == 1 && waiting.files().isEmpty)
        #expect(t.list(t.spool.rejected) == ["d.json", "d.json.error.txt"])
        #expect(String(decoding: try PosixFS.read("\(t.spool.rejected)/d.json.error.txt"), as: UTF8.self).contains("waits for R07-4621-000999"))
    }

    @Test("revoke drops the queued mail and writes the revoked certificate; reissue replaces the key and its mail")
    func revokeAndReissue() throws {
        let t = try Self.issued(deferred: true)
        let queued = "\(Self.number).contractor.json"
        #expect(t.list(t.spool.outbox) == [queued])
        let folder = ContractFolder(path: t.spool.contractFolder(Self.number))
        let oldKey = try PosixFS.read(folder.key)
        let reissue = KeyReissue(configuration: t.configuration, now: t.clock.function)
        let reissued = try reissue.reissue(Self.number, by: Self.request)
        #expect(reissued.contains("dropped outbox/\(queued) (it carried the old key)"))
        #expect(try PosixFS.read(folder.key) != oldKey && t.list(t.spool.outbox) == [queued])
        #expect(try Self.certificate(t).revokedKeyDigests?.count == 1)

        let revoked = try reissue.revoke(Self.number, by: OperatorRequest(actor: Self.request.actor, reason: "誤発行"))
        #expect(revoked == ["dropped outbox/\(queued): a revoked certificate is not announced", "contract \(Self.number) revoked"])
        #expect(try Self.certificate(t).state == .revoked && t.list(t.spool.outbox).isEmpty && t.list(t.spool.journal).isEmpty)
        // A cut commit of the contract finished after the revocation queues nothing.
        try t.spool.write("commit \(Self.number)\n", to: "\(t.spool.journal)/commit-\(Self.number)")
        _ = try ContractStore(spool: t.spool).finishPending(now: t.clock.now)
        #expect(t.list(t.spool.outbox).isEmpty)
        #expect(throws: KeyReissue.Failure.self) { try reissue.reissue(Self.number, by: Self.request) }
    }

    @Test("resend to a new address stores its copy under the message key; retry takes back failed/<entry>.N")
    func requeue() throws {
        let t = try Self.issued()
        let requeue = Requeue(spool: t.spool, now: t.clock.function)
        let done = try requeue.resend(Self.number, to: .contractor, address: "fixed@example.jp", by: Self.request)
        #expect(done == ["contractor: queued to fixed@example.jp"])
        let entry = "\(Self.number).contractor.json"
        let queued = try Envelope.decode(PosixFS.read("\(t.spool.outbox)/\(entry)"))
        let key = MessageKey(contract: Self.number, role: .contractor)
        #expect(queued.messagePath == key.storedPath(key.resendName(epoch: t.clock.now)))
        #expect(PosixFS.exists("\(t.spool.root)/\(queued.messagePath)"))
        // The same message failed twice: the second failure is kept as `.1`.
        try PosixFS.move("\(t.spool.outbox)/\(entry)", to: "\(t.spool.failed)/\(entry).1")
        let retried = try requeue.retry(Self.number, by: Self.request)
        #expect(retried == ["failed/\(entry).1: back in the outbox, due now"])
        #expect(t.list(t.spool.failed).isEmpty && t.list(t.spool.outbox) == [entry])
    }

    @Test("a queue entry is <contract>.<stem>.json or that with .N; nothing else in outbox/ or failed/")
    func queueEntryNames() {
        #expect(MessageKey.isQueueEntry("R07-4621-000123.contractor.json"))
        #expect(MessageKey.isQueueEntry("R07-4621-000123.v2.orderer.json.12", of: "R07-4621-000123"))
        #expect(!MessageKey.isQueueEntry("R07-4621-000123.contractor.json.12", of: "R07-4621-000124"))
        #expect(!MessageKey.isQueueEntry(".tmp-1-2-R07-4621-000123.contractor.json"))
        #expect(!MessageKey.isQueueEntry("R07-4621-000123.contractor.json.x"))
        #expect(!MessageKey.isQueueEntry("R07-4621-000123.contractor.json."))
        #expect(!MessageKey.isQueueEntry("R07-4621-000123.contractor.eml"))
        #expect(!MessageKey.isQueueEntry("R07-4621-000123.contractor.eml.1"))
        #expect(
            MessageKey(contract: "R07-4621-000123", version: 2, role: .viewNotice).noticeName(keyVersion: "0123456789abcdef")
                == "v2.view_notice-0123456789abcdef.eml")
    }

    @Test("a view notice is queued once per viewed key, through the store, with its history line")
    func viewNotices() throws {
        let t = try Self.issued(extra: "")
        let certificate = try Self.certificate(t)
        try t.spool.recordFirstView(number: Self.number, keyDigest: certificate.keyDigest, client: "192.0.2.1", at: t.clock.now)
        let notices = ViewNotices(configuration: t.configuration, templates: try TemplateLibrary(overrides: nil), now: t.clock.function)
        #expect(try notices.queue(t.spool) == 1)
        let key = MessageKey(contract: Self.number, role: .viewNotice)
        let envelope = try Envelope.decode(PosixFS.read(t.spool.outboxFile(key)))
        #expect(envelope.messagePath == key.storedPath(key.noticeName(keyVersion: Spool.viewVersion(certificate.keyDigest))))
        #expect(envelope.recipients == ["keiri@hioki-kensetsu.example.jp"])
        let folder = ContractFolder(path: t.spool.contractFolder(Self.number))
        #expect(String(decoding: try PosixFS.read(folder.history), as: UTF8.self).contains("the contractor is told by mail"))
        #expect(try notices.queue(t.spool) == 0)
        try PosixFS.remove(t.spool.outboxFile(key))
        #expect(try notices.queue(t.spool) == 0, "a view is told once")
    }

    @Test("the viewer's upload: fields and a file by name; anything but multipart/form-data, or a folded type, is empty")
    func multipartForm() {
        let body = Array(
            "--b\r\nContent-Disposition: form-data; name=\"number\"\r\n\r\nR07-4621-000123\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\"\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n--b--\r\n"
                .utf8)
        let form = MultipartForm(contentType: "multipart/form-data; boundary=b", body: body)
        #expect(form.text("number") == "R07-4621-000123")
        #expect(form.file("file") == Array("{\"a\":1}".utf8))
        #expect(form.text("missing") == nil)
        #expect(MultipartForm(contentType: "multipart/mixed; boundary=b", body: body).text("number") == nil)
        #expect(MultipartForm(contentType: "multipart/form-data; boundary=b\r\nX: y", body: body).text("number") == nil)
    }

    /// A record as its first change (変更第1号).
    static func asChange(_ text: String) -> [UInt8] {
        var text = text
        let last = text.lastIndex(of: "}")!
        text.replaceSubrange(last...last, with: ", \"amendment\": { \"number\": 1, \"concluded_on\": \"2025-06-25\", \"premium\": 0 } }")
        return Array(text.utf8)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
