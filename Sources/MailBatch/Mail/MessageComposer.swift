/// Builds the notification mails of one contract from templates and the issued documents.
struct MessageComposer {
    let mail: MailSettings
    let templates: TemplateLibrary

    /// A Message-ID that is unique (random part) and stays with the stored message for every re-send.
    static func messageID(contractNumber: String, role: String, domain: String) -> String {
        let random = UInt64.random(in: 0...UInt64.max)
        return "\(contractNumber).\(role).\(String(random, radix: 16).leftPadded(to: 16))@\(domain)"
    }

    func contractorMessage(_ facts: DocumentFacts, attachments: [MailMessage.Attachment], epochSeconds: Int) throws(TemplateLibrary.Failure) -> MailMessage {
        let c = facts.certificate
        var context = facts.context
        context["next_steps"] = try templates.render("next-steps-generic", context).trimmingSuffix { $0 == "\n" }
        context["attachments"] = attachments.map(\.filename)
        let subject = try templates.renderLine("contractor-subject", context)
        let body = try templates.render("contractor-body", context)
        return MailMessage(
            from: mail.from,
            to: [Mailbox(displayName: "\(c.principal.name) \(c.principal.representative)", address: c.principal.email)],
            subject: subject,
            epochSeconds: epochSeconds,
            messageID: Self.messageID(contractNumber: c.contractNumber, role: "contractor", domain: EmailAddress.domain(of: mail.from.address)),
            textBody: body,
            attachments: attachments)
    }
}
