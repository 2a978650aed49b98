import CCurl
import Glibc

/// Sends mail over SMTP through libcurl, reusing one easy handle (and so its connection) for every
/// message of a batch. TLS policy: `starttls` demands STARTTLS (CURLUSESSL_ALL: no fall-back to plain
/// text), `tls` is TLS from the first byte (smtps://); the peer and host name are always verified.
final class CurlSMTPTransport: MailTransport {
    private let easy: CurlEasy
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var payload: [UInt8] = []
    private var offset = 0
    /// Complete reply lines received from the server during the current transfer.
    private var replyLines: [String] = []
    private var partialLine: [UInt8] = []

    init(settings: SMTPSettings) throws(CurlEasy.Failure) {
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
        // The debug hook is how libcurl shows the server's reply text; only incoming lines are kept,
        // so credentials (outgoing AUTH) never reach our buffers.
        try easy.setDebugFunction { _, type, data, size, userdata in
            guard type == CURLINFO_HEADER_IN, let data, let userdata else { return 0 }
            let transport = Unmanaged<CurlSMTPTransport>.fromOpaque(userdata).takeUnretainedValue()
            transport.received(UnsafeRawBufferPointer(start: data, count: size))
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
            replyLines.append(String(decoding: line, as: UTF8.self))
            if replyLines.count > 64 { replyLines.removeFirst(replyLines.count - 64) }
        }
    }

    /// The last server reply line with the given code (`550 5.1.1 …`), or the last reply of all when
    /// the code is 0. libcurl may say QUIT after a failure, so the very last line can be `221 Bye`.
    private func lastReply(code: Int) -> String? {
        let prefix = code > 0 ? String(code) : nil
        let line = replyLines.last { line in
            guard line.count >= 3, line.prefix(3).allSatisfy(\.isNumber) else { return false }
            return prefix.map { line.hasPrefix($0) } ?? !line.hasPrefix("221")
        }
        return line.map { String($0.prefix(300)) }
    }

    /// Connects, says EHLO, STARTTLS and AUTH as configured, then NOOP and QUIT: sends no mail.
    /// For `mailbatch doctor`.
    func probe() -> TransportResult {
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

    func send(from: String, recipients: [String], message: [UInt8]) -> TransportResult {
        payload = message
        offset = 0
        replyLines.removeAll(keepingCapacity: true)
        partialLine = []
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
        payload = []
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
