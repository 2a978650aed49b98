package import Config
package import MIME
package import Model
import Store
package import Support

/// Everything issued for one contract, built in memory before anything is written: the key, the
/// 電子証書, the four PDFs and the notification mails. `Issuer` commits it to the spool; `preview`
/// writes it to a folder with a sample key.
package struct IssueBundle {
    package struct Message {
        package let role: MessageRole
        package let mail: MailMessage

        package init(role: MessageRole, mail: MailMessage) {
            self.role = role
            self.mail = mail
        }
    }

    package let key: AuthenticationKey
    package let certificate: Certificate
    /// `certificate.json` as written: the certificate with its signature when a signing key is set.
    package let certificateJSON: JSONValue
    package let facts: DocumentFacts
    package let documents: [(kind: DocumentKind, bytes: [UInt8])]
    package let messages: [Message]

    package init(
        key: AuthenticationKey, certificate: Certificate, certificateJSON: JSONValue, facts: DocumentFacts, documents: [(kind: DocumentKind, bytes: [UInt8])],
        messages: [Message]
    ) {
        self.key = key
        self.certificate = certificate
        self.certificateJSON = certificateJSON
        self.facts = facts
        self.documents = documents
        self.messages = messages
    }
}

/// Builds an `IssueBundle` from a validated record.
package struct IssueBuilder: Sendable {
    package let configuration: Configuration
    package let templates: TemplateLibrary
    package var signer: CertificateSigner?
    package var stages = StageTimer()
    /// `[pdf_signing]`: signs the print-out, the statement and the receipt; nil leaves them unsigned.
    package var pdfSigning: DocumentSigning?

    /// A key that can never be a real one (it holds an L, outside the key alphabet), for previews.
    package static let sampleKey = AuthenticationKey(symbols: "SAMPLESAMPLESAMPLESA")

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        /// The time-stamp authority did not answer: try again later, nothing is wrong with the record.
        package var temporary = false

        package init(description: String, temporary: Bool = false) {
            self.description = description
            self.temporary = temporary
        }
    }

    /// A change (変更) of an issued version: what it changes and the version it follows.
    package struct Change {
        package let previous: Certificate
        /// The short fingerprint of the previous version's signature, listed in the new one.
        package let previousFingerprint: String?
        package let changes: [Certificate.Change]
        package let mailOnly: [Certificate.Change]
        /// Earlier versions' premium papers whose contractor mail was never sent (`EarlierPapers`):
        /// that mail is withdrawn, so this version's carries them.
        package var earlierPapers: [MailMessage.Attachment] = []

        package init(
            previous: Certificate, previousFingerprint: String?, changes: [Certificate.Change], mailOnly: [Certificate.Change],
            earlierPapers: [MailMessage.Attachment] = []
        ) {
            self.previous = previous
            self.previousFingerprint = previousFingerprint
            self.changes = changes
            self.mailOnly = mailOnly
            self.earlierPapers = earlierPapers
        }
    }

    /// Builds everything for a contract. With `previous` (a key reissue) the certificate keeps its
    /// first issue time and lists the replaced key's digest as revoked. With `change` it is the next
    /// version: a new key, the 変更内容, the earlier versions listed, and the additional premium's papers.
    package func build(
        _ record: ContractRecord, orderer: Orderer, title: String, key: AuthenticationKey, epochSeconds: Int, sample: Bool = false,
        previous: Certificate? = nil, change: Change? = nil
    ) throws(Failure) -> IssueBundle {
        var certificate = Certificate(
            record: record, ordererTitle: title, surety: configuration.mail.suretyName,
            issuedAt: JST.iso8601(epochSeconds: epochSeconds), keyDigest: key.digest(contractNumber: record.contractNumber))
        if let previous {
            certificate = previous
            certificate.keyDigest = key.digest(contractNumber: record.contractNumber)
            certificate.revokedKeyDigests = (previous.revokedKeyDigests ?? []) + [previous.keyDigest]
            certificate.keyReissuedAt = JST.iso8601(epochSeconds: epochSeconds)
        }
        if let change, let amendment = record.amendment {
            certificate.version = change.previous.currentVersion + 1
            certificate.amendment = .init(number: amendment.number, concludedOn: amendment.concludedOn, reason: amendment.reason)
            certificate.changes = change.changes
            certificate.versions = change.previous.listedVersions(fingerprint: change.previousFingerprint)
            certificate.revokedKeyDigests = change.previous.revokedKeyDigests
        }
        let certificateJSON: JSONValue
        do {
            certificateJSON = try stages.measure("sign") { () throws in try CertificateSigner.document(certificate, signedBy: signer) }
        } catch {
            throw Failure(description: "contract \(record.contractNumber): the certificate could not be written: \(error)")
        }
        var facts = DocumentFacts(
            certificate: certificate, record: record, issuedOn: JST.components(epochSeconds: epochSeconds).date, key: key.grouped,
            office: configuration.branches.office(record.branch) ?? configuration.branches.standard, viewerURL: configuration.viewerURL)
        facts.fingerprint = CertificateSignature.fingerprint(of: certificateJSON)
        var kinds = DocumentKind.allCases
        if let amendment = record.amendment, certificate.amendment != nil {
            // A changed version's own papers (also when its key is reissued): the additional premium's, when there is one.
            facts.premium = Premium(base: amendment.premium, discount: 0)
            facts.premiumPaidOn = amendment.concludedOn
            facts.mailOnlyChanges = change?.mailOnly ?? []
            kinds = amendment.premium > 0 ? DocumentKind.allCases : [.keyNotice, .certificate]
        }
        var plan = SubmissionPlan(
            guide: SubmissionGuide(orderer: orderer, guaranteeType: record.guaranteeType),
            version: .of(record, change: change, reissue: previous != nil))
        plan.carriesEarlierPapers = !(change?.earlierPapers.isEmpty ?? true)
        let renderer = DocumentRenderer(templates: templates)
        var documents: [(kind: DocumentKind, bytes: [UInt8])] = []
        do {
            try stages.measure("render") { () throws(DocumentRenderer.Failure) in
                documents = try renderer.render(
                    kinds, facts: facts, extra: plan.documentFlags.merging(["sample": sample]) { _, new in new },
                    signatureNotice: pdfSigning?.notice(configuration.mail.suretyName))
            }
        } catch {
            throw Failure(description: error.description)
        }
        if let pdfSigning {
            do {
                try stages.measure("pdf-sign") { () throws(DocumentSigning.Failure) in
                    documents = try pdfSigning.sign(documents, epochSeconds: epochSeconds)
                }
            } catch {
                if case .timestampUnavailable = error {
                    throw Failure(description: "contract \(record.contractNumber): \(error.description)", temporary: true)
                }
                throw Failure(description: "contract \(record.contractNumber): \(error.description)")
            }
            facts.receiptSigned = documents.contains { $0.kind == .receipt }
            facts.receiptTimestamped = facts.receiptSigned && pdfSigning.authority != nil
        }
        let attachments = documents.map {
            MailMessage.Attachment(
                filename: pdfSigning == nil
                    ? $0.kind.attachmentName(for: certificate)
                    : BookkeepingNames.name($0.kind, facts: facts, surety: configuration.mail.suretyName) ?? $0.kind.attachmentName(for: certificate),
                contentType: "application/pdf", bytes: $0.bytes,
                reference: DocumentReference(
                    version: certificate.currentVersion, file: $0.kind.fileName, size: $0.bytes.count, sha256: SHA256Hex.of($0.bytes)))
        }
        let composer = MessageComposer(mail: configuration.mail, templates: templates)
        var messages: [IssueBundle.Message] = []
        let composeStart = StageTimer.nanoseconds()
        defer { stages.add("compose", StageTimer.nanoseconds() - composeStart) }
        do {
            let contractor = try composer.contractorMessage(
                facts, plan: plan, attachments: attachments + (change?.earlierPapers ?? []), epochSeconds: epochSeconds)
            messages.append(.init(role: .contractor, mail: contractor))
            if plan.mailsOrderer {
                var forOrderer = attachments.enumerated().filter { plan.ordererDocuments.contains(documents[$0.offset].kind) }.map(\.element)
                if plan.ordererGetsData {
                    forOrderer.append(
                        .init(
                            filename: DocumentKind.dataAttachmentName(for: certificate), contentType: "application/json",
                            bytes: Array(certificateJSON.withoutCredentials.pretty.utf8)))
                }
                let mail = try composer.ordererMessage(facts, plan: plan, attachments: forOrderer, epochSeconds: epochSeconds)
                messages.append(.init(role: .orderer, mail: mail))
            }
        } catch {
            throw Failure(description: error.description)
        }
        return IssueBundle(
            key: key, certificate: certificate, certificateJSON: certificateJSON, facts: facts, documents: documents, messages: messages)
    }

    package init(
        configuration: Configuration, templates: TemplateLibrary, signer: CertificateSigner? = nil, stages: StageTimer = StageTimer(),
        pdfSigning: DocumentSigning? = nil
    ) {
        self.configuration = configuration
        self.templates = templates
        self.signer = signer
        self.stages = stages
        self.pdfSigning = pdfSigning
    }
}
