import Testing

@testable import Commands
@testable import Config
@testable import MIME
@testable import Model
@testable import Store
@testable import Support
@testable import Viewer
@testable import WebSupport

/// The viewer's rules that need no server: who the client is behind a proxy, the client lockout,
/// form tokens, sessions, what a clerk may type, and the listen address.
@Suite("Viewer rules") struct ViewerRulesTests {
    struct ForwardCase: Sendable, CustomTestStringConvertible {
        let peer: String
        let forwarded: [String]
        let trusted: [String]
        let client: String
        var testDescription: String { "\(peer) \(forwarded) trusted \(trusted) → \(client)" }
    }

    @Test(
        "X-Forwarded-For counts only when a trusted proxy sent it",
        arguments: [
            ForwardCase(peer: "203.0.113.9", forwarded: ["198.51.100.1"], trusted: [], client: "203.0.113.9"),
            ForwardCase(peer: "203.0.113.9", forwarded: ["198.51.100.1"], trusted: ["127.0.0.1"], client: "203.0.113.9"),
            ForwardCase(peer: "127.0.0.1", forwarded: ["198.51.100.1"], trusted: ["127.0.0.1"], client: "198.51.100.1"),
            // A client that writes its own header: the proxy appends the real address, which is taken.
            ForwardCase(peer: "127.0.0.1", forwarded: ["6.6.6.6, 198.51.100.1"], trusted: ["127.0.0.1"], client: "198.51.100.1"),
            ForwardCase(peer: "127.0.0.1", forwarded: ["198.51.100.1", "10.0.0.2"], trusted: ["127.0.0.1", "10.0.0.2"], client: "198.51.100.1"),
            ForwardCase(peer: "127.0.0.1", forwarded: ["not-an-address"], trusted: ["127.0.0.1"], client: "127.0.0.1"),
            ForwardCase(peer: "127.0.0.1", forwarded: [], trusted: ["127.0.0.1"], client: "127.0.0.1"),
            ForwardCase(peer: "::1", forwarded: ["2001:db8::5"], trusted: ["::1"], client: "2001:db8::5"),
        ])
    func forwardedFor(_ c: ForwardCase) {
        #expect(ClientAddress.resolve(peer: c.peer, forwardedFor: c.forwarded, trusted: Set(c.trusted)) == c.client)
    }

