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
        let notice = ContractorNotice(configuration: configuration, spool: spool, role: .receiptNotice)
        for number in numbers {
            guard let (certificate, record) = notice.subject(number), let receipt = spool.currentReceipt(of: certificate),
                receipt.notified != true
            else { continue }
            let epoch = now()
            let mail = try MessageComposer(mail: configuration.mail, templates: templates).receiptNoticeMessage(
                notice.facts(certificate, record, at: receipt.at), receipt: receipt, epochSeconds: epoch)
            try notice.queue(
                mail, for: certificate, epoch: epoch,
                history:
                    "\(JST.iso8601(epochSeconds: epoch)) the orderer confirmed receipt of version \(certificate.currentVersion) at \(JST.iso8601(epochSeconds: receipt.at)) (\(receipt.client)); the contractor is told by mail"
            )
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
