package import Config
import Foundation
package import Issuance
import Model
package import Store
import Support

/// `[notify] contractor_on_view`: one short mail to the contractor when a certificate version is first
/// opened with its key (the orderer or anyone else holding the key: a view is not a confirmation). A run queues
/// it like any message (outbox, retries, bounces); the view is marked as told only after its mail is
/// queued, and a notice already waiting in the outbox is not queued twice.
package struct ViewNotices {
    package let configuration: Configuration
    package let templates: TemplateLibrary
    package let now: @Sendable () -> Int

    package func queue(_ spool: Spool) throws -> Int {
        var queued = 0
        let notice = ContractorNotice(configuration: configuration, spool: spool, role: .viewNotice)
        for number in try spool.viewedContracts() {
            guard let (certificate, record) = notice.subject(number), let view = spool.currentView(of: certificate), view.notified != true
            else { continue }
            let epoch = now()
            let mail = try MessageComposer(mail: configuration.mail, templates: templates).viewNoticeMessage(
                notice.facts(certificate, record, at: view.at), viewedAt: view.at, epochSeconds: epoch)
            try notice.queue(
                mail, for: certificate, epoch: epoch,
                history:
                    "\(JST.iso8601(epochSeconds: epoch)) version \(certificate.currentVersion) was first opened with its key at \(JST.iso8601(epochSeconds: view.at)) (\(view.client)); the contractor is told by mail"
            )
            try spool.markViewNotified(number: number, keyDigest: certificate.keyDigest)
            queued += 1
        }
        return queued
    }

    package init(configuration: Configuration, templates: TemplateLibrary, now: @escaping @Sendable () -> Int) {
        self.configuration = configuration
        self.templates = templates
        self.now = now
    }
}
