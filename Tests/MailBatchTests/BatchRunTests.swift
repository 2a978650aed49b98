import Crypto
import Foundation
import Glibc
import Logging
import Synchronization
import Testing

@testable import Commands
@testable import Config
@testable import Model
@testable import Run
@testable import Store
@testable import Support
@testable import Transport

/// Every message handed to the "server", and the replies it gives, in order; shared by the
/// connections a run opens.
final class RecordingServer: Sendable {
    struct Sent: Sendable {
        let from: String
        let recipients: [String]
        let message: [UInt8]
    }

    private let state = Mutex<(sent: [Sent], replies: [TransportResult])>(([], []))
    /// Looks at each message as it arrives (for example, at the spool the moment it is sent).
    private let inspect: @Sendable ([UInt8]) -> Void

    init(inspect: @escaping @Sendable ([UInt8]) -> Void = { _ in }) { self.inspect = inspect }

    /// Replies to give, one per message, before falling back to 250.
    func reply(_ results: TransportResult...) { state.withLock { $0.replies += results } }

    var sent: [Sent] { state.withLock { $0.sent } }

    func transport() -> any MailTransport { Connection(server: self) }

    fileprivate func take(_ sent: Sent) -> TransportResult {
        inspect(sent.message)
        return state.withLock { s in
            let result = s.replies.isEmpty ? .accepted(reply: "250 2.0.0 queued") : s.replies.removeFirst()
            if case .accepted = result { s.sent.append(sent) }
            return result
        }
    }

    private final class Connection: MailTransport {
        let server: RecordingServer
        init(server: RecordingServer) { self.server = server }
        func send(from: String, recipients: [String], message: [UInt8]) -> TransportResult {
            server.take(Sent(from: from, recipients: recipients, message: message))
        }
    }
}

/// A clock the test sets and moves.
final class FixedClock: Sendable {
    private let seconds = Mutex(0)
    var now: Int { seconds.withLock { $0 } }
    func set(_ value: Int) { seconds.withLock { $0 = value } }
    func advance(_ by: Int) { seconds.withLock { $0 += by } }
    var function: @Sendable () -> Int { { self.now } }
}

/// A spool in a fresh temporary folder, a configuration for it, and a clock the test sets.
final class TestSpool: Sendable {
    let root: String
    let clock = FixedClock()
    let server: RecordingServer
    let configuration: Configuration

    init(
        extraConfiguration: String = "", at day: String = "2025-07-01T10:00:00+09:00", workers: Int = 1,
        server: RecordingServer = RecordingServer()
    ) throws {
        self.server = server
        var template = Array("/tmp/mailbatch-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FileSystemError("make a temporary folder in", "/tmp")
        }
        root = String(cString: made)
        let text = """
            spool = "spool"
            workers = \(workers)
            [smtp]
            url = "smtp://127.0.0.1:2525"
            tls = "none"
            [mail]
            from = "西日本建設業保証 電子保証 <e-hosho@example.jp>"
            [branch]
            name = "鹿児島支店"
            phone = "099-257-2722"
            hours = "平日 9:00〜17:00"
            [delivery]
            connections = 1
            \(extraConfiguration)
            """
        let table = try TOMLReader.parse(text)
        configuration = try ConfigurationLoader.parse(
            TOMLSection(table, name: "", file: "\(root)/mailbatch.toml"), baseDirectory: root, file: "\(root)/mailbatch.toml")
        clock.set(WallClock.parse(day)!)
        try configuration.spool.prepare()
    }

    deinit { try? PosixFS.removeTree(root) }

    var spool: Spool { configuration.spool }

    func advance(seconds: Int) { clock.advance(seconds) }

    func drop(_ name: String, _ bytes: [UInt8]) throws {
        try PosixFS.writeAtomically(bytes, to: "\(spool.incoming)/\(name)", tempFolder: spool.temp)
    }

    func run() throws -> RunReport {
        var batch = BatchRun(
            configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, exitCode: ErrorExit.code(for:))
        let server = self.server
        batch.now = clock.function
        batch.makeTransport = { _ in server.transport() }
        return try batch.run()
    }

    func list(_ folder: String) -> [String] { ((try? PosixFS.list(folder)) ?? []).sorted() }
}

