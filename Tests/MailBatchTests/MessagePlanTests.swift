import Foundation
import Testing

@testable import MIME
@testable import Model
@testable import Support

/// A stored plan composes to exactly the bytes the whole message has, and refuses what it cannot vouch for.
@Suite("Message plans")
struct MessagePlanTests {
    static func document(_ seed: UInt8, count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed } }

    static func mail(_ documents: [(String, [UInt8])], data: [UInt8]? = nil) -> MailMessage {
        var attachments = documents.enumerated().map { i, d in
            MailMessage.Attachment(
                filename: "電子証書_\(i).pdf", contentType: "application/pdf", bytes: d.1,
                reference: DocumentReference(version: 2, file: d.0, size: d.1.count, sha256: SHA256Hex.of(d.1)))
        }
        if let data { attachments.append(.init(filename: "保証データ.json", contentType: "application/json", bytes: data)) }
        return MailMessage(
            from: Mailbox(displayName: "西日本建設業保証 電子保証", address: "e-hosho@example.jp"),
            to: [Mailbox(displayName: "株式会社日置建設 代表取締役 山田 太郎", address: "keiri@example.jp")],
            subject: "電子証書・認証キー登録のお知らせ（保証契約番号 R07-4621-000123）", epochSeconds: 1_750_000_000,
            messageID: "R07-4621-000123.contractor.0123456789abcdef@example.jp", textBody: "本文\nです。\n", attachments: attachments)
    }

    @Test("a plan composes to rendered() byte for byte, at every length modulo 57 (a full base64 line)", arguments: [0, 1, 2, 56, 57, 58, 114, 1000])
    func composesToTheWholeMessage(_ length: Int) throws {
        let files = [("key-notice.pdf", Self.document(1, count: length)), ("receipt.pdf", Self.document(7, count: length + 3))]
        let mail = Self.mail(files, data: Array("{\"a\": 1}".utf8))
        let plan = mail.plan()
        #expect(length < 200 || plan.count < mail.rendered().count - length)
        let lookup = Dictionary(uniqueKeysWithValues: files)
        let composed = try MessagePlan.compose(plan) { reference throws(MessagePlan.Problem) in lookup[reference.file]! }
        #expect(composed == mail.rendered())
        #expect(try MessagePlan.references(in: plan).map(\.file) == ["key-notice.pdf", "receipt.pdf"])
    }

    @Test("the resolver's refusal stops the composition; a damaged reference line is refused")
    func refusals() throws {
        let plan = Self.mail([("key-notice.pdf", Self.document(1, count: 100))]).plan()
        #expect(throws: MessagePlan.Problem.self) {
            _ = try MessagePlan.compose(plan) { _ throws(MessagePlan.Problem) in throw MessagePlan.Problem("changed") }
        }
        let text = String(decoding: plan, as: UTF8.self)
        for damaged in ["file=key-notice.pdf", "size=100"] {
            let bad = Array(text.replacingOccurrences(of: damaged, with: damaged == "size=100" ? "size=x" : "file=../key").utf8)
            #expect(throws: MessagePlan.Problem.self) { _ = try MessagePlan.compose(bad) { _ throws(MessagePlan.Problem) in [] } }
        }
    }

    @Test("a re-send rewrites the plan's headers and nothing else")
    func headerRewriteOnAPlan() throws {
        let document = Self.document(3, count: 500)
        let mail = Self.mail([("certificate.pdf", document)])
        let field = MIMEEncoder.addressHeader("To", [Mailbox(displayName: nil, address: "fixed@example.jp")])
        let rewritten = HeaderRewrite.replacing("To", with: field, in: mail.plan())
        var fixed = mail
        fixed.to = [Mailbox(displayName: nil, address: "fixed@example.jp")]
        #expect(try MessagePlan.compose(rewritten) { _ throws(MessagePlan.Problem) in document } == fixed.rendered())
    }
}
