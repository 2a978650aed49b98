package import Config
import Model
package import Store
import Support

/// Decides what a returned message means for the spool: which sending it reports on (by the
/// return path's token; by the returned Message-ID only when no tokened return path is configured),
/// and which of that message's recipients failed or were delayed. Everything it cannot tie to a message mailbatch sent, with a
/// recipient that message had, is set aside with the reason.
package struct BounceMatcher {
    package let spool: Spool
    package let settings: BounceSettings?
    package var sisimai: SisimaiReader?

    package struct Target {
        package enum Place { case sent, outbox, failed }
        package let path: String
        package let envelope: Envelope
        package let place: Place

        package init(path: String, envelope: Envelope, place: Place) {
            self.path = path
            self.envelope = envelope
            self.place = place
        }
    }

    package enum Decision {
        case apply(Target, failed: [ReturnedMail.Recipient], delayed: [ReturnedMail.Recipient])
        case setAside(String)
    }

    package func decide(_ bytes: [UInt8]) -> Decision {
        let mail = ReturnedMail.read(bytes, sisimai: sisimai)
        switch mail.kind {
        case .autoReply(let why): return .setAside("an automatic reply (\(why)), not a delivery report")
        case .notAReport(let why): return .setAside(why)
        case .report: break
        }
        var candidates: [Target]
        /// The recipients the token was given to: a report speaks of them alone.
        var givenTo: [String]?
        if let returnPath = settings?.returnPath,
            let (address, token) = mail.deliveredTo.lazy.compactMap({ a in returnPath.token(in: a).map { (a, $0) } }).first
        {
            switch ReturnPath.parse(token: token) {
            case .sending(let key)?: candidates = sendings(key).filter { $0.envelope.recipients(ofToken: token) != nil }
            case .recipient(let contract)?: candidates = sendings(contract: contract).filter { $0.envelope.recipients(ofToken: token) != nil }
            case nil: return .setAside("the token in \(address) is not one mailbatch makes")
            }
            if candidates.isEmpty { return .setAside("no message was sent with the return path \(address): forged, or for another system") }
            givenTo = candidates.last?.envelope.recipients(ofToken: token)
            let about = mail.recipients.compactMap(\.address)
            if let givenTo, !about.isEmpty, !about.contains(where: { a in givenTo.contains { $0.lowercased() == a.lowercased() } }) {
                return .setAside(
                    "the report names \(about.joined(separator: ", ")), but its return path \(address) was given to \(givenTo.joined(separator: ", ")) alone: not applied, since a recipient can speak only of itself"
                )
            }
        } else if settings?.returnPath != nil {
            // With a tokened return path a genuine report comes back to the token's address; one to the
            // bare address could have been written by anyone who received the mail.
            let about = mail.originalMessageID.map { " (it quotes the Message-ID <\($0)>)" } ?? ""
            return .setAside(
                "the report was not addressed to a return-path token\(about): not applied, since anyone who received the mail could write one; if it is genuine, fix the address with `mailbatch resend`"
            )
        } else if let id = mail.originalMessageID {
            guard let key = MessageKey.parse(messageID: id) else { return .setAside("the returned Message-ID <\(id)> is not one of mailbatch's") }
            candidates = sendings(key).filter { $0.envelope.messageID == id }
            if candidates.isEmpty { return .setAside("no message with Message-ID <\(id)> was sent") }
        } else {
            return .setAside("the report names neither a return-path token nor the Message-ID of the returned message")
        }
        // The latest sending whose recipients the report names (a re-send keeps its Message-ID).
        for target in candidates.reversed() {
            let eligible = givenTo ?? target.envelope.recipients
            var named = mail.recipients.filter { r in r.address.map { a in eligible.contains { $0.lowercased() == a.lowercased() } } ?? true }
            // A report that names no address is about the one recipient its token was given to.
            if let only = givenTo, only.count == 1 { for i in named.indices where named[i].address == nil { named[i].address = only[0] } }
            let failed = named.filter { $0.action == .failed }
            let delayed = named.filter { $0.action == .delayed }
            if !failed.isEmpty || !delayed.isEmpty { return .apply(target, failed: failed, delayed: delayed) }
        }
        let named = mail.recipients.compactMap(\.address).joined(separator: ", ")
        if mail.recipients.allSatisfy({ $0.action != .failed && $0.action != .delayed }) {
            return .setAside("the report says the message was delivered or relayed (\(named)); nothing to do")
        }
        return .setAside("the report is about \(named.isEmpty ? "no named recipient" : named), not a recipient of that message")
    }

    /// Every sending of any message of the contract (a token of this mailbatch names the contract
    /// alone), oldest first per message.
    private func sendings(contract: String) -> [Target] {
        guard let folder = spool.issuedContract(contract) else { return [] }
        var keys = Set<MessageKey>()
        for file in (try? PosixFS.list(folder.sent)) ?? [] where file.hasSuffix(".json") {
            if let e = try? Envelope.decode(PosixFS.read("\(folder.sent)/\(file)")) { keys.insert(e.key) }
        }
        for place in [spool.outbox, spool.failed] {
            for file in (try? spool.queueEntries(in: place, of: contract)) ?? [] {
                if let e = try? Envelope.decode(PosixFS.read("\(place)/\(file)")) { keys.insert(e.key) }
            }
        }
        return keys.sorted { $0.description < $1.description }.flatMap { sendings($0) }
    }

    /// Every place a sending of this contract's message may be after its 250: `sent/`, the outbox
    /// (a crash before the move), `failed/` (a bounce already applied). Oldest first.
    private func sendings(_ key: MessageKey) -> [Target] {
        guard let folder = spool.issuedContract(key.contract) else { return [] }
        var result: [Target] = []
        let sent = ((try? PosixFS.list(folder.sent)) ?? []).filter(key.isSentFile)
        for file in sent.sorted(by: { MessageKey.sentEpoch($0) < MessageKey.sentEpoch($1) }) {
            let path = "\(folder.sent)/\(file)"
            if let e = try? Envelope.decode(PosixFS.read(path)) { result.append(Target(path: path, envelope: e, place: .sent)) }
        }
        let outbox = spool.outboxFile(key)
        if let e = try? Envelope.decode(PosixFS.read(outbox)), e.attempts.last?.outcome == .sent {
            result.append(Target(path: outbox, envelope: e, place: .outbox))
        }
        for file in (try? spool.queueEntries(in: spool.failed, of: key.contract)) ?? [] {
            let path = "\(spool.failed)/\(file)"
            if let e = try? Envelope.decode(PosixFS.read(path)), e.key == key, e.bounce != nil {
                result.insert(Target(path: path, envelope: e, place: .failed), at: 0)
            }
        }
        return result
    }

    package init(spool: Spool, settings: BounceSettings?, sisimai: SisimaiReader? = nil) {
        self.spool = spool
        self.settings = settings
        self.sisimai = sisimai
    }
}
