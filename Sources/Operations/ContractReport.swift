import Foundation
import Model
package import Store
import Support

/// What `mailbatch show` prints about one contract. Never the key.
package struct ContractReport {
    package let spool: Spool
    package let number: String

    package func text() throws -> String {
        let folder = try spool.requireIssued(number)
        let certificate = try JSONDecoder().decode(Certificate.self, from: Data(PosixFS.read(folder.certificate)))
        let c = certificate
        var out = "保証契約番号: \(c.contractNumber)\n"
        out += "state: \(c.state)   issued: \(c.issuedAt)\n"
        out += "保証の種類: \(c.guaranteeTypeName)\n"
        out += "被保証者: \(c.obligee.title)（\(c.obligee.name)）\n"
        let email = (try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record))))?.contractor.email
        out += "保証契約者: \(c.principal.name) \(c.principal.representative)\(email.map { " <\($0)>" } ?? "")\n"
        out += "\(c.project.category.projectLabel)名: \(c.project.name)\n"
        out += "保証金額: \(JapaneseFormat.yen(c.guarantee.amount))   保証期間: \(JapaneseFormat.warekiPeriod(c.guarantee.period))\n"
        out += "認証キー: (hidden; --reveal-key shows it)\n"
        // What is known: this version was opened with its key — by whoever holds it, the contractor too.
        if let view = spool.currentView(of: c) {
            out +=
                "認証キーでの閲覧（\(VersionName.of(c))）: \(JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: view.at)))（\(view.client)）— 開いたのが発注者かは確かめられません\n"
        } else {
            out += "認証キーでの閲覧（\(VersionName.of(c))）: まだありません\n"
        }
        out += ReceiptReport.line(spool, c)
        out += versions(folder, c)
        out += "\ndocuments:\n"
        for file in try PosixFS.list(folder.documents) {
            let size = (try? PosixFS.read("\(folder.documents)/\(file)").count) ?? 0
            out += "  documents/\(file)  \(size) bytes\n"
        }
        out += "\nmessages:\n"
        let envelopes = try ContractSheet.envelopes(spool, folder, number: number)
        for (state, e) in envelopes {
            out += "  \(e.key.stem) [\(state)] to \(e.recipients.joined(separator: ", "))  <\(e.messageID)>"
            out += e.messageSHA256.map { "  sha256:\($0)\n" } ?? "\n"
            if state == "queued" && e.attempts.isEmpty { out += "    not tried yet; due \(JST.iso8601(epochSeconds: e.nextAttemptAt))\n" }
            for attempt in e.attempts { out += "    \(attempt.at)  \(attempt.outcome.rawValue)  \(attempt.reply)\n" }
            if state == "queued", !e.attempts.isEmpty { out += "    next attempt \(JST.iso8601(epochSeconds: e.nextAttemptAt))\n" }
            if let pending = e.pending, state == "queued" { out += "    still to be tried for \(pending.joined(separator: ", ")) (the others took it)\n" }
            for r in e.refused ?? [] {
                out += "    refused for \(e.isCc(r.recipient) ? "Cc " : "")\(r.recipient): \(r.reply)\n"
            }
            for b in e.recipientBounces ?? [] {
                out += "    \(b.at)  bounced  \(b.reason.map { $0 + " " } ?? "")\(b.status) from Cc \(b.recipient): \(b.diagnostic)\n"
            }
            for b in e.returned ?? [] {
                out += "    \(b.at)  returned  \(b.reason.map { $0 + " " } ?? "")\(b.status) from \(b.recipient): \(b.diagnostic) (soft: queued again)\n"
            }
            if e.role == .orderer, !(e.refused ?? []).isEmpty || !(e.recipientBounces ?? []).isEmpty {
                out +=
                    "    the orderer's copy was delivered; fix the contractor's address: `mailbatch resend \(number) --to contractor --address <correct address>`, then `mailbatch resend \(number) --to orderer --cc <correct address>` if the orderer's mail should reach it too\n"
            }
            if let b = e.bounce {
                out += "    \(b.at)  bounced  \(b.reason.map { $0 + " " } ?? "")\(b.status) from \(b.recipient): \(b.diagnostic)\n"
                out +=
                    "    the address is wrong or the mailbox is closed: fix it with `mailbatch resend \(number) --to \(e.role) --address <correct address>`\n"
            }
        }
        out += "\nhistory:\n"
        let history = (try? PosixFS.read(folder.history)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        for line in history.split(separator: "\n") { out += "  \(line)\n" }
        return out
    }

    /// Every version, oldest first: its change, what changed, its documents and mails, its key's fingerprint.
    private func versions(_ folder: ContractFolder, _ current: Certificate) -> String {
        guard current.currentVersion > 1 else { return "" }
        var out = "\nversions:\n"
        for version in 1...current.currentVersion {
            let place = version == current.currentVersion ? folder : folder.version(version)
            guard let (c, _, _) = place.readCertificate() else {
                out += "  version \(version): unreadable (\(place.path))\n"
                continue
            }
            var title = "version \(version)"
            if let a = c.amendment, c.cancelledAt == nil {
                title += " (変更第\(a.number)号 \(a.concludedOn)\(a.reason.map { ", \($0)" } ?? ""))"
            } else if c.state == .cancelled, let on = c.cancelledOn {
                title += " (解約 \(on)\(c.cancellationReason.map { ", \($0)" } ?? ""))"
            } else if version == 1 {
                title += " (first issue)"
            }
            out += "  \(title)  issued \(c.issuedAt)\(version == current.currentVersion ? "  [current]" : "")\n"
            if c.cancelledAt == nil {
                for change in c.changes ?? [] { out += "    \(change.field): \(change.before) → \(change.after)\n" }
            }
            out += "    key fingerprint: \(String(c.keyDigest.prefix(16)))\(c.state == .cancelled ? " (the previous version's key)" : "")\n"
            let documents = ((try? PosixFS.list(place.documents)) ?? []).sorted()
            out +=
                "    documents: \(documents.isEmpty ? "none" : documents.joined(separator: ", "))  (\(version == current.currentVersion ? "documents/" : "versions/\(version)/documents/"))\n"
            let stems = MessageRole.allCases.map { MessageKey(contract: number, version: version, role: $0) }.filter { PosixFS.exists(folder.envelope($0)) }
            out += "    mails: \(stems.isEmpty ? "none" : stems.map(\.stem).joined(separator: ", "))\n"
        }
        return out
    }

    package init(spool: Spool, number: String) {
        self.spool = spool
        self.number = number
    }
}
