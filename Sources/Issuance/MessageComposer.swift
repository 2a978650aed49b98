package import Config
package import MIME
package import Model
package import Store
import Support

/// Builds the notification mails of one contract from templates and the issued documents.
package struct MessageComposer {
    package let mail: MailSettings
    package let templates: TemplateLibrary

    /// A Message-ID that is unique (random part) and stays with the stored message for every re-send.
    private func messageID(_ c: Certificate, _ role: MessageRole) -> String {
        MessageKey(contract: c.contractNumber, version: c.currentVersion, role: role).messageID(domain: domain)
    }

    private var domain: String { EmailAddress.domain(of: mail.from.address) }

    /// A rendered subject as one tidy line: runs of spaces (a field left empty) become one, none at
    /// either end. An empty result means the orderer's template gave nothing: the default is used.
    package static func subjectLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The From address is not read: replies go to the office, when it has an address.
    private func replyTo(_ facts: DocumentFacts) -> [Mailbox] {
        facts.office.email.map { [Mailbox(displayName: "\(facts.certificate.surety) \(facts.office.name)", address: $0)] } ?? []
    }

    /// 「電子証書・認証キー登録のお知らせ」 to the contractor, with every document and what to do next.
    package func contractorMessage(
        _ facts: DocumentFacts, plan: SubmissionPlan, attachments: [MailMessage.Attachment], epochSeconds: Int
    ) throws(TemplateLibrary.Failure) -> MailMessage {
        let c = facts.certificate
        var context = facts.context
        for (key, value) in plan.context { context[key] = value }
        for (key, value) in plan.orderer.arrivalContext { context[key] = value }
        // One paragraph a line, whatever blank lines the template's sections leave behind.
        context["next_steps"] = try templates.render("next-steps", context).split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
            .joined(separator: "\n")
        context["attachments"] = attachments.map(\.filename)
        return MailMessage(
            from: mail.from,
            to: [Mailbox(displayName: "\(c.principal.name) \(c.principal.representative)", address: facts.contractorEmail)],
            subject: try templates.renderLine("contractor-subject", context),
            epochSeconds: epochSeconds,
            replyTo: replyTo(facts),
            messageID: messageID(c, .contractor),
            textBody: try templates.render("contractor-body", context),
            attachments: attachments)
    }

    /// The key notice and the 保証証書 print-out to an orderer that takes them by e-mail, the contractor in Cc.
    package func ordererMessage(
        _ facts: DocumentFacts, plan: SubmissionPlan, attachments: [MailMessage.Attachment], epochSeconds: Int
    ) throws(TemplateLibrary.Failure) -> MailMessage {
        let c = facts.certificate
        let orderer = plan.orderer
        var context = facts.context
        for (key, value) in plan.context { context[key] = value }
        if let department = orderer.department { context["orderer_department"] = department }
        context["attachments"] = attachments.map(\.filename)
        context["has_attachments"] = !attachments.isEmpty
        // The orderer's own mail carries the key as text, so a gateway that strips attachments loses nothing.
        context["key"] = facts.key
        // A prescribed subject is rendered from its own values, the documented variables alone
        // (`SubjectTemplate`): never from this context, which holds the key.
        var subject = ""
        if let custom = orderer.subject {
            subject = try OrdererSubject.render(custom, context: context, certificate: c, name: "subject of [\(orderer.name)]")
        }
        if subject.isEmpty { subject = Self.subjectLine(try templates.renderLine("orderer-subject", context)) }
        let addressee = [orderer.title ?? orderer.name, orderer.department].compactMap { $0 }.joined(separator: " ")
        return MailMessage(
            from: mail.from,
            to: orderer.emails.map { Mailbox(displayName: addressee, address: $0) },
            cc: [Mailbox(displayName: "\(c.principal.name) \(c.principal.representative)", address: facts.contractorEmail)],
            subject: subject,
            epochSeconds: epochSeconds,
            replyTo: replyTo(facts),
            messageID: messageID(c, .orderer),
            textBody: try templates.render("orderer-body", context),
            attachments: attachments)
    }

    /// 「保証契約の解約のお知らせ」: to the contractor, or to an orderer that takes mail (the contractor in Cc).
    package func cancellationMessage(
        _ facts: DocumentFacts, orderer: Orderer?, epochSeconds: Int, attachments: [MailMessage.Attachment] = []
    ) throws(TemplateLibrary.Failure) -> MailMessage {
        let c = facts.certificate
        var context = facts.context
        context["carries_earlier_papers"] = !attachments.isEmpty
        context["attachments"] = attachments.map(\.filename)
        let contractor = Mailbox(displayName: "\(c.principal.name) \(c.principal.representative)", address: facts.contractorEmail)
        context["to_orderer"] = orderer != nil
        if let department = orderer?.department { context["orderer_department"] = department }
        let addressee = orderer.map { o in [o.title ?? o.name, o.department].compactMap { $0 }.joined(separator: " ") } ?? ""
        return MailMessage(
            from: mail.from,
            to: orderer.map { o in o.emails.map { Mailbox(displayName: addressee, address: $0) } } ?? [contractor],
            cc: orderer == nil ? [] : [contractor],
            subject: try cancellationSubject(context, certificate: c, orderer: orderer),
            epochSeconds: epochSeconds,
            replyTo: replyTo(facts),
            messageID: messageID(c, orderer == nil ? .contractor : .orderer),
            textBody: try templates.render("cancellation-body", context),
            attachments: attachments)
    }

    /// 「電子証書（変更第1号）が認証キーで開かれました」: one short mail to the contractor (`[notify]
    /// contractor_on_view`). It says what is known — this version was opened with its key — not who
    /// opened it: the contractor holds the key too.
    package func viewNoticeMessage(_ facts: DocumentFacts, viewedAt: Int, epochSeconds: Int) throws(TemplateLibrary.Failure) -> MailMessage {
        let c = facts.certificate
        var context = facts.context
        context["viewed_at"] = JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: viewedAt))
        context["version_name"] = VersionName.of(c)
        return MailMessage(
            from: mail.from,
            to: [Mailbox(displayName: "\(c.principal.name) \(c.principal.representative)", address: facts.contractorEmail)],
            subject: Self.subjectLine(try templates.renderLine("view-notice-subject", context)),
            epochSeconds: epochSeconds,
            replyTo: replyTo(facts),
            messageID: messageID(c, .viewNotice),
            textBody: try templates.render("view-notice-body", context))
    }

    /// 「日置市様が電子証書の受領を確認しました」: once per version the orderer confirmed in the viewer.
    package func receiptNoticeMessage(_ facts: DocumentFacts, receipt: ReceiptRecord, epochSeconds: Int) throws(TemplateLibrary.Failure) -> MailMessage {
        let c = facts.certificate
        var context = facts.context
        context["confirmed_at"] = JapaneseFormat.warekiHoursMinutes(epochSeconds: receipt.at)
        if !receipt.clerk.isEmpty { context["clerk"] = receipt.clerk }
        return MailMessage(
            from: mail.from,
            to: [Mailbox(displayName: "\(c.principal.name) \(c.principal.representative)", address: facts.contractorEmail)],
            subject: Self.subjectLine(try templates.renderLine("receipt-notice-subject", context)),
            epochSeconds: epochSeconds,
            replyTo: replyTo(facts),
            messageID: messageID(c, .receiptNotice),
            textBody: try templates.render("receipt-notice-body", context))
    }

    package init(mail: MailSettings, templates: TemplateLibrary) {
        self.mail = mail
        self.templates = templates
    }
}
