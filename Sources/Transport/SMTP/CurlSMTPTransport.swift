import CCurl
package import Config
import Glibc
import Store

/// Sends mail over SMTP through libcurl, reusing one easy handle (and so its connection) for every
/// message of a batch. TLS policy: `starttls` demands STARTTLS (CURLUSESSL_ALL: no fall-back to plain
/// text), `tls` is TLS from the first byte (smtps://); the peer and host name are always verified.
package final class CurlSMTPTransport: MailTransport {
    private let easy: CurlEasy
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var payload: [UInt8] = []
    private var offset = 0
    /// Complete reply lines received from the server during the current transfer.
    private var replyLines: [String] = []
    private var partialLine: [UInt8] = []
    /// The recipient of the RCPT command whose reply is awaited, and each recipient's reply.
    private var awaitingRecipient: String?
    private var recipientReplies: [(recipient: String, reply: String)] = []
    private var replyInProgress: [String] = []

    package init(settings: SMTPSettings) throws(CurlEasy.Failure) {
        easy = try CurlEasy()
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        var url = settings.url
        if let helo = settings.heloName, !url.dropFirst(8).contains("/") { url += "/" + helo }
        try easy.set(CURLOPT_URL, url)
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_UPLOAD, 1)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutSeconds * 1000)
        try easy.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, settings.responseTimeoutSeconds)
        // A whole transaction may not take longer than this, however slowly the server trickles replies.
        try easy.set(CURLOPT_TIMEOUT_MS, max(60, settings.responseTimeoutSeconds * 6) * 1000)
        // Accepted recipients get the message even when another (a Cc) is refused; the refused ones
        // are told apart by the reply to their own RCPT.
        try easy.set(CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        switch settings.tls {
        case .none: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        case .starttls, .tls: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        }
        if let ca = settings.caFile { try easy.set(CURLOPT_CAINFO, ca) }
        if let user = settings.username, let password = settings.password {
            try easy.set(CURLOPT_USERNAME, user)
            try easy.set(CURLOPT_PASSWORD, password.value)
        }
        try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))

        let me = Unmanaged.passUnretained(self).toOpaque()
        try easy.setReadFunction { buffer, size, count, userdata in
            let transport = Unmanaged<CurlSMTPTransport>.fromOpaque(userdata!).takeUnretainedValue()
            return transport.fill(buffer!, capacity: size * count)
        }
        try easy.set(CURLOPT_READDATA, pointer: me)
        // The debug hook is how libcurl shows the server's reply text. Incoming lines are kept; of the
        // outgoing ones only a `RCPT TO:` is looked at, so credentials (AUTH) never reach our buffers.
        try easy.setDebugFunction { _, type, data, size, userdata in
            guard type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT, let data, let userdata else { return 0 }
            let transport = Unmanaged<CurlSMTPTransport>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: data, count: size)
            if type == CURLINFO_HEADER_IN { transport.received(bytes) } else { transport.sentCommand(bytes) }
            return 0
        }
        try easy.set(CURLOPT_DEBUGDATA, pointer: me)
        try easy.set(CURLOPT_VERBOSE, 1)
    }

    deinit { errorBuffer.deallocate() }

    private func fill(_ buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let n = min(capacity, payload.count - offset)
        guard n > 0 else { return 0 }
        payload.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        // Bytes, not Characters: Swift treats "\r\n" as one Character, so a search for "\n" would miss it.
        partialLine += bytes
        while let newline = partialLine.firstIndex(of: 0x0A) {
            var line = Array(partialLine[..<newline])
            partialLine.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            let text = String(decoding: line, as: UTF8.self)
            replyLines.append(text)
            if replyLines.count > 64 { replyLines.removeFirst(replyLines.count - 64) }
            if let recipient = awaitingRecipient {
                replyInProgress.append(text)
                if Self.isFinalLine(text) {
                    recipientReplies.append((recipient, Self.joined(replyInProgress)))
                    awaitingRecipient = nil
                    replyInProgress = []
                }
            }
        }
    }

    private func sentCommand(_ bytes: UnsafeRawBufferPointer) {
        let prefix = Array("RCPT TO:<".utf8)
        guard bytes.count > prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix), let end = bytes.firstIndex(of: UInt8(ascii: ">")) else {
            return
        }
        awaitingRecipient = String(decoding: bytes[prefix.count..<end], as: UTF8.self)
        replyInProgress = []
    }

    /// `250 OK` ends a reply; `250-…` lines go before it.
    private static func isFinalLine(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        return bytes.count >= 3 && bytes[0..<3].allSatisfy { (0x30...0x39).contains($0) } && (bytes.count == 3 || bytes[3] == 0x20)
    }

    /// A multi-line reply as one line: `550 5.1.1 first part second part` (each line's code dropped
    /// but the first's), so the whole explanation of a refusal is kept.
    private static func joined(_ lines: [String]) -> String {
        guard let first = lines.first else { return "" }
        let rest = lines.dropFirst().map { line -> String in
            var text = Substring(line.dropFirst(4))
            // The enhanced status code repeats on each line: keep it once.
            if let firstCode = first.dropFirst(4).split(separator: " ").first, text.hasPrefix(firstCode + " ") { text = text.dropFirst(firstCode.count + 1) }
            return String(text)
        }
        let head = first.count > 3 ? String(first.prefix(3)) + " " + first.dropFirst(4) : first
        return String(([head] + rest).joined(separator: " ").prefix(600))
    }

    /// The last server reply with the given code (`550 5.1.1 …`, all its lines), or the last reply of
    /// all when the code is 0. libcurl may say QUIT after a failure, so the very last can be `221 Bye`.
    private func lastReply(code: Int) -> String? {
        let prefix = code > 0 ? String(code) : nil
        guard
            let end = replyLines.lastIndex(where: { line in
                guard Self.isFinalLine(line) else { return false }
                return prefix.map { line.hasPrefix($0) } ?? !line.hasPrefix("221")
            })
        else { return nil }
        var start = end
        let continuation = String(replyLines[end].prefix(3)) + "-"
        while start > 0, replyLines[start - 1].hasPrefix(continuation) { start -= 1 }
        return Self.joined(Array(replyLines[start...end]))
    }

    /// Connects, says EHLO, STARTTLS and AUTH as configured, then NOOP and QUIT: sends no mail.
    /// For `mailbatch doctor`.
    package func probe() -> TransportResult {
        replyLines.removeAll(keepingCapacity: true)
        partialLine = []
        errorBuffer[0] = 0
        do {
            try easy.set(CURLOPT_UPLOAD, 0)
            try easy.set(CURLOPT_CUSTOMREQUEST, "NOOP")
        } catch {
            return .temporary(reply: error.description, connectionFailed: true)
        }
        let code = easy.perform()
        try? easy.set(CURLOPT_CUSTOMREQUEST, pointer: nil)
        try? easy.set(CURLOPT_UPLOAD, 1)
        return classify(code)
    }

    package func send(from: String, recipients: [String], message: [UInt8]) -> TransportResult {
        payload = message
        offset = 0
        replyLines.removeAll(keepingCapacity: true)
        partialLine = []
        awaitingRecipient = nil
        recipientReplies = []
        errorBuffer[0] = 0
        let rcpt = CurlStringList(recipients.map { "<\($0)>" })
        do {
            try easy.set(CURLOPT_MAIL_FROM, "<\(from)>")
            try easy.set(CURLOPT_MAIL_RCPT, list: rcpt.list)
        } catch {
            return .temporary(reply: error.description, connectionFailed: true)
        }
        let code = easy.perform()
        // The list is freed when `rcpt` goes out of scope; clear libcurl's pointer to it first.
        try? easy.set(CURLOPT_MAIL_RCPT, list: nil)
        let wholeMessageSent = !payload.isEmpty && offset >= payload.count
        payload = []
        let refused = recipientReplies.filter { !$0.reply.hasPrefix("2") }.map { RecipientRefusal(recipient: $0.recipient, reply: $0.reply) }
        if code == CURLE_OK { return .accepted(reply: lastReply(code: easy.responseCode) ?? "250", refused: refused) }
        if !refused.isEmpty, refused.count == recipients.count {
            // Every recipient refused: temporary when any of them may take it later.
            let summary = refused.count == 1 ? refused[0].reply : refused.map { "\($0.recipient): \($0.reply)" }.joined(separator: "; ")
            return refused.contains(where: \.isTemporary) ? .temporary(reply: summary, connectionFailed: false) : .permanent(reply: summary)
        }
        if wholeMessageSent, easy.responseCode == 0 || easy.responseCode == 354 {
            return .temporary(
                reply:
                    "the server closed the connection after the message was sent, before it replied: whether it took the message is unknown, so it is tried again (with the same Message-ID)",
                connectionFailed: true)
        }
        return classify(code)
    }

    private func classify(_ code: CURLcode) -> TransportResult {
        let smtpCode = easy.responseCode
        let reply = lastReply(code: smtpCode)
        if code == CURLE_OK { return .accepted(reply: reply ?? "250") }

        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        if code == CURLE_LOGIN_DENIED {
            return .temporary(reply: "authentication failed: \(reply ?? detail); check [smtp] username and the password", connectionFailed: true)
        }
        switch smtpCode {
        case 500..<600: return .permanent(reply: reply ?? "\(smtpCode) \(detail)")
        case 400..<500: return .temporary(reply: reply ?? "\(smtpCode) \(detail)", connectionFailed: false)
        default:
            if code == CURLE_USE_SSL_FAILED {
                return .temporary(reply: "the server does not offer STARTTLS, and tls = \"starttls\" forbids plain text (\(detail))", connectionFailed: true)
            }
            return .temporary(reply: detail, connectionFailed: true)
        }
    }
}