    @Test("a client failing on many numbers is locked, then released after the lockout")
    func clientLockout() {
        let lockout = ClientLockout()
        for i in 0..<9 { #expect(lockout.recordFailure("198.51.100.1", number: "R07-0000-00000\(i)", now: 1000) == nil) }
        #expect(lockout.lockedUntil("198.51.100.1", now: 1000) == nil)
        #expect(lockout.recordFailure("198.51.100.1", number: "R07-0000-000009", now: 1001) == 1001 + 15 * 60)
        #expect(lockout.lockedUntil("198.51.100.1", now: 1002) == 1001 + 15 * 60)
        #expect(lockout.lockedUntil("198.51.100.2", now: 1002) == nil)
        #expect(lockout.lockedUntil("198.51.100.1", now: 1001 + 15 * 60) == nil)
        // Failures older than the window do not add up.
        for i in 0..<9 { lockout.recordFailure("198.51.100.3", number: "R07-1111-00000\(i)", now: 0) }
        #expect(lockout.recordFailure("198.51.100.3", number: "R07-1111-000009", now: 15 * 60) == nil)
    }

    @Test("form tokens: any token this process signed and that has not expired, in both cookie and field")
    func formTokens() {
        let tokens = FormToken(lifetimeSeconds: 3600)
        let token = tokens.make(now: 1000)
        #expect(tokens.accepts(cookie: token, field: token, now: 1000))
        // A second tab's form (another valid token) is accepted too.
        #expect(tokens.accepts(cookie: token, field: tokens.make(now: 1500), now: 2000))
        #expect(!tokens.accepts(cookie: token, field: nil, now: 1000))
        #expect(!tokens.accepts(cookie: nil, field: token, now: 1000))
        #expect(!tokens.accepts(cookie: token, field: token, now: 4600))
        let parts = token.split(separator: ".")
        let forged = "\(parts[0]).\(parts[1]).\(String(repeating: "0", count: 64))"
        #expect(!tokens.accepts(cookie: forged, field: forged, now: 1000))
        let extended = "\(parts[0]).999999999.\(parts[2])"
        #expect(!tokens.accepts(cookie: token, field: extended, now: 1000))
        #expect(!FormToken().accepts(cookie: token, field: token, now: 1000))
    }

    @Test("sessions end after their lifetime and on close; the store stays bounded")
    func sessions() {
        let store = SessionStore(lifetimeSeconds: 600, capacity: 3)
        let id = store.open(number: "R07-4621-000123", binding: "k1 issued", now: 100)
        #expect(id.count == 32)
        #expect(store.session(for: id, now: 699)?.number == "R07-4621-000123")
        #expect(store.session(for: id, now: 699)?.binding == "k1 issued")
        #expect(store.session(for: id, now: 700) == nil)
        let second = store.open(number: "A", binding: "", now: 100)
        store.close(second)
        #expect(store.session(for: second, now: 101) == nil)
        let ids = (0..<5).map { store.open(number: "N\($0)", binding: "", now: 200 + $0) }
        #expect(store.session(for: ids[4], now: 300)?.number == "N4")
        #expect(store.session(for: ids[0], now: 300) == nil)
    }

    @Test(
        "a key is never a contract number",
        arguments: [
            ("G2KC-4U5G-FWBA-KK6K-RAT3", true), ("g2kc4u5gfwbakk6krat3", true), ("G2KC 4U5G FWBA KK6K RAT3", true),
            ("R07-4621-000123", false), ("G2KC-4U5G-FWBA-KK6K", false), ("G2KC-4U5G-FWBA-KK6K-RAT3X", false), ("0000-1111-2222-3333-4444", false),
        ])
    func keyShape(_ text: String, _ isKey: Bool) {
        #expect(KeyShape.looksLikeKey(text) == isKey)
        if isKey { #expect(!ContractValidator.isValidContractNumber(text)) }
    }

    @Test(
        "what a clerk types is folded to what the spool spells",
        arguments: [
            ("Ｒ０７－４６２１－０００１２３", "R07-4621-000123"), (" R07-4621-000123 ", "R07-4621-000123"), ("R07 4621 000123", "R074621000123"),
            ("R07ー4621−000123", "R07-4621-000123"), ("R07‐4621–000123", "R07-4621-000123"),
        ])
    func typedNumbers(_ typed: String, _ expected: String) {
        #expect(Verification.normalizedNumber(typed) == expected)
    }

    @Test("keys: dashes, spaces, case and full width do not matter")
    func typedKeys() {
        #expect(Verification.normalizedKey("abcd-efgh ｊｋｍｎ－PQRS") == "ABCDEFGHJKMNPQRS")
    }

    @Test(
        "--listen takes HOST:PORT and [v6]:PORT",
        arguments: [("127.0.0.1:8080", "127.0.0.1", 8080), ("[::1]:0", "::1", 0), ("0.0.0.0:443", "0.0.0.0", 443)])
    func listen(_ text: String, _ host: String, _ port: Int) throws {
        let address = try #require(ListenAddress(text))
        #expect(address.host == host && address.port == port)
    }

    @Test("--listen refuses what is not an address", arguments: ["8080", "127.0.0.1", "example.jp:80", "127.0.0.1:99999", ":80"])
    func listenRefused(_ text: String) {
        #expect(ListenAddress(text) == nil)
    }

    @Test("download names are percent-encoded UTF-8 (RFC 8187)")
    func downloadNames() {
        #expect(MIMEEncoder.extendedValue("保証証書_R07-1.pdf") == "%E4%BF%9D%E8%A8%BC%E8%A8%BC%E6%9B%B8_R07-1.pdf")
    }

    @Test("stored timestamps read as 和暦 with the time")
    func timestamps() {
        #expect(JapaneseFormat.warekiTimestamp("2025-10-20T10:05:00+09:00") == "令和7年10月20日 10:05")
        #expect(JapaneseFormat.warekiTimestamp("garbage") == "garbage")
    }
}
