import Foundation
package import Model
package import Store
package import Support

/// A change (変更) and a cancellation (解約) of an issued contract: each builds the next version and
/// hands it to `ContractStore`, which moves the current one to `versions/<n>/` in the same atomic
/// exchange that puts the new one in place.
extension Issuer {
    /// The current version of an issued contract, as a change or cancellation starts from it.
    package struct Current {
        package let folder: ContractFolder
        package let certificate: Certificate
        package let json: JSONValue
        package let record: ContractRecord

        package init?(_ folder: ContractFolder) {
            guard let (certificate, json, _) = folder.readCertificate(),
                let bytes = try? PosixFS.read(folder.record), let record = try? ContractValidator.validate(bytes)
            else { return nil }
            self.folder = folder
            self.certificate = certificate
            self.json = json
            self.record = record
        }

        package var fingerprint: String? { CertificateSignature.fingerprint(of: json) }
    }

    package func amend(
        _ record: ContractRecord, orderer: Orderer, normalized: [UInt8], source: [UInt8], current: Current, changes: [Certificate.Change],
        mailOnly: [Certificate.Change]
    ) throws(Failure) -> ContractFolder {
        let epoch = now()
        let bundle: IssueBundle
        do {
            bundle = try builder.build(
                record, orderer: orderer, title: current.certificate.obligee.title, key: AuthenticationKey.generate(), epochSeconds: epoch,
                change: .init(
                    previous: current.certificate, previousFingerprint: current.fingerprint, changes: changes, mailOnly: mailOnly,
                    earlierPapers: EarlierPapers.unsent(in: current.folder, current: current.certificate)))
        } catch {
            throw error.temporary ? .timestampUnavailable(error.description) : .template(error.description)
        }
        let number = record.contractNumber
        let files = bundle.files(contractNumber: number, record: normalized, source: source, mailFrom: builder.configuration.mail.from.address, epoch: epoch)
        let what = record.amendment.map { "変更第\($0.number)号 (version \(bundle.certificate.currentVersion))" } ?? "a change"
        return try commit(
            files, number, history: "\(what) issued by \(ProcessUser.name) with a new key; version \(current.certificate.currentVersion) kept in versions/",
            current, epoch)
    }

    package func cancel(_ cancellation: Cancellation, orderer: Orderer, source: [UInt8], current: Current) throws(Failure) -> ContractFolder {
        let epoch = now()
        let built: (certificate: Certificate, json: JSONValue, messages: [IssueBundle.Message])
        do {
            built = try builder.buildCancellation(
                cancellation, record: current.record, current: current.certificate, currentFingerprint: current.fingerprint, orderer: orderer,
                epochSeconds: epoch, earlierPapers: EarlierPapers.unsent(in: current.folder, current: current.certificate))
        } catch {
            throw .template(error.description)
        }
        let number = cancellation.contractNumber
        let version = built.certificate.currentVersion
        let from = builder.configuration.mail.from.address
        let key: [UInt8]
        do {
            key = try PosixFS.read(current.folder.key)
        } catch {
            throw .unreadable(
                "the key file of the issued contract \(number) cannot be read (\(error.description)); restore contracts/\(number)/key from the backup"
            )
        }
        let files: ContractFiles
        do {
            files = ContractFiles(
                certificate: Array(built.json.pretty.utf8), key: key, record: try PosixFS.read(current.folder.record),
                source: source, documents: [],
                messages: built.messages.map { message in
                    let key = MessageKey(contract: number, version: version, role: message.role)
                    return ContractFiles.Message(
                        key: key, plan: message.mail.plan(),
                        envelope: Envelope(
                            key: key, messageID: message.mail.messageID, mailFrom: from, recipients: message.mail.envelopeRecipients,
                            cc: message.mail.cc.map(\.address), queuedAt: epoch))
                })
        } catch {
            throw .fileSystem(error)
        }
        return try commit(
            files, number, history: "cancelled (解約) from \(cancellation.concludedOn) by \(ProcessUser.name) (version \(version), same key)", current, epoch)
    }

    private func commit(_ files: ContractFiles, _ number: String, history: String, _ current: Current, _ epoch: Int) throws(Failure) -> ContractFolder {
        do {
            return try ContractStore(spool: spool).commit(
                files, number: number, history: history, as: .superseding(previous: current.certificate.currentVersion), now: epoch
            ).0
        } catch {
            switch error {
            case .alreadyIssued(let number): throw .alreadyIssued(number)
            case .fileSystem(let fs): throw .fileSystem(fs)
            }
        }
    }
}
