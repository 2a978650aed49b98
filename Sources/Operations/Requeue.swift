import MIME
import Model
package import Store
import Support
import Transport

/// `resend` and `retry`: put stored messages back in the outbox, under the spool lock, recording
/// who asked and when in the contract's history.
package struct Requeue {
    package let spool: Spool
    package var now: @Sendable () -> Int = { WallClock.epochSeconds() }

    package enum Target: String, CaseIterable, Sendable {
        case contractor, orderer, all
    }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    private func folder(_ number: String) throws(Spool.NotIssued) -> ContractFolder { try spool.requireIssued(number) }

    /// A revoked certificate's mail is never sent again (the run would withdraw it): say so now rather
    /// than answer "queued".
    private func refuseRevoked(_ folder: ContractFolder, _ number: String) throws(Failure) {
        guard let (certificate, _, _) = folder.readCertificate(), certificate.state == .revoked else { return }
        throw Failure(description: "contract \(number) was revoked (失効) on \(certificate.revokedAt ?? "?"); its mail is not sent again")
    }

    /// A change of the Cc on a re-send.
    package enum CcChange: Sendable, Equatable {
        case replace(String)
        case drop
    }

    /// Queues the stored notification(s) of a contract again, as issued (same key, same documents,
    /// same Message-ID); with `address`, to that address instead of the original To; with `cc`, with
    /// that Cc instead of the original one, or none.
    /// The current version's mails: after a change (変更) that is the change's, never the original's.
    package func resend(_ number: String, to target: Target, address: String?, cc: CcChange? = nil, by request: OperatorRequest) throws -> [String] {
        let folder = try folder(number)
        try refuseRevoked(folder, number)
        let version = folder.currentVersion
        let chosen = MessageRole.allCases.map { MessageKey(contract: number, version: version, role: $0) }.filter { key in
            PosixFS.exists(folder.envelope(key)) && (target == .all || key.role.rawValue == target.rawValue)
        }
        guard !chosen.isEmpty else { throw Failure(description: "contract \(number) has no \(target.rawValue) message") }
        for given in [address, cc.flatMap { if case .replace(let a) = $0 { a } else { nil } }].compactMap({ $0 }) {
            guard EmailAddress.isPlainAddrSpec(given) else { throw Failure(description: "\(given) is not a plain e-mail address") }
        }
        if address != nil || cc != nil {
            guard chosen.count == 1 else { throw Failure(description: "--address and --cc need --to contractor or --to orderer") }
        }
        var done: [String] = []
        for key in chosen {
            let role = key.role
            let target = spool.outboxFile(key)
            // A queued message is left as it is unless the re-send corrects its address or Cc: then the
            // corrected one takes its place in the outbox (the spool lock keeps a run from sending meanwhile).
            if PosixFS.exists(target), address == nil, cc == nil {
                done.append("\(role): already queued (outbox/\(key.queueName)); use `mailbatch retry \(number)` to send it now")
                continue
            }
            var envelope = try Envelope.decode(PosixFS.read(folder.envelope(key)))
            let epoch = now()
            var copy: (name: String, bytes: [UInt8])?
            if address != nil || cc != nil {
                // The stored message as issued: its plan (whose headers are the message's own), or a
                // whole `.eml` from a spool of format 2. Only the headers are rewritten.
                let stored = envelope.messagePath
                var message = try PosixFS.read("\(spool.root)/\(stored)")
                // Envelopes from before To and Cc were kept apart: the Cc is read from the stored message.
                var copies = envelope.cc ?? ccAddresses(message).filter { envelope.recipients.contains($0) }
                var to = envelope.recipients.filter { !copies.contains($0) }
                if let address {
                    to = [address]
                    message = HeaderRewrite.replacing("To", with: MIMEEncoder.addressHeader("To", [Mailbox(displayName: nil, address: address)]), in: message)
                }
                switch cc {
                case .replace(let copy)?:
                    copies = [copy]
                    message = HeaderRewrite.replacing("Cc", with: MIMEEncoder.addressHeader("Cc", [Mailbox(displayName: nil, address: copy)]), in: message)
                case .drop?:
                    copies = []
                    message = HeaderRewrite.removing("Cc", in: message)
                case nil: break
                }
                let file = key.resendName(epoch: epoch, plan: stored.hasSuffix(".plan"))
                copy = (file, message)
                envelope = Envelope(
                    key: key, messageID: envelope.messageID, mailFrom: envelope.mailFrom, recipients: to + copies, cc: copies,
                    messagePath: key.storedPath(file), queuedAt: epoch)
            }
            envelope.queuedAt = epoch
            envelope.nextAttemptAt = epoch
            envelope.attempts = []
            envelope.token = nil
            envelope.tokens = nil
            envelope.bounce = nil
            envelope.pending = nil
            envelope.refused = nil
            envelope.recipientBounces = nil
            let line =
                "\(JST.iso8601(epochSeconds: epoch)) resend of the \(role) mail to \(envelope.recipients.joined(separator: ", ")) requested by \(request.phrase)"
            if let copy {
                // The correction is kept as the message's stored envelope, so a later plain re-send goes to
                // the corrected address too, and `retry` knows a failed copy to the old one is replaced
                // (also when a kill cut this short before the failed one was retired below).
                try spool.write(copy.bytes, to: "\(folder.messages)/\(copy.name)")
                try spool.write(envelope.encoded(), to: folder.envelope(key))
            }
            try ContractStore(spool: spool).queue(envelope, storing: nil, history: line)
            try spool.clearRecipientProblems(key)
            let replaced = try retireFailed(key, in: folder, epoch: epoch, reason: "replaced by the resend to \(envelope.recipients.joined(separator: ", "))")
            done.append("\(role): queued to \(envelope.recipients.joined(separator: ", "))")
            done += replaced.map { "\(role): failed/\($0) replaced by this resend (kept in the contract's sent/ as withdrawn)" }
        }
        return done
    }

    /// A failed message that a re-send replaces leaves `failed/`: `retry` must not send it to the old
    /// address again, and `status` no longer counts it as failed. It is kept in the contract's `sent/` as
    /// withdrawn, with the reason as its last attempt, so `show` and the desk still list it.
    private func retireFailed(_ key: MessageKey, in folder: ContractFolder, epoch: Int, reason: String) throws -> [String] {
        var retired: [String] = []
        for file in try spool.queueEntries(in: spool.failed, of: key.contract) {
            let path = "\(spool.failed)/\(file)"
            guard var envelope = try? Envelope.decode(PosixFS.read(path)), envelope.key == key else { continue }
            envelope.attempts.append(.init(at: JST.iso8601(epochSeconds: epoch), outcome: .withdrawn, reply: reason))
            try spool.write(envelope.encoded(), to: path)
            let name = spool.freeName(Envelope.withdrawnName(key, epoch: epoch), in: folder.sent)
            try PosixFS.move(path, to: "\(folder.sent)/\(name)")
            try PosixFS.syncDirectory(folder.sent)
            try PosixFS.syncDirectory(spool.failed)
            retired.append(file)
        }
        return retired
    }

    /// The corrected recipients, when a resend to a corrected address replaced this failed message: the
    /// message's stored envelope now names recipients that this one's are not among.
    private func correctedAddress(of failed: Envelope) -> String? {
        let folder = ContractFolder(path: spool.contractFolder(failed.contractNumber))
        guard let stored = try? Envelope.decode(PosixFS.read(folder.envelope(failed.key))), stored.messageID == failed.messageID,
            !Set(failed.recipients).isSubset(of: Set(stored.recipients))
        else { return nil }
        return stored.recipients.joined(separator: ", ")
    }

    /// The Cc addresses of a stored message.
    private func ccAddresses(_ message: [UInt8]) -> [String] {
        let text = String(decoding: message.prefix(8192), as: UTF8.self)
        guard let start = text.range(of: "\r\nCc: ") else { return [] }
        var field = ""
        for line in text[start.upperBound...].components(separatedBy: "\r\n") {
            if !field.isEmpty, !(line.hasPrefix(" ") || line.hasPrefix("\t")) { break }
            field += line
        }
        return field.split(whereSeparator: { "<>, ".contains($0) }).map(String.init).filter { EmailAddress.isPlainAddrSpec($0) }
    }

    /// Makes deferred messages due now and puts failed ones back in the outbox with a fresh lifetime.
    package func retry(_ number: String?, by request: OperatorRequest) throws -> [String] {
        if let number { try refuseRevoked(try folder(number), number) }
        var done: [String] = []
        let epoch = now()
        for file in try spool.queueEntries(in: spool.outbox, of: number) {
            let path = "\(spool.outbox)/\(file)"
            var envelope = try Envelope.decode(PosixFS.read(path))
            envelope.nextAttemptAt = epoch
            try spool.write(envelope.encoded(), to: path)
            try? PosixFS.appendLine(
                "\(JST.iso8601(epochSeconds: epoch)) retry of the queued \(envelope.role) mail (due now) requested by \(request.phrase)",
                to: ContractFolder(path: spool.contractFolder(envelope.contractNumber)).history)
            done.append("outbox/\(file): due now")
        }
        for file in try spool.queueEntries(in: spool.failed, of: number) {
            let path = "\(spool.failed)/\(file)"
            guard var envelope = try? Envelope.decode(PosixFS.read(path)) else { continue }
            if let correction = correctedAddress(of: envelope) {
                let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
                for retired in try retireFailed(envelope.key, in: folder, epoch: epoch, reason: "replaced by the resend to \(correction)") {
                    done.append("failed/\(retired): not retried, a resend to \(correction) replaced it (kept in the contract's sent/ as withdrawn)")
                }
                continue
            }
            envelope.queuedAt = epoch
            envelope.nextAttemptAt = epoch
            // A new sending: a new return-path token; the bounce stays in the history.
            envelope.token = nil
            envelope.tokens = nil
            envelope.bounce = nil
            let line = "\(JST.iso8601(epochSeconds: epoch)) retry of the failed \(envelope.role) mail requested by \(request.phrase)"
            guard try ContractStore(spool: spool).retryFailed(file, as: envelope, history: line) else {
                done.append("failed/\(file): left (outbox/\(envelope.fileName) is already queued)")
                continue
            }
            done.append("failed/\(file): back in the outbox, due now")
        }
        return done
    }

    package init(spool: Spool, now: @escaping @Sendable () -> Int = { WallClock.epochSeconds() }) {
        self.spool = spool
        self.now = now
    }
}
