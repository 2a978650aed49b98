import Glibc

/// Issues one eligible contract: a new key, the 電子証書, the PDFs and the mails, all built in a temp
/// folder and renamed into `contracts/<保証契約番号>/` in one step (the commit point). Before that
/// rename nothing of it exists; after it, everything does.
struct Issuer {
    let spool: Spool
    let configuration: Configuration
    let templates: TemplateLibrary
    let now: @Sendable () -> Int

    struct Issued {
        let folder: ContractFolder
        let envelopes: [Envelope]
    }

    enum Failure: Error, CustomStringConvertible {
        case fileSystem(FileSystemError)
        case template(TemplateLibrary.Failure)
        case alreadyIssued(String)

        var description: String {
            switch self {
            case .fileSystem(let error): error.description
            case .template(let error): error.description
            case .alreadyIssued(let number): "contract \(number) was issued meanwhile"
            }
        }
    }

    func issue(_ record: ContractRecord, normalized: [UInt8], source: [UInt8]) throws(Failure) -> Issued {
        let epoch = now()
        let key = AuthenticationKey.generate()
        let certificate = Certificate(
            record: record, ordererTitle: OrdererTitle.resolve(record.orderer), surety: configuration.mail.suretyName,
            issuedAt: JST.iso8601(epochSeconds: epoch), keyDigest: key.digest(contractNumber: record.contractNumber))
        let facts = DocumentFacts(certificate: certificate, issuedOn: JST.components(epochSeconds: epoch).date, key: key.grouped)

        let keyNotice: [UInt8]
        let contractorMail: MailMessage
        do {
            keyNotice = try KeyNoticeDocument.render(facts, templates: templates)
            let attachments = [
                MailMessage.Attachment(
                    filename: "\(KeyNoticeDocument.title)_\(record.contractNumber).pdf", contentType: "application/pdf", bytes: keyNotice)
            ]
            contractorMail = try MessageComposer(mail: configuration.mail, templates: templates)
                .contractorMessage(facts, attachments: attachments, epochSeconds: epoch)
        } catch {
            throw .template(error)
        }

        let temp = "\(spool.temp)/\(record.contractNumber).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let built = ContractFolder(path: temp)
        let final = ContractFolder(path: spool.contractFolder(record.contractNumber))
        let envelope = Envelope(
            messageID: contractorMail.messageID, contractNumber: record.contractNumber, role: "contractor",
            mailFrom: configuration.mail.from.address, recipients: contractorMail.envelopeRecipients,
            messagePath: "contracts/\(record.contractNumber)/messages/contractor.eml",
            queuedAt: epoch, nextAttemptAt: epoch, attempts: [])
        do {
            try PosixFS.makeDirectory(temp)
            try PosixFS.makeDirectory(built.documents)
            try PosixFS.makeDirectory(built.messages)
            try PosixFS.makeDirectory(built.sent)
            try PosixFS.writeNew(normalized, to: built.record, sync: true)
            try PosixFS.writeNew(source, to: built.source, sync: true)
            try PosixFS.writeNew(SpoolJSON.encode(certificate), to: built.certificate, sync: true)
            try PosixFS.writeNew(Array((key.grouped + "\n").utf8), to: built.key, sync: true)
            try PosixFS.writeNew(keyNotice, to: built.documents + "/key-notice.pdf", sync: true)
            try PosixFS.writeNew(contractorMail.rendered(), to: built.message("contractor"), sync: true)
            try PosixFS.writeNew(envelope.encoded(), to: built.envelope("contractor"), sync: true)
            try PosixFS.writeNew(Array("\(JST.iso8601(epochSeconds: epoch)) issued by \(ProcessUser.name)\n".utf8), to: built.history, sync: true)
            for folder in [built.documents, built.messages, built.sent, temp] { try PosixFS.syncDirectory(folder) }
            if PosixFS.exists(final.path) { throw Failure.alreadyIssued(record.contractNumber) }
            try PosixFS.move(temp, to: final.path)
            try PosixFS.syncDirectory(spool.contracts)
        } catch let error as FileSystemError {
            try? PosixFS.removeTree(temp)
            throw .fileSystem(error)
        } catch let error as Failure {
            try? PosixFS.removeTree(temp)
            throw error
        } catch {
            try? PosixFS.removeTree(temp)
            throw .fileSystem(FileSystemError("issue", temp, code: EIO))
        }
        return Issued(folder: final, envelopes: [envelope])
    }
}

/// The OS user running mailbatch, for the contract's history.
enum ProcessUser {
    static var name: String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }
}
