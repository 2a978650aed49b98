package import Config
import Dispatch
import Foundation
package import Issuance
import MIME
package import Model
package import Store
package import Support
import Transport

/// What the viewer needs to offer a receipt confirmation: the orderer directory (the orderer's
/// registered address), the mail server, and the viewer's public address for the one-time link.
/// The link goes to the orderer's registered address alone: the contractor, who also holds the key,
/// never receives it, so only the orderer can confirm.
package struct ReceiptMailer: ReceiptLinkMailing {
    package let directory: OrdererDirectory
    package let smtp: SMTPSettings
    package let mail: MailSettings
    package let templates: TemplateLibrary
    package let viewerURL: String?

    package init(configuration: Configuration) throws(ConfigurationError) {
        directory = try OrdererDirectory.load(configuration)
        smtp = configuration.smtp
        mail = configuration.mail
        viewerURL = configuration.viewerURL
        do {
            templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        } catch {
            throw ConfigurationError(error.description)
        }
    }

    /// The orderer's registered addresses for the record in `folder`: empty when the directory has none.
    package func ordererAddresses(_ folder: ContractFolder) -> (orderer: Orderer?, record: ContractRecord?, addresses: [String]) {
        guard let record = try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record))),
            let orderer = directory.orderer(for: record)
        else { return (nil, nil, []) }
        return (orderer, record, orderer.takesEmail ? orderer.emails : [])
    }

    /// Sends the link to the orderer's addresses, off the event loop; the secret is only in the mail.
    package func send(
        _ certificate: Certificate, record: ContractRecord, orderer: Orderer, office: BranchOffice, secret: String, clerk: String, expiresAt: Int,
        base: String, epochSeconds: Int
    ) async -> ReceiptLinkOutcome {
        let facts = DocumentFacts(
            certificate: certificate, record: record, issuedOn: JST.components(epochSeconds: epochSeconds).date, key: "", office: office,
            viewerURL: viewerURL)
        var context = facts.context
        context["receipt_link"] = "\(base)/receipt/\(secret)"
        context["receipt_expires"] = JapaneseFormat.warekiHoursMinutes(epochSeconds: expiresAt)
        if !clerk.isEmpty { context["clerk"] = clerk }
        if let department = orderer.department { context["orderer_department"] = department }
        let addressee = [orderer.title ?? orderer.name, orderer.department].compactMap { $0 }.joined(separator: " ")
        let message: MailMessage
        do {
            message = MailMessage(
                from: mail.from, to: orderer.emails.map { Mailbox(displayName: addressee, address: $0) },
                subject: MessageComposer.subjectLine(try templates.renderLine("receipt-request-subject", context)),
                epochSeconds: epochSeconds,
                replyTo: office.email.map { [Mailbox(displayName: "\(certificate.surety) \(office.name)", address: $0)] } ?? [],
                messageID: "receipt.\(certificate.contractNumber).\(ReceiptSecret.make().prefix(16))@\(EmailAddress.domain(of: mail.from.address))",
                textBody: try templates.render("receipt-request-body", context))
        } catch {
            return .failed(error.description)
        }
        let smtp = smtp
        let from = mail.from.address
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let result: ReceiptLinkOutcome
                do {
                    let transport = try CurlSMTPTransport(settings: smtp)
                    switch transport.send(from: from, recipients: message.envelopeRecipients, message: message.rendered()) {
                    case .accepted(_, let refused) where refused.count < message.envelopeRecipients.count: result = .sent
                    case .accepted(let reply, _), .temporary(let reply, _), .permanent(let reply): result = .failed(reply)
                    }
                } catch {
                    result = .failed("\(error)")
                }
                continuation.resume(returning: result)
            }
        }
    }
}
