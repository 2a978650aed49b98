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

    /// The addressee title: the record's own, else the directory's.
    static func ordererTitle(_ record: ContractRecord, _ orderer: Orderer) -> String? {
        record.orderer.title ?? orderer.title
    }

    func build(
        _ record: ContractRecord, orderer: Orderer, key: AuthenticationKey, epochSeconds: Int, sample: Bool = false
    ) throws(Failure) -> IssueBundle {
        guard let title = Self.ordererTitle(record, orderer) else {
            throw Failure(description: "no addressee title for \(orderer.name): give orderer.title in the record")
        }
        let certificate = Certificate(
            record: record, ordererTitle: title, surety: configuration.mail.suretyName,
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
        let guide = SubmissionGuide(orderer: orderer)
        var messages: [IssueBundle.Message] = []
        do {
            let contractor = try composer.contractorMessage(facts, guide: guide, attachments: attachments, epochSeconds: epochSeconds)
            messages.append(.init(role: "contractor", mail: contractor))
            if guide.mailsOrderer {
                let forOrderer = attachments.enumerated().filter { [.keyNotice, .certificate].contains(documents[$0.offset].kind) }.map(\.element)
                let mail = try composer.ordererMessage(facts, orderer: orderer, attachments: forOrderer, epochSeconds: epochSeconds)
                messages.append(.init(role: "orderer", mail: mail))
            }
        } catch {
            throw Failure(description: error.description)
        }
        return IssueBundle(key: key, certificate: certificate, facts: facts, documents: documents, messages: messages)
    }
}
