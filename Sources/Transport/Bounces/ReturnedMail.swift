import Foundation
import MIME
import Store

/// What a message that came back to the return path says, read from its bytes alone (matching it to
/// a sent message is `BounceMatcher`'s work): an RFC 3464 delivery-status report, one of the common
/// non-standard bounces that quote the original message, an auto-reply, or none of these.
package struct ReturnedMail: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A delivery report: RFC 3464 (`standard`) or a non-standard bounce read from its text.
        case report(standard: Bool)
        /// A vacation or other automatic reply: never a delivery failure.
        case autoReply(String)
        /// Neither a report nor an auto-reply (spam, a person writing to the return path, garbage).
        case notAReport(String)
    }

    package struct Recipient: Sendable, Equatable {
        package enum Action: String, Sendable {
            case failed, delayed, delivered, relayed, expanded
        }

        /// The recipient the report is about (Final-Recipient, else Original-Recipient), if named.
        package var address: String?
        package var action: Action
        /// The enhanced status code, e.g. 5.1.1.
        package var status: String
        /// The remote server's words (Diagnostic-Code), or the report's own.
        package var diagnostic: String
        /// Why, in sisimai's words (`userunknown`, `mailboxfull`, …): `BounceReason`.
        package var reason = ""

        package init(address: String? = nil, action: Action, status: String, diagnostic: String, reason: String = "") {
            self.address = address
            self.action = action
            self.status = status
            self.diagnostic = diagnostic
            self.reason = reason
        }
    }

    package var kind: Kind
    package var recipients: [Recipient] = []
    /// The Message-ID of the returned message, from the headers the report carries back.
    package var originalMessageID: String?
    /// The addresses this mail was delivered to (X-Original-To, Delivered-To, To, Envelope-To): the
    /// return path with its token, when the relay kept it.
    package var deliveredTo: [String] = []

    /// - Parameter sisimai: the reference parser, asked when it is installed (`ReturnedMail+Sisimai`).
    package static func read(_ bytes: [UInt8], sisimai: SisimaiReader? = nil) -> ReturnedMail {
        let top = MIMEEntity(bytes)
        let deliveredTo = ["X-Original-To", "Delivered-To", "Envelope-To", "To"].flatMap { top.allHeaders($0) }
            .flatMap(Self.addresses)
        var mail = classify(top)
        // Asked even for what looks like an auto-reply: Exim marks its bounces Auto-Submitted too.
        if let results = sisimai?.read(bytes) { mail = mail.merged(with: results) }
        mail.deliveredTo = deliveredTo
        for i in mail.recipients.indices where mail.recipients[i].reason.isEmpty {
            mail.recipients[i].reason = BounceReason.derive(status: mail.recipients[i].status, diagnostic: mail.recipients[i].diagnostic)
        }
        return mail
    }

    private static func classify(_ top: MIMEEntity) -> ReturnedMail {
        let parts = top.allParts
        // RFC 3464 (and RFC 6533's global form): a part of type message/delivery-status.
        if let status = parts.first(where: { ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.mime) }) {
            var mail = ReturnedMail(kind: .report(standard: true))
            mail.recipients = recipientGroups(status.text)
            mail.originalMessageID = returnedMessageID(parts.filter { $0.depth > 0 && !isStatus($0) }, excluding: top)
            if mail.recipients.isEmpty { return ReturnedMail(kind: .notAReport("a delivery-status part without any recipient")) }
            return mail
        }
        if let bounce = nonStandardBounce(top, parts) { return bounce }
        if let reason = autoReplyReason(top) { return ReturnedMail(kind: .autoReply(reason)) }
        return ReturnedMail(kind: .notAReport("neither a delivery-status report nor a recognisable bounce"))
    }

    private static func isStatus(_ part: MIMEEntity) -> Bool { part.contentType.mime.hasSuffix("delivery-status") }

    // MARK: - RFC 3464 fields

    /// The per-recipient groups of a delivery-status body (the first group is per-message).
    private static func recipientGroups(_ text: String) -> [Recipient] {
        var groups: [[String: String]] = []
        var current: [String: String] = [:]
        var lastName: String?
        for rawLine in text.components(separatedBy: "\n") {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { groups.append(current) }
                current = [:]
                lastName = nil
                continue
            }
            if let first = line.first, first == " " || first == "\t", let name = lastName {
                current[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            current[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            lastName = name
        }
        if !current.isEmpty { groups.append(current) }
        return groups.compactMap { group in
            guard let actionText = group["action"]?.lowercased().split(separator: " ").first,
                let action = Recipient.Action(rawValue: String(actionText))
            else { return nil }
            let address = (group["final-recipient"] ?? group["original-recipient"]).flatMap(typedAddress)
            let diagnostic = group["diagnostic-code"].map(untyped) ?? ""
            let status = group["status"].flatMap(statusCode) ?? statusCode(diagnostic) ?? (action == .failed ? "5.0.0" : "4.0.0")
            return Recipient(address: address, action: action, status: status, diagnostic: diagnostic)
        }
    }

    /// `rfc822; user@example.jp` → `user@example.jp`.
    private static func typedAddress(_ value: String) -> String? {
        let address = untyped(value).trimmingCharacters(in: CharacterSet(charactersIn: " <>"))
        return address.contains("@") ? address : nil
    }

    private static func untyped(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value }
        return value[value.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
    }

    /// The first enhanced status code (class.subject.detail) in a text.
    package static func statusCode(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func digits(_ from: Int, max: Int) -> Int {
            var n = 0
            while from + n < scalars.count, n < max, ("0"..."9").contains(scalars[from + n]) { n += 1 }
            return n
        }
        while i < scalars.count {
            if ["2", "4", "5"].contains(scalars[i]), i == 0 || !CharacterSet.alphanumerics.contains(scalars[i - 1]),
                i + 1 < scalars.count, scalars[i + 1] == "."
            {
                let a = digits(i + 2, max: 3)
                if a > 0, i + 2 + a < scalars.count, scalars[i + 2 + a] == "." {
                    let b = digits(i + 3 + a, max: 3)
                    let end = i + 3 + a + b
                    if b > 0, end == scalars.count || !CharacterSet.alphanumerics.contains(scalars[end]) {
                        return String(String.UnicodeScalarView(scalars[i..<end]))
                    }
                }
            }
            i += 1
        }
        return nil
    }

    // MARK: - The returned message

    /// The Message-ID in the headers a report carries back (a message/rfc822 part, text/rfc822-headers),
    /// never the report's own.
    private static func returnedMessageID(_ parts: [MIMEEntity], excluding top: MIMEEntity) -> String? {
        for part in parts {
            let mime = part.contentType.mime
            if mime.hasSuffix("rfc822-headers") || mime == "message/global-headers" {
                if let id = MIMEEntity(part.body).header("Message-ID").flatMap(messageID) { return id }
            }
        }
        for part in parts where part.depth > 0 && part.header("Message-ID") != nil && part.header("Message-ID") != top.header("Message-ID") {
            if let id = part.header("Message-ID").flatMap(messageID) { return id }
        }
        return nil
    }

    package static func messageID(_ value: String) -> String? {
        guard let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else { return nil }
        let id = String(value[value.index(after: open)..<close])
        return id.isEmpty || id.count > 250 ? nil : id
    }

    // MARK: - Non-standard bounces

    /// Exim, qmail, Exchange's text notices and their kind: from the mailer daemon (or carrying
    /// X-Failed-Recipients), with a status or SMTP code in the text and the original headers quoted.
    private static func nonStandardBounce(_ top: MIMEEntity, _ parts: [MIMEEntity]) -> ReturnedMail? {
        let from = (top.header("From") ?? "").lowercased()
        let subject = (top.header("Subject") ?? "").lowercased()
        let failedHeader = top.allHeaders("X-Failed-Recipients").flatMap(addresses)
        let fromDaemon = ["mailer-daemon", "postmaster", "mail delivery"].contains { from.contains($0) }
        let bouncySubject = [
            "undeliver", "delivery status notification", "delivery failure", "mail delivery failed", "returned mail", "failure notice",
            "delivery has failed", "could not be delivered", "delivery delayed", "warning: could not send",
        ].contains { subject.contains($0) }
        guard !failedHeader.isEmpty || (fromDaemon && bouncySubject) else { return nil }

        let texts = parts.filter { $0.contentType.mime.hasPrefix("text/") || $0.contentType.mime.hasPrefix("message/") }.map(\.text)
        let text = texts.joined(separator: "\n")
        let lower = text.lowercased()
        let delayed =
            subject.contains("delay") || lower.contains("will keep trying") || lower.contains("has not yet been delivered")
            || lower.contains("still trying")
        var status = statusCode(text) ?? smtpReplyStatus(text) ?? (delayed ? "4.0.0" : "5.0.0")
        if delayed, status.hasPrefix("5") { status = "4.0.0" }
        let action: Recipient.Action = delayed || status.hasPrefix("4") ? .delayed : .failed
        let diagnostic = diagnosticLine(text) ?? ""
        var recipients = failedHeader.map { Recipient(address: $0, action: action, status: status, diagnostic: diagnostic) }
        if recipients.isEmpty { recipients = [Recipient(address: quotedRecipient(text), action: action, status: status, diagnostic: diagnostic)] }
        var mail = ReturnedMail(kind: .report(standard: false))
        mail.recipients = recipients
        mail.originalMessageID = returnedMessageID(parts.filter { $0.depth > 0 }, excluding: top) ?? quotedMessageID(text, excluding: top)
        return mail
    }

    /// A three-digit SMTP reply code at the start of a word (550 → 5.0.0).
    private static func smtpReplyStatus(_ text: String) -> String? {
        for word in text.split(whereSeparator: { !$0.isNumber }) where word.count == 3 {
            if let first = word.first, first == "5" || first == "4", let n = Int(word), (400...599).contains(n) { return "\(first).0.0" }
        }
        return nil
    }

    /// The first line that carries an enhanced status code (`550 5.1.1 …`, qmail's `(#5.1.1)`), else
    /// the first that starts with an SMTP reply code.
    private static func diagnosticLine(_ text: String) -> String? {
        let lines = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count > 4 && $0.count < 400 }
        if let line = lines.first(where: { statusCode($0) != nil }) { return line }
        return lines.first { line in
            ["4", "5"].contains(line.first!) && line.prefix(3).allSatisfy(\.isNumber) && line.dropFirst(3).first == " "
        }
    }

    /// qmail's `<user@example.jp>:` line naming the failed recipient.
    private static func quotedRecipient(_ text: String) -> String? {
        for line in text.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.hasPrefix("<"), t.hasSuffix(">:") {
                let address = String(t.dropFirst().dropLast(2))
                if address.contains("@") { return address }
            }
        }
        return nil
    }

    /// A `Message-ID:` line quoted in the text of the bounce.
    private static func quotedMessageID(_ text: String, excluding top: MIMEEntity) -> String? {
        let own = top.header("Message-ID").flatMap(messageID)
        for line in text.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.lowercased().hasPrefix("message-id:") else { continue }
            if let id = messageID(String(t.dropFirst(11))), id != own { return id }
        }
        return nil
    }

    // MARK: - Auto-replies

    private static func autoReplyReason(_ top: MIMEEntity) -> String? {
        if let auto = top.header("Auto-Submitted")?.lowercased(), !auto.hasPrefix("no") { return "Auto-Submitted: \(auto)" }
        for name in ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"] where top.header(name) != nil { return "\(name) header" }
        if let precedence = top.header("Precedence")?.lowercased(), ["auto_reply", "bulk", "junk", "list"].contains(precedence) {
            return "Precedence: \(precedence)"
        }
        let subject = (top.header("Subject") ?? "").lowercased()
        for marker in ["out of office", "automatic reply", "auto:", "autoreply", "vacation", "自動応答", "自動返信", "不在"] where subject.contains(marker) {
            return "subject says \"\(marker)\""
        }
        return nil
    }

    // MARK: - Addresses

    /// The addr-specs in a header value (`"x" <a@b>, c@d` → a@b, c@d).
    package static func addresses(_ value: String) -> [String] {
        var result: [String] = []
        for piece in value.split(separator: ",") {
            var text = String(piece)
            if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
                text = String(text[text.index(after: open)..<close])
            }
            let address = text.trimmingCharacters(in: .whitespaces)
            if address.contains("@"), !address.contains(" ") { result.append(address) }
        }
        return result
    }
}
