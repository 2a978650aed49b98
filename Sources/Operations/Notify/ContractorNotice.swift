package import Config
import Foundation
package import Issuance
package import MIME
package import Model
package import Store
package import Support

/// What the short per-version notices to the contractor share (a first view, a confirmed receipt):
/// the contract's current valid certificate and its record, the facts as of the event, and queueing
/// through ContractStore under the version's MessageKey — never twice while one waits in the outbox.
package struct ContractorNotice {
    package let configuration: Configuration
    package let spool: Spool
    package let role: MessageRole

    package init(configuration: Configuration, spool: Spool, role: MessageRole) {
        self.configuration = configuration
        self.spool = spool
        self.role = role
    }

    /// The current valid certificate and record of `number`; nil when it is not valid, unreadable, or
    /// this role's notice of its version already waits in the outbox.
    package func subject(_ number: String) -> (certificate: Certificate, record: ContractRecord)? {
        let folder = ContractFolder(path: spool.contractFolder(number))
        guard let (certificate, _, _) = folder.readCertificate(), certificate.state == .valid,
            !PosixFS.exists(spool.outboxFile(MessageKey(contract: number, version: certificate.currentVersion, role: role))),
            let record = try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record)))
        else { return nil }
        return (certificate, record)
    }

    /// The facts a notice renders, as of the event at `at` (never with the key).
    package func facts(_ certificate: Certificate, _ record: ContractRecord, at: Int) -> DocumentFacts {
        DocumentFacts(
            certificate: certificate, record: record, issuedOn: JST.components(epochSeconds: at).date, key: "",
            office: configuration.branches.office(record.branch) ?? configuration.branches.standard, viewerURL: configuration.viewerURL)
    }

    /// Stores and queues `mail` for the certificate's current version, with its history line.
    package func queue(_ mail: MailMessage, for certificate: Certificate, epoch: Int, history: String) throws(FileSystemError) {
        let key = MessageKey(contract: certificate.contractNumber, version: certificate.currentVersion, role: role)
        let file = key.noticeName(keyVersion: Spool.viewVersion(certificate.keyDigest))
        let envelope = Envelope(
            key: key, messageID: mail.messageID, mailFrom: configuration.mail.from.address, recipients: mail.envelopeRecipients,
            messagePath: key.storedPath(file), queuedAt: epoch)
        try ContractStore(spool: spool).queue(envelope, storing: (file, mail.rendered()), history: history)
    }
}
