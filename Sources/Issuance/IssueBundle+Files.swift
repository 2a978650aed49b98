import Model
package import Store
import Support

/// An `IssueBundle` in the spool's terms, for `ContractStore` to commit.
extension IssueBundle {
    package func files(contractNumber number: String, record: [UInt8], source: [UInt8], mailFrom: String, epoch: Int) -> ContractFiles {
        ContractFiles(
            certificate: Array(certificateJSON.pretty.utf8), key: Array((key.grouped + "\n").utf8), record: record, source: source,
            documents: documents.map { ($0.kind.fileName, $0.bytes) },
            messages: messages.map { message in
                let key = MessageKey(contract: number, version: certificate.currentVersion, role: message.role)
                return ContractFiles.Message(
                    key: key, plan: message.mail.plan(),
                    envelope: Envelope(
                        key: key, messageID: message.mail.messageID, mailFrom: mailFrom, recipients: message.mail.envelopeRecipients,
                        cc: message.mail.cc.map(\.address), queuedAt: epoch))
            })
    }
}
