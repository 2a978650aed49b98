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
        for number in try spool.viewedContracts() {
            let folder = ContractFolder(path: spool.contractFolder(number))
            guard let (certificate, _, _) = folder.readCertificate(), certificate.state == .valid,
                let view = spool.currentView(of: certificate), view.notified != true,
                !PosixFS.exists(spool.outboxFile(MessageKey(contract: number, version: certificate.currentVersion, role: .viewNotice))),
                let record = try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record)))
            else { continue }
            let facts = DocumentFacts(
                certificate: certificate, record: record, issuedOn: JST.components(epochSeconds: view.at).date, key: "",
                office: configuration.branches.office(record.branch) ?? configuration.branches.standard, viewerURL: configuration.viewerURL)
            let epoch = now()
            let mail = try MessageComposer(mail: configuration.mail, templates: templates).viewNoticeMessage(
                facts, viewedAt: view.at, epochSeconds: epoch)
            let key = MessageKey(contract: number, version: certificate.currentVersion, role: .viewNotice)
            let file = key.noticeName(keyVersion: Spool.viewVersion(certificate.keyDigest))
            let envelope = Envelope(
                key: key, messageID: mail.messageID, mailFrom: configuration.mail.from.address, recipients: mail.envelopeRecipients,
                messagePath: key.storedPath(file), queuedAt: epoch)
            let line =
                "\(JST.iso8601(epochSeconds: epoch)) version \(certificate.currentVersion) was first opened with its key at \(JST.iso8601(epochSeconds: view.at)) (\(view.client)); the contractor is told by mail"
            try ContractStore(spool: spool).queue(envelope, storing: (file, mail.rendered()), history: line)
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
