import Foundation
import Testing

@testable import Model
@testable import Support
@testable import Transport

/// The bounce reader against a corpus of real-world formats (`Fixtures/bounces/`): Postfix's own
/// reports (captured from the test relay), Exim, qmail, Exchange/Office 365, Gmail, and the
/// auto-replies and stray mail that must never count as a failure.
@Suite struct ReturnedMailTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bounces/\(name)")
        return Array(try Data(contentsOf: url))
    }

    static let contractorID = "R07-4621-000123.contractor.00112233aabbccdd@example.jp"

    struct Expected: Sendable, CustomTestStringConvertible {
        let file: String
        let standard: Bool
        let action: ReturnedMail.Recipient.Action
        let status: String
        let recipient: String?
        let messageID: String?
        let diagnosticContains: String
        var testDescription: String { file }
    }

    static let reports: [Expected] = [
        .init(
            file: "postfix-failed.eml", standard: true, action: .failed, status: "5.1.1", recipient: "keiri@bounce.test", messageID: contractorID,
            diagnosticContains: "does not exist"),
        .init(
            file: "postfix-delayed.eml", standard: true, action: .delayed, status: "4.4.1", recipient: "keiri@delay.test", messageID: contractorID,
            diagnosticContains: "temporarily unavailable"),
        .init(
            file: "exim-failed.eml", standard: false, action: .failed, status: "5.1.1", recipient: "keiri@hioki-kensetsu.example.jp",
            messageID: contractorID, diagnosticContains: "User unknown"),
        .init(
            file: "qmail-failed.eml", standard: false, action: .failed, status: "5.1.1", recipient: "keiri@hioki-kensetsu.example.jp",
            messageID: contractorID, diagnosticContains: "no mailbox here"),
        .init(
            file: "exchange-failed.eml", standard: true, action: .failed, status: "5.2.2", recipient: "keiri@hioki-kensetsu.example.jp",
            messageID: contractorID, diagnosticContains: "QuotaExceededException"),
        .init(
            file: "gmail-failed.eml", standard: true, action: .failed, status: "5.1.1", recipient: "keiyaku@city.hioki.example.lg.jp",
            messageID: "R07-4621-000123.orderer.99887766aabbccdd@example.jp", diagnosticContains: "User unknown"),
    ]

    @Test(arguments: reports) func readsTheReport(_ e: Expected) throws {
        let mail = ReturnedMail.read(try Self.fixture(e.file))
        #expect(mail.kind == .report(standard: e.standard))
        let first = try #require(mail.recipients.first)
        #expect(first.action == e.action)
        #expect(first.status == e.status)
        #expect(first.address == e.recipient)
        #expect(first.diagnostic.contains(e.diagnosticContains))
        #expect(mail.originalMessageID == e.messageID)
        let token = ReturnPath(template: "bounces+{token}@bounces.mailbatch.test")!
        let tokens = mail.deliveredTo.compactMap { token.token(in: $0) }
        if e.file.hasPrefix("exchange") {
            #expect(tokens == ["R07-4621-000123.contractor.0123456789abcdef"])
        } else {
            #expect(tokens.first?.hasPrefix("R07-4621-000123.") == true)
        }
    }

    @Test(arguments: ["vacation-ja.eml", "outlook-oof.eml"]) func autoRepliesAreNotFailures(_ file: String) throws {
        let mail = ReturnedMail.read(try Self.fixture(file))
        guard case .autoReply = mail.kind else {
            Issue.record("\(file) read as \(mail.kind)")
            return
        }
        #expect(mail.recipients.isEmpty)
    }

    @Test func strayMailIsNotAReport() throws {
        let mail = ReturnedMail.read(try Self.fixture("not-a-report.eml"))
        guard case .notAReport = mail.kind else {
            Issue.record("read as \(mail.kind)")
            return
        }
    }

    @Test func returnPathTokens() {
        let rp = ReturnPath(template: "bounces+{token}@bounces.example.jp")!
        let token = ReturnPath.newToken(contract: "R07-4621-000123")
        #expect(rp.token(in: "<" + rp.address(token: token) + ">") == token)
        #expect(ReturnPath.parse(token: token) == .recipient(contract: "R07-4621-000123"))
        #expect(ReturnPath.parse(token: "R07-4621-000123.orderer.xyz") == nil)
        #expect(ReturnPath.parse(token: "R07-4621-000123.abcdefghijklmnop1") == nil)
        // The longest contract number still fits RFC 5321's 64-octet local part.
        let longest = ReturnPath.newToken(contract: String(repeating: "R", count: 32))
        #expect(rp.address(token: longest).split(separator: "@")[0].utf8.count <= 64)
        #expect(ReturnPath(template: "bounces-of-mailbatch+{token}@example.jp") == nil)
        #expect(rp.token(in: "someone@bounces.example.jp") == nil)
        #expect(ReturnPath(template: "bounces@example.jp") == nil)
        #expect(ReturnPath(template: "b+{token}@x.jp+{token}") == nil)
        #expect(ReturnPath(template: "b+{token}") == nil)
    }

    @Test func statusCodes() {
        #expect(ReturnedMail.statusCode("smtp; 550 5.1.1 <a@b>: unknown") == "5.1.1")
        #expect(ReturnedMail.statusCode("version 15.20.8.4 of the server") == nil)
        #expect(ReturnedMail.statusCode("(#5.1.1)") == "5.1.1")
        #expect(ReturnedMail.statusCode("4.4.1") == "4.4.1")
    }

    @Test func hostileInputIsBounded() {
        // Deep nesting, an endless boundary, binary garbage: read without crashing or looping.
        var deep = ""
        for i in 0..<200 { deep += "Content-Type: multipart/mixed; boundary=\"b\(i)\"\r\n\r\n--b\(i)\r\n" }
        _ = ReturnedMail.read(Array(deep.utf8))
        _ = ReturnedMail.read((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        _ = ReturnedMail.read(Array("Content-Type: multipart/report; boundary=\r\n\r\n--\r\n--\r\n".utf8))
        _ = ReturnedMail.read([])
    }
}
