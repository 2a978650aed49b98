import Foundation
import Testing

@testable import MIME
@testable import Support

@Suite("MIME encoding for Japanese mail")
struct MIMEEncoderTests {
    /// Decodes a header's encoded-words the way RFC 2047 says (white space between words dropped).
    static func decodeWords(_ header: String) -> String? {
        var bytes: [UInt8] = []
        for token in header.split(whereSeparator: \.isWhitespace) {
            guard token.hasPrefix("=?UTF-8?B?"), token.hasSuffix("?=") else { continue }
            guard let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2))) else { return nil }
            // Every word must hold whole characters on its own.
            guard String(data: data, encoding: .utf8) != nil else { return nil }
            bytes += data
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func lines(_ text: String) -> [Substring] {
        text.components(separatedBy: "\r\n").dropLast().map { Substring($0) }
    }

    static let samples: [String] = {
        var out = [
            "電子証書・認証キー登録のお知らせ（保証契約番号 R07-4621-000123）",
            "【電子保証】認証キー等のお知らせ（保証契約番号 R07-4621-000123）株式会社日置建設 代表取締役 山田 太郎",
            "𠮷野家と髙﨑の①㈱ 👨‍👩‍👧‍👦 family",
            "ASCII subject with a question mark ? and equals = and underscore _",
            String(repeating: "あ", count: 200),
        ]
        // A wide character at every possible fold point.
        for k in 0..<70 { out.append(String(repeating: "a", count: k) + "漢字𠮷テスト" + String(repeating: "b", count: 70 - k)) }
        return out
    }()

    @Test("subjects fold into B-words of at most 75 characters on lines of at most 76, at character boundaries", arguments: samples)
    func subjectFolding(_ text: String) throws {
        let header = MIMEEncoder.unstructuredHeader("Subject", text)
        #expect(header.hasSuffix("\r\n"))
        for line in Self.lines(header) {
            #expect(line.utf8.count <= 76, "line too long: \(line)")
            #expect(!line.contains("\r") && !line.contains("\n"))
        }
        for word in header.split(whereSeparator: { $0 == " " || $0 == "\r\n" }) where word.hasPrefix("=?") {
            #expect(word.count <= 75)
        }
        if MIMEEncoder.isPlainASCII(text), text.utf8.count + 9 <= 78 {
            #expect(header == "Subject: \(text)\r\n")
        } else {
            #expect(Self.decodeWords(String(header.dropFirst(9))) == text)
        }
    }

    @Test("ASCII that looks like an encoded-word is encoded, so no reader decodes it (found by the property test)")
    func lookalikeEncodedWord() {
        let text = "=?UTF-8?B?AAAA?= and more"
        let header = MIMEEncoder.unstructuredHeader("Subject", text)
        #expect(header.hasPrefix("Subject: =?UTF-8?B?") && !header.contains("=?UTF-8?B?AAAA?="))
        #expect(Self.decodeWords(String(header.dropFirst(9))) == text)
    }

    @Test("a CR or LF in a value never reaches the header as a line break")
    func injection() {
        let header = MIMEEncoder.unstructuredHeader("Subject", "株式会社A\r\nBcc: someone@example.com")
        #expect(!header.contains("Bcc:"))
        #expect(Self.lines(header).count == header.components(separatedBy: "\r\n").count - 1)
        #expect(header.components(separatedBy: "\r\n").dropFirst().dropLast().allSatisfy { $0.hasPrefix(" ") })
        // In a display name a line break becomes a space, inside the quoted phrase: one line, no new header.
        let to = MIMEEncoder.addressHeader("To", [Mailbox(displayName: "A\r\nBcc: x@y.jp", address: "a@b.jp")])
        #expect(to == "To: \"A  Bcc: x@y.jp\" <a@b.jp>\r\n")
    }

    @Test(
        "ASCII display names are quoted with \" and \\ escaped",
        arguments: [
            ("Hioki Kensetsu", "Hioki Kensetsu"),
            ("Yamada, Taro", "\"Yamada, Taro\""),
            ("Say \"hi\"", "\"Say \\\"hi\\\"\""),
            ("back\\slash", "\"back\\\\slash\""),
        ])
    func quotedNames(name: String, expected: String) {
        #expect(MIMEEncoder.quotedPhrase(name) == expected)
        #expect(MIMEEncoder.addressHeader("To", [Mailbox(displayName: name, address: "a@b.jp")]) == "To: \(expected) <a@b.jp>\r\n")
    }

    @Test(
        "long Japanese file names use RFC 2231 continuations that reassemble exactly",
        arguments: [
            "電子証書閲覧用「認証キー」等のお知らせ_R07-4621-000123.pdf",
            "保証証書_R07-4621-000123.pdf",
            String(repeating: "髙﨑", count: 60) + ".pdf",
            "plain-name.pdf",
            "with space & 100%.pdf",
        ])
    func rfc2231(_ name: String) throws {
        let parameters = MIMEEncoder.rfc2231Parameter("filename", name)
        var joined = ""
        for (i, parameter) in parameters.enumerated() {
            #expect((" " + parameter + ";").utf8.count <= 78, "segment too long: \(parameter)")
            let value = parameter.split(separator: "=", maxSplits: 1)[1]
            joined += i == 0 ? String(value.dropFirst("UTF-8''".count)) : String(value)
            #expect(parameter.hasPrefix(parameters.count == 1 ? "filename*=" : "filename*\(i)*="))
        }
        #expect(joined.removingPercentEncoding == name)
        #expect(!joined.contains(" ") && !joined.contains("\""))
    }

    @Test("base64 bodies wrap at 76 columns with CRLF")
    func base64Lines() throws {
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let text = MIMEEncoder.base64Lines(bytes)
        let lines = Self.lines(text)
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.last!.count <= 76)
        #expect(Data(base64Encoded: lines.joined()) == Data(bytes))
        #expect(MIMEEncoder.base64(Array("Man".utf8)) == "TWFu")
        #expect(MIMEEncoder.base64(Array("Ma".utf8)) == "TWE=")
        #expect(MIMEEncoder.base64(Array("M".utf8)) == "TQ==")
    }

    @Test("line endings become CRLF")
    func crlf() {
        #expect(MIMEEncoder.crlfNormalized("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd")
    }

    @Test("a whole message: CRLF only, no line over 78, no Bcc, stable Message-ID")
    func wholeMessage() throws {
        let message = MailMessage(
            from: Mailbox(displayName: "西日本建設業保証 電子保証", address: "e-hosho@example.jp"),
            to: [Mailbox(displayName: "株式会社日置建設 代表取締役 山田 太郎", address: "keiri@hioki.example.jp")],
            cc: [Mailbox(displayName: nil, address: "cc@hioki.example.jp")],
            subject: "電子証書・認証キー登録のお知らせ（保証契約番号 R07-4621-000123）",
            epochSeconds: 1_750_345_200, messageID: "R07-4621-000123.contractor.0011223344556677@example.jp",
            textBody: "本文\n二行目",
            attachments: [.init(filename: "保証証書_R07-4621-000123.pdf", contentType: "application/pdf", bytes: Array(repeating: 0x25, count: 300))])
        let raw = message.rendered()
        let text = String(decoding: raw, as: UTF8.self)
        var previous: UInt8 = 0
        for byte in raw {
            if byte == 0x0A { #expect(previous == 0x0D) }
            if previous == 0x0D { #expect(byte == 0x0A) }
            previous = byte
        }
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(!text.lowercased().contains("\r\nbcc:"))
        #expect(text.contains("Message-ID: <R07-4621-000123.contractor.0011223344556677@example.jp>\r\n"))
        #expect(text.contains("Date: Fri, 20 Jun 2025 00:00:00 +0900\r\n"))
        #expect(message.envelopeRecipients == ["keiri@hioki.example.jp", "cc@hioki.example.jp"])
        #expect(message.rendered() == raw)
    }
}
