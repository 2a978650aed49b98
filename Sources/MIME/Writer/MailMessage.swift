package import Model

/// A mail to be sent: headers as values, a plain-text body and attachments. `rendered()` gives the
/// RFC 5322 bytes; Bcc never appears in them (the envelope carries such recipients).
package struct MailMessage: Sendable {
    package struct Attachment: Sendable {
        package let filename: String
        package let contentType: String
        package let bytes: [UInt8]
        /// The committed document these bytes are, when they are one: a stored plan then names it
        /// instead of holding its base64 (`MessagePlan`).
        package let reference: DocumentReference?

        /// The base64 body, 76 columns, CRLF.
        package var encoded: String { MIMEEncoder.base64Lines(bytes) }

        package init(filename: String, contentType: String, bytes: [UInt8], reference: DocumentReference? = nil) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
            self.reference = reference
        }
    }

    package var from: Mailbox
    package var to: [Mailbox]
    package var cc: [Mailbox] = []
    package var subject: String
    package var epochSeconds: Int
    package var replyTo: [Mailbox] = []
    package var messageID: String
    package var textBody: String
    package var attachments: [Attachment] = []

    /// Every address the message goes to, for the SMTP envelope.
    package var envelopeRecipients: [String] { (to + cc).map(\.address) }

    /// The message as sent.
    package func rendered() -> [UInt8] { render { $0.encoded } }

    /// The message as stored (`MessagePlan`): every attachment that is a committed document named by a
    /// reference line in place of its base64 body; composing the plan gives `rendered()` back.
    package func plan() -> [UInt8] { render { attachment in attachment.reference.map(MessagePlan.line) ?? attachment.encoded } }

    private func render(_ attachmentBody: (Attachment) -> String) -> [UInt8] {
        var out = ""
        out += MIMEEncoder.addressHeader("From", [from])
        out += MIMEEncoder.addressHeader("To", to)
        if !cc.isEmpty { out += MIMEEncoder.addressHeader("Cc", cc) }
        if !replyTo.isEmpty { out += MIMEEncoder.addressHeader("Reply-To", replyTo) }
        out += MIMEEncoder.unstructuredHeader("Subject", subject)
        out += "Date: \(RFC5322Date.format(epochSeconds: epochSeconds))\r\n"
        out += "Message-ID: <\(messageID)>\r\n"
        out += "MIME-Version: 1.0\r\n"
        out += "Auto-Submitted: auto-generated\r\n"
        let body = MIMEEncoder.base64Lines(Array(MIMEEncoder.crlfNormalized(textBody).utf8))
        if attachments.isEmpty {
            out += textPartHeaders() + "\r\n" + body
            return Array(out.utf8)
        }
        // base64 never contains "=_", so this boundary cannot occur inside any part.
        let boundary = "=_mailbatch_" + String(messageID.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }, radix: 16)
        out += "Content-Type: multipart/mixed;\r\n boundary=\"\(boundary)\"\r\n\r\n"
        out += "This is a multi-part message in MIME format.\r\n"
        out += "--\(boundary)\r\n" + textPartHeaders() + "\r\n" + body
        for attachment in attachments {
            out += "--\(boundary)\r\n"
            out += "Content-Type: \(attachment.contentType);\r\n " + MIMEEncoder.encodedWordParameter("name", attachment.filename) + "\r\n"
            out += "Content-Disposition: attachment;\r\n " + MIMEEncoder.rfc2231Parameter("filename", attachment.filename).joined(separator: ";\r\n ") + "\r\n"
            out += "Content-Transfer-Encoding: base64\r\n\r\n"
            out += attachmentBody(attachment)
        }
        out += "--\(boundary)--\r\n"
        return Array(out.utf8)
    }

    private func textPartHeaders() -> String {
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
    }

    package init(
        from: Mailbox, to: [Mailbox], cc: [Mailbox] = [], subject: String, epochSeconds: Int, replyTo: [Mailbox] = [], messageID: String, textBody: String,
        attachments: [Attachment] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.epochSeconds = epochSeconds
        self.replyTo = replyTo
        self.messageID = messageID
        self.textBody = textBody
        self.attachments = attachments
    }
}