@Suite("One run on a temporary spool, with a recording transport and a fixed clock")
struct BatchRunTests {
    @Test("a valid record is issued once and its mail handed over; the key is only in the key file")
    func issuesAndSends() throws {
        let t = try TestSpool()
        try t.drop("a.json", Array(Fixtures.validRecordText.utf8))
        let report = try t.run()
        #expect(report.issued == 1 && report.delivery.sent == 1 && report.outcome == .handled)
        let sent = try #require(t.server.sent.first)
        #expect(sent.recipients == ["keiri@hioki-kensetsu.example.jp"] && sent.from == "e-hosho@example.jp")
        let folder = ContractFolder(path: t.spool.contractFolder("R07-4621-000123"))
        let key = String(decoding: try PosixFS.read(folder.key), as: UTF8.self).trimmingSuffix { $0 == "\n" }
        #expect(key.count == 24)
        #expect(!String(decoding: sent.message, as: UTF8.self).contains(key))
        #expect(!String(decoding: try PosixFS.read(folder.certificate), as: UTF8.self).contains(key))
        #expect(t.list(t.spool.incoming).isEmpty && t.list(t.spool.outbox).isEmpty)
        // The same file again is a duplicate: nothing issued or sent twice.
        try t.drop("b.json", Array(Fixtures.validRecordText.utf8))
        let again = try t.run()
        #expect(again.duplicates == 1 && again.issued == 0 && t.server.sent.count == 1)
    }

    @Test("a 4xx defers until the retry time, then the message goes; a 5xx goes to failed/")
    func deferThenSend() throws {
        let t = try TestSpool()
        t.server.reply(.temporary(reply: "451 4.7.1 greylisted", connectionFailed: false))
        try t.drop("a.json", Array(Fixtures.validRecordText.utf8))
        let first = try t.run()
        #expect(first.delivery.deferred == 1 && first.outcome == .temporary)
        t.advance(seconds: 299)
        #expect(try t.run().delivery.waiting == 1)
        t.advance(seconds: 2)
        #expect(try t.run().delivery.sent == 1)
        let envelope = try Envelope.decode(
            PosixFS.read("\(t.spool.contractFolder("R07-4621-000123"))/sent/\(t.list("\(t.spool.contractFolder("R07-4621-000123"))/sent")[0])"))
        #expect(envelope.attempts.map(\.outcome) == [.deferred, .sent])

        let u = try TestSpool()
        u.server.reply(.permanent(reply: "550 5.1.1 no such user"))
        try u.drop("a.json", Array(Fixtures.validRecordText.utf8))
        let report = try u.run()
        #expect(report.delivery.failed == 1 && report.outcome == .attention)
        #expect(u.list(u.spool.failed) == ["R07-4621-000123.contractor.json"])
    }

