package import MIME
package import Model
import Store
package import Support

/// 解約 as a version: the current certificate, signed again with the state 解約, the day and the
/// reason, and the current version listed; the same key opens it (no new key, no new documents).
extension IssueBuilder {
    package func buildCancellation(
        _ cancellation: Cancellation, record: ContractRecord, current: Certificate, currentFingerprint: String?, orderer: Orderer,
        epochSeconds: Int, earlierPapers: [MailMessage.Attachment] = []
    ) throws(Failure) -> (certificate: Certificate, json: JSONValue, messages: [IssueBundle.Message]) {
        var certificate = current
        certificate.version = current.currentVersion + 1
        certificate.versions = current.listedVersions(fingerprint: currentFingerprint)
        certificate.amendment = nil
        certificate.changes = nil
        certificate.issuedAt = JST.iso8601(epochSeconds: epochSeconds)
        certificate.state = .cancelled
        certificate.cancelledOn = cancellation.concludedOn
        certificate.cancellationReason = cancellation.reason
        certificate.cancelledAt = JST.iso8601(epochSeconds: epochSeconds)
        let json: JSONValue
        do {
            json = try CertificateSigner.document(certificate, signedBy: signer)
        } catch {
            throw Failure(description: "contract \(record.contractNumber): the cancelled certificate could not be signed: \(error)")
        }
        var facts = DocumentFacts(
            certificate: certificate, record: record, issuedOn: JST.components(epochSeconds: epochSeconds).date, key: "",
            office: configuration.branches.office(record.branch) ?? configuration.branches.standard, viewerURL: configuration.viewerURL)
        facts.fingerprint = CertificateSignature.fingerprint(of: json)
        let composer = MessageComposer(mail: configuration.mail, templates: templates)
        var messages: [IssueBundle.Message] = []
        do {
            messages.append(
                .init(role: .contractor, mail: try composer.cancellationMessage(facts, orderer: nil, epochSeconds: epochSeconds, attachments: earlierPapers)))
            if SubmissionPlan(guide: SubmissionGuide(orderer: orderer, guaranteeType: record.guaranteeType), version: .cancellation).mailsOrderer {
                messages.append(.init(role: .orderer, mail: try composer.cancellationMessage(facts, orderer: orderer, epochSeconds: epochSeconds)))
            }
        } catch {
            throw Failure(description: error.description)
        }
        return (certificate, json, messages)
    }
}
