import Glibc
import Testing

@testable import Config
@testable import Desk
@testable import Operations
@testable import Store
@testable import Support

/// The desk's rules that need no server: password hashes, accounts and their generations, the
/// sign-in lockout in its file, idle sessions and one-time form tokens, search folding, `[desk]`.
@Suite("Desk rules") struct DeskRulesTests {
    private func folder() throws -> String {
        var template = Array("/tmp/mailbatch-desk-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return String(cString: try #require(made))
    }

    @Test("a password verifies against its scrypt hash and nothing else; the salt differs each time")
    func passwordHash() throws {
        let hash = try PasswordHash.make("correct horse 1")
        #expect((hash.algorithm, hash.n, hash.r, hash.p) == ("scrypt", 16384, 8, 1))
        #expect(hash.verifies("correct horse 1"))
        #expect(!hash.verifies("correct horse 2"))
        #expect(!hash.verifies(""))
        let again = try PasswordHash.make("correct horse 1")
        #expect(again.salt != hash.salt && again.hash != hash.hash)
        // Parameters outside what the desk accepts, or a damaged hash, never verify.
        #expect(!PasswordHash(n: 1000, r: 8, p: 1, salt: hash.salt, hash: hash.hash).verifies("correct horse 1"))
        #expect(!PasswordHash(n: 16384, r: 8, p: 1, salt: hash.salt, hash: "zz").verifies("correct horse 1"))
    }

    @Test("accounts: names without markup, spaces or slashes; ten characters at least; generations end old sessions")
    func accounts() throws {
        let root = try folder()
        defer { try? PosixFS.removeTree(root) }
        let accounts = DeskAccounts(path: "\(root)/desk-users.json")
        for bad in ["<b>", "a/b", "two words", "", ".hidden", "-flag", String(repeating: "x", count: 65)] {
            #expect(!DeskAccounts.isValidName(bad), "\(bad)")
            #expect(throws: DeskAccountError.self) { try accounts.add(bad, role: .reader, password: "long enough 1", now: 0) }
        }
        #expect(DeskAccounts.isValidName("yamada.taro") && DeskAccounts.isValidName("山田"))
        #expect(throws: DeskAccountError.self) { try accounts.add("yamada", role: .operator, password: "short", now: 0) }
        try accounts.add("yamada", role: .operator, password: "long enough 1", now: 0)
        #expect(throws: DeskAccountError.self) { try accounts.add("yamada", role: .reader, password: "long enough 2", now: 0) }
        let first = try #require(accounts.account(named: "yamada"))
        #expect(first.role == .operator && first.password.verifies("long enough 1"))
        var info = stat()
        #expect(stat(accounts.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        try accounts.setPassword("yamada", password: "long enough 2")
        let second = try #require(accounts.account(named: "yamada"))
        #expect(second.generation > first.generation && second.password.verifies("long enough 2"))
        try accounts.remove("yamada")
        #expect(accounts.account(named: "yamada") == nil)
        try accounts.add("yamada", role: .reader, password: "long enough 3", now: 0)
        #expect(try #require(accounts.account(named: "yamada")).generation > second.generation)
        #expect(throws: DeskAccountError.self) { try accounts.remove("nobody") }
    }

    @Test("lockout: N wrong passwords lock the account and the client, in a file a new process reads; a right one clears the count")
    func lockout() throws {
        let root = try folder()
        defer { try? PosixFS.removeTree(root) }
        let path = "\(root)/desk-signin-failures.json"
        let lockout = SignInLockout(path: path, attempts: 3, lockoutSeconds: 900)
        #expect(try lockout.recordFailure(user: "yamada", client: "10.0.0.5", now: 100) == nil)
        #expect(try lockout.recordFailure(user: "yamada", client: "10.0.0.5", now: 101) == nil)
        try lockout.recordSuccess(user: "yamada", client: "10.0.0.5")
        #expect(try lockout.recordFailure(user: "yamada", client: "10.0.0.6", now: 102) == nil)
        #expect(try lockout.recordFailure(user: "yamada", client: "10.0.0.7", now: 103) == nil)
        #expect(try lockout.recordFailure(user: "yamada", client: "10.0.0.8", now: 104) == 1004)
        // Another instance (a restarted desk) sees it; another account from another client does not.
        let restarted = SignInLockout(path: path, attempts: 3, lockoutSeconds: 900)
        #expect(try restarted.lockedUntil(user: "yamada", client: "10.0.0.9", now: 200) == 1004)
        #expect(try restarted.lockedUntil(user: "suzuki", client: "10.0.0.9", now: 200) == nil)
        #expect(try restarted.lockedUntil(user: "yamada", client: "10.0.0.9", now: 1004) == nil)
        // An unknown name counts against the client only.
        for time in 300..<302 { #expect(try lockout.recordFailure(user: nil, client: "2001:db8::1", now: time) == nil) }
        #expect(try lockout.recordFailure(user: nil, client: "2001:db8::2", now: 302) == 1202)
        #expect(try lockout.lockedUntil(user: "suzuki", client: "2001:db8::99", now: 400) == 1202)
    }

    @Test("sessions end after the idle time (each request counts as activity) and at sign-out")
    func sessions() {
        let sessions = DeskSessions(idleSeconds: 1800)
        let id = sessions.open(user: "yamada", generation: 3, now: 1000)
        #expect(id.utf8.count == 64)
        #expect(sessions.session(id, now: 2799)?.user == "yamada")
        #expect(sessions.session(id, now: 4598)?.generation == 3)
        #expect(sessions.session(id, now: 4598 + 1800) == nil)
        #expect(sessions.session(id, now: 4599) == nil)
        let other = sessions.open(user: "suzuki", generation: 1, now: 0)
        sessions.close(other)
        #expect(sessions.session(other, now: 1) == nil)
        #expect(sessions.session("not-a-session", now: 1) == nil && sessions.session(nil, now: 1) == nil)
    }

    @Test("a form token is good once, and only in the session that was given it")
    func formTokens() {
        let sessions = DeskSessions(idleSeconds: 1800)
        let a = sessions.open(user: "yamada", generation: 1, now: 0)
        let b = sessions.open(user: "suzuki", generation: 1, now: 0)
        let token = sessions.issueToken(a, now: 1)
        #expect(!sessions.consumeToken(b, token))
        #expect(sessions.consumeToken(a, token))
        #expect(!sessions.consumeToken(a, token))
        #expect(!sessions.consumeToken(a, nil) && !sessions.consumeToken(a, ""))
        let second = sessions.issueToken(a, now: 2)
        sessions.close(a)
        #expect(!sessions.consumeToken(a, second))
    }

    @Test("search folding: case, full-width letters and digits, the ideographic space")
    func searchFolding() {
        #expect(ContractSearch.fold("ＲＯ７－４６２１") == "ro7-4621")
        #expect(ContractSearch.fold("Ｙａｍａｄａ＠Example.JP") == "yamada@example.jp")
        #expect(ContractSearch.fold("\u{3000}日置市\u{3000}") == "日置市")
        #expect(ContractSearch.fold("   ").isEmpty)
    }

    @Test("[desk]: defaults, the users file beside the spool, a header only with its proxy, unknown keys refused")
    func configuration() throws {
        let file = "/etc/mailbatch/mailbatch.toml"
        func load(_ text: String) throws(ConfigurationError) -> Configuration {
            let table: TOMLTable
            do { table = try TOMLReader.parse(text) } catch { throw ConfigurationError("\(file): \(error.description)") }
            return try ConfigurationLoader.parse(TOMLSection(table, name: "", file: file), baseDirectory: "/etc/mailbatch", file: file)
        }
        let base =
            "[smtp]\nurl = \"smtp://127.0.0.1:25\"\ntls = \"none\"\n[mail]\nfrom = \"x <a@example.jp>\"\n[branch]\nname = \"鹿児島支店\"\nphone = \"099\"\nhours = \"平日\"\n"
        let plain = try load(base)
        #expect(plain.desk.listen == "127.0.0.1:8081" && plain.desk.idleMinutes == 30)
        #expect(plain.desk.usersPath(plain.spool) == "/etc/mailbatch/spool/desk-users.json")
        #expect(plain.desk.failuresPath(plain.spool) == "/etc/mailbatch/spool/desk-signin-failures.json")
        let set = try load(
            base
                + "[desk]\nlisten = \"0.0.0.0:9000\"\nusers_file = \"desk/users.json\"\nidle_minutes = 10\nlockout_attempts = 4\nlockout_minutes = 20\ntrusted_user_header = \"X-Remote-User\"\ntrusted_proxy = \"127.0.0.1\"\n"
        )
        #expect(set.desk.usersFile == "/etc/mailbatch/desk/users.json" && set.desk.lockoutAttempts == 4 && set.desk.trustedProxy == "127.0.0.1")
        #expect(throws: ConfigurationError.self) { try load(base + "[desk]\ntrusted_user_header = \"X-Remote-User\"\n") }
        #expect(throws: ConfigurationError.self) { try load(base + "[desk]\ntrusted_user_header = \"X-User\"\ntrusted_proxy = \"proxy\"\n") }
        #expect(throws: ConfigurationError.self) { try load(base + "[desk]\nidle_minute = 10\n") }
    }

    /// SwiftPM lets a target import any module below it, transitively, so `import Issuance` in the desk
    /// would build (Operations uses Issuance); this keeps the rule that it reads and acts through
    /// Operations only, never issuance, transport or run internals, nor the viewer.
    @Test("the desk imports no layer it must not use")
    func layers() throws {
        let sources = String(#filePath).replacingOccurrences(of: "/Tests/MailBatchTests/DeskRulesTests.swift", with: "/Sources/Desk")
        let files = try PosixFS.list(sources).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 8)
        for file in files {
            let text = String(decoding: try PosixFS.read("\(sources)/\(file)"), as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("package import ") {
                let module = line.split(separator: " ").last.map(String.init) ?? ""
                #expect(
                    !["Issuance", "Transport", "Run", "Documents", "Viewer", "Commands", "CCurl", "CPangoCairo", "CQPDF"].contains(module), "\(file): \(line)")
            }
        }
    }
}
