/// Everything issued for one contract, built in memory before anything is written: the key, the
/// 電子証書, the four PDFs and the notification mails. `Issuer` commits it to the spool; `preview`
/// writes it to a folder with a sample key.
struct IssueBundle {
    struct Message {
        let role: String
        let mail: MailMessage
    }

    let key: AuthenticationKey
    let certificate: Certificate
    let facts: DocumentFacts
    let documents: [(kind: DocumentKind, bytes: [UInt8])]
    let messages: [Message]
}

/// Builds an `IssueBundle` from a validated record.
struct IssueBuilder {
    let configuration: Configuration
    let templates: TemplateLibrary

    /// A key that can never be a real one (it holds an L, outside the key alphabet), for previews.
    static let sampleKey = AuthenticationKey(symbols: "SAMPLESAMPLESAMPLESA")

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func build(_ record: ContractRecord, key: AuthenticationKey, epochSeconds: Int, sample: Bool = false) throws(Failure) -> IssueBundle {
        let certificate = Certificate(
            record: record, ordererTitle: OrdererTitle.resolve(record.orderer), surety: configuration.mail.suretyName,
            issuedAt: JST.iso8601(epochSeconds: epochSeconds), keyDigest: key.digest(contractNumber: record.contractNumber))
        let facts = DocumentFacts(
            certificate: certificate, record: record, issuedOn: JST.components(epochSeconds: epochSeconds).date, key: key.grouped)
        let renderer = DocumentRenderer(templates: templates)
        var documents: [(kind: DocumentKind, bytes: [UInt8])] = []
        do {
            for kind in DocumentKind.allCases {
                documents.append((kind, try renderer.render(kind, facts: facts, extra: ["sample": sample])))
            }
        } catch {
            throw Failure(description: error.description)
        }
        let attachments = documents.map {
            MailMessage.Attachment(filename: $0.kind.attachmentName(for: certificate), contentType: "application/pdf", bytes: $0.bytes)
        }
        let composer = MessageComposer(mail: configuration.mail, templates: templates)
        let contractor: MailMessage
        do {
            contractor = try composer.contractorMessage(facts, attachments: attachments, epochSeconds: epochSeconds)
        } catch {
            throw Failure(description: error.description)
        }
        return IssueBundle(
            key: key, certificate: certificate, facts: facts, documents: documents,
            messages: [.init(role: "contractor", mail: contractor)])
    }
}
