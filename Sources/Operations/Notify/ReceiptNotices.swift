package import Config
import Foundation
import Issuance
import Model
package import Store
import Support

/// 「日置市様が電子証書の受領を確認しました」: one short mail to the contractor per certificate
/// version the orderer confirmed in the viewer. A run queues it like any message; the receipt is
/// marked as told only after its mail is queued, and a notice already in the outbox is not queued twice.
package struct ReceiptNotices {
    package let configuration: Configuration
    package let now: @Sendable () -> Int

    package func queue(_ spool: Spool) throws -> Int {
        let numbers = try spool.confirmedContracts()
        guard !numbers.isEmpty else { return 0 }
        let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        var queued = 0
        for number in numbers {
            let folder = ContractFolder(path: spool.contractFolder(number))
            guard let (certificate, _, _) = folder.readCertificate(), certificate.state == .valid,
                let receipt = spool.currentReceipt(of: certificate), receipt.notified != true,
                !PosixFS.exists(spool.outboxFile(MessageKey(contract: number, version: certificate.currentVersion, role: .receiptNotice))),
                let record = try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record)))
            else { continue }
            let facts = DocumentFacts(
                certificate: certificate, record: record, issuedOn: JST.components(epochSeconds: receipt.at).date, key: "",
                office: configuration.branches.office(record.branch) ?? configuration.branches.standard, viewerURL: configuration.viewerURL)
            let epoch = now()
            let mail = try MessageComposer(mail: configuration.mail, templates: templates).receiptNoticeMessage(
                facts, receipt: receipt, epochSeconds: epoch)
            let key = MessageKey(contract: number, version: certificate.currentVersion, role: .receiptNotice)
            let file = key.noticeName(keyVersion: Spool.viewVersion(certificate.keyDigest))
            let envelope = Envelope(
                key: key, messageID: mail.messageID, mailFrom: configuration.mail.from.address, recipients: mail.envelopeRecipients,
                messagePath: key.storedPath(file), queuedAt: epoch)
            let line =
                "\(JST.iso8601(epochSeconds: epoch)) the orderer confirmed receipt of version \(certificate.currentVersion) at \(JST.iso8601(epochSeconds: receipt.at)) (\(receipt.client)); the contractor is told by mail"
            try ContractStore(spool: spool).queue(envelope, storing: (file, mail.rendered()), history: line)
            try spool.markReceiptNotified(number: number, keyDigest: certificate.keyDigest)
            queued += 1
        }
        return queued
    }

    package init(configuration: Configuration, now: @escaping @Sendable () -> Int) {
        self.configuration = configuration
        self.now = now
    }
}