    @Test("mail sent while the others are still issued: each message only after its contract's folder is committed")
    func deliversBesideIssuing() throws {
        // The server looks into the spool as each message arrives: the contract named in its
        // Message-ID must already have its committed certificate.
        let root = Mutex<String?>(nil)
        let uncommitted = Mutex<[String]>([])
        let looked = Mutex(0)
        let server = RecordingServer { message in
            looked.withLock { $0 += 1 }
            let text = String(decoding: message, as: UTF8.self)
            guard let id = text.split(separator: "\r\n").first(where: { $0.hasPrefix("Message-ID: <") }),
                let spool = root.withLock({ $0 })
            else { return uncommitted.withLock { $0.append("no Message-ID") } }
            let number = String(id.dropFirst("Message-ID: <".count).prefix { $0 != "." })
            if access("\(spool)/contracts/\(number)/certificate.json", F_OK) != 0 { uncommitted.withLock { $0.append(number) } }
        }
        let t = try TestSpool(workers: 2, server: server)
        root.withLock { $0 = t.spool.root }
        let numbers = (1...24).map { String(format: "R07-4621-%06d", 200 + $0) }
        for number in numbers {
            try t.drop("\(number).json", Fixtures.replacing("R07-4621-000123", with: number))
        }
        let report = try t.run()
        #expect(report.issued == 24 && report.delivery.sent == 24 && report.outcome == .handled)
        #expect(looked.withLock { $0 } == 24 && uncommitted.withLock { $0 }.isEmpty)
        #expect(Set(t.server.sent.flatMap(\.recipients)) == ["keiri@hioki-kensetsu.example.jp"] && t.server.sent.count == 24)
        #expect(t.list(t.spool.outbox).isEmpty)
        // Each message is sent once and lands in its own contract's sent/.
        for number in numbers { #expect(t.list("\(t.spool.contractFolder(number))/sent").count == 1) }
    }

    @Test("bad and out-of-date records are set aside with their reason; the batch goes on")
    func rejectsAndGoesOn() throws {
        let t = try TestSpool(at: "2026-03-28T09:00:00+09:00")
        try t.drop("ended.json", Array(Fixtures.validRecordText.utf8))
        try t.drop("bad.json", Fixtures.replacing("\"keiri@hioki-kensetsu.example.jp\"", with: "\"経理 <keiri@x>\""))
        let report = try t.run()
        #expect(report.rejected == 2 && report.issued == 0 && report.outcome == .attention)
        #expect(t.list(t.spool.rejected) == ["bad.json", "bad.json.error.txt", "ended.json", "ended.json.error.txt"])
        let why = String(decoding: try PosixFS.read("\(t.spool.rejected)/ended.json.error.txt"), as: UTF8.self)
        #expect(why.contains("$.guarantee.period.to") && why.contains("2026-03-27") && why.contains("2026-03-28"))
    }

    @Test("verify: the right key, a wrong one, and the lockout after five failures")
    func verification() throws {
        let t = try TestSpool()
        try t.drop("a.json", Array(Fixtures.validRecordText.utf8))
        _ = try t.run()
        let folder = ContractFolder(path: t.spool.contractFolder("R07-4621-000123"))
        let key = String(decoding: try PosixFS.read(folder.key), as: UTF8.self).trimmingSuffix { $0 == "\n" }
        let verification = Verification(spool: t.spool, now: t.clock.function)
        guard case .valid(let certificate, _) = try verification.verify(number: "R07-4621-000123", key: String(key)) else {
            Issue.record("the right key did not match")
            return
        }
        #expect(certificate.guarantee.amount == 19_360_000)
        for _ in 0..<5 {
            guard case .mismatch = try verification.verify(number: "R07-4621-000123", key: "2222-2222-2222-2222-2222") else {
                Issue.record("a wrong key matched")
                return
            }
        }
        guard case .refused = try verification.verify(number: "R07-4621-000123", key: String(key)) else {
            Issue.record("no lockout after five failures")
            return
        }
        t.advance(seconds: 15 * 60 + 1)
        guard case .valid = try verification.verify(number: "R07-4621-000123", key: String(key)) else {
            Issue.record("the lockout did not end")
            return
        }
    }

    @Test("a signed certificate names an altered field; the key digests are outside the signature")
    func signature() throws {
        let t = try TestSpool()
        let certificate = Certificate(
            record: try ContractValidator.validate(Array(Fixtures.validRecordText.utf8)), ordererTitle: "日置市長", surety: "西日本建設業保証株式会社",
            issuedAt: "2025-07-01T10:00:00+09:00", keyDigest: "sha256:00")
        let key = Curve25519.Signing.PrivateKey()
        let signed = try CertificateSigner.document(certificate, signedBy: CertificateSigner(key))
        #expect(CertificateSignature.verify(signed, with: key.publicKey) == .valid(keyID: SigningKeyFile.keyID(key.publicKey)))
        #expect(CertificateSignature.verify(signed.withoutCredentials, with: key.publicKey) == .valid(keyID: SigningKeyFile.keyID(key.publicKey)))
        guard case .object(var members) = signed, case .object(var guarantee)? = members["guarantee"] else {
            Issue.record("not an object")
            return
        }
        guarantee["amount"] = .number("19360001")
        members["guarantee"] = .object(guarantee)
        #expect(CertificateSignature.verify(.object(members), with: key.publicKey) == .altered("$.guarantee.amount"))
        #expect(CertificateSignature.verify(signed, with: Curve25519.Signing.PrivateKey().publicKey) != .valid(keyID: SigningKeyFile.keyID(key.publicKey)))
        _ = t
    }

    @Test("configuration errors name the file, the table and the key")
    func configurationErrors() throws {
        let file = "/etc/mailbatch/mailbatch.toml"
        func load(_ text: String) throws(ConfigurationError) -> Configuration {
            let table: TOMLTable
            do { table = try TOMLReader.parse(text) } catch { throw ConfigurationError("\(file): \(error.description)") }
            return try ConfigurationLoader.parse(TOMLSection(table, name: "", file: file), baseDirectory: "/etc/mailbatch", file: file)
        }
        let base = "[smtp]\nurl = \"smtp://127.0.0.1:25\"\ntls = \"none\"\n[mail]\nfrom = \"x <a@example.jp>\"\n"
        let branch = "[branch]\nname = \"鹿児島支店\"\nphone = \"099\"\nhours = \"平日\"\n"
        #expect(throws: ConfigurationError.self) { try load(base) }
        do {
            _ = try load(base + branch + "[delivery]\nconections = 2\n")
            Issue.record("a misspelt key was accepted")
        } catch {
            #expect(error.description.contains("\(file): line 11, column 1: [delivery] key conections is not a known setting"))
        }
        let ok = try load(base + branch + "[branches.\"大分支店\"]\nphone = \"097\"\nhours = \"平日\"\n[viewer]\nurl = \"https://v.example.jp/\"\n")
        #expect(ok.branches.office("大分支店")?.phone == "097" && ok.viewerURL == "https://v.example.jp/")
        #expect(ok.spool.root == "/etc/mailbatch/spool")
    }
}
