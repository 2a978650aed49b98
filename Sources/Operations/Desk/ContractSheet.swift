import Foundation
package import Model
package import Store
package import Support

/// A contract as the branch desk shows it: the same spool readers as `mailbatch show`
/// (`ContractReport`), as data rather than text. Never the key, and never the key notice.
package struct ContractSheet: Sendable {
    package struct Version: Sendable {
        package let number: Int
        package let issuedAt: String
        /// 初回発行, 変更第N号（reason）, 解約（reason）.
        package let title: String
        package let changes: [String]
        package let isCurrent: Bool
    }

    package struct Document: Sendable {
        /// 1-based version, nil for the current one (`documents/`).
        package let version: Int?
        package let file: String
        package let bytes: Int
    }

    package struct Message: Sendable {
        package let stem: String
        package let role: String
        /// sent, withdrawn, queued, failed, bounced.
        package let state: String
        package let to: [String]
        package let cc: [String]
        package let attempts: [String]
        package let problems: [String]
        package let nextAttempt: String?
    }

    package let number: String
    package let state: Certificate.State
    package let guaranteeTypeName: String
    package let contractor: String
    package let contractorEmail: String?
    package let orderer: String
    package let project: String
    package let amount: String
    package let period: String
    package let issuedAt: String
    package let versions: [Version]
    package let documents: [Document]
    package let messages: [Message]
    package let firstView: String?
    package let receipt: String?
    package let history: [String]

    /// The documents a desk may hand out: every PDF but the key notice (it carries the 認証キー).
    package static func isListable(_ file: String) -> Bool {
        file != DocumentKind.keyNotice.fileName && file.hasSuffix(".pdf") && !file.hasPrefix(".") && !file.contains("/")
    }

    package static func load(_ spool: Spool, number: String) throws -> ContractSheet {
        let folder = try spool.requireIssued(number)
        let c = try JSONDecoder().decode(Certificate.self, from: Data(PosixFS.read(folder.certificate)))
        let record = try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record)))
        var versions: [Version] = []
        var documents: [Document] = []
        for version in 1...c.currentVersion {
            let isCurrent = version == c.currentVersion
            let place = isCurrent ? folder : folder.version(version)
            if let (v, _, _) = place.readCertificate() {
                var title = version == 1 ? "初回発行" : "第\(version)版"
                if let a = v.amendment, v.cancelledAt == nil {
                    title = "変更第\(a.number)号（\(a.concludedOn)\(a.reason.map { "、\($0)" } ?? "")）"
                } else if v.state == .cancelled, let on = v.cancelledOn {
                    title = "解約（\(on)\(v.cancellationReason.map { "、\($0)" } ?? "")）"
                }
                let changes = v.cancelledAt == nil ? (v.changes ?? []).map { "\($0.field): \($0.before) → \($0.after)" } : []
                versions.append(Version(number: version, issuedAt: v.issuedAt, title: title, changes: changes, isCurrent: isCurrent))
            }
            for file in ((try? PosixFS.list(place.documents)) ?? []).sorted() where isListable(file) {
                let size = (try? PosixFS.read("\(place.documents)/\(file)").count) ?? 0
                documents.append(Document(version: isCurrent ? nil : version, file: file, bytes: size))
            }
        }
        let messages = try envelopes(spool, folder, number: number).map { state, e in
            var problems: [String] = []
            for r in e.refused ?? [] { problems.append("受信拒否（\(e.isCc(r.recipient) ? "Cc " : "")\(r.recipient)）: \(r.reply)") }
            for b in (e.recipientBounces ?? []) + (e.bounce.map { [$0] } ?? []) {
                problems.append("不達 \(b.at)（\(b.recipient)）\(b.reason.map { " \($0)" } ?? "") \(b.status): \(b.diagnostic)")
            }
            for b in e.returned ?? [] {
                problems.append("一時的な不達 \(b.at)（\(b.recipient)）\(b.reason.map { " \($0)" } ?? "") \(b.status): \(b.diagnostic)（再送待ち）")
            }
            return Message(
                stem: e.key.stem, role: e.role.rawValue, state: state, to: e.to, cc: e.cc ?? [],
                attempts: e.attempts.map { "\($0.at)  \($0.outcome.rawValue)  \($0.reply)" }, problems: problems,
                nextAttempt: state == "queued" ? JST.iso8601(epochSeconds: e.nextAttemptAt) : nil)
        }
        let history = (try? PosixFS.read(folder.history)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ContractSheet(
            number: c.contractNumber, state: c.state, guaranteeTypeName: c.guaranteeTypeName,
            contractor: "\(c.principal.name) \(c.principal.representative)", contractorEmail: record?.contractor.email,
            orderer: c.obligee.title.isEmpty ? c.obligee.name : "\(c.obligee.title)（\(c.obligee.name)）",
            project: c.project.name, amount: JapaneseFormat.yen(c.guarantee.amount), period: JapaneseFormat.warekiPeriod(c.guarantee.period),
            issuedAt: c.issuedAt, versions: versions, documents: documents, messages: messages,
            firstView: spool.currentView(of: c).map { "\(JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: $0.at)))（\($0.client)）" },
            receipt: spool.currentReceipt(of: c).map {
                "\(JapaneseFormat.warekiHoursMinutes(epochSeconds: $0.at))（\($0.client)\($0.clerk.isEmpty ? "" : "、\($0.clerk)")）"
            },
            history: history.split(separator: "\n").map(String.init))
    }

    /// A contract's messages with their state: sent or withdrawn (in its `sent/`), queued, failed or
    /// bounced (in the outbox and `failed/`). `show` lists the same.
    package static func envelopes(_ spool: Spool, _ folder: ContractFolder, number: String) throws(FileSystemError) -> [(String, Envelope)] {
        var envelopes: [(String, Envelope)] = []
        for file in try PosixFS.list(folder.sent) where file.hasSuffix(".json") {
            if let e = try? Envelope.decode(PosixFS.read("\(folder.sent)/\(file)")) {
                envelopes.append((e.attempts.last?.outcome == .withdrawn ? "withdrawn" : "sent", e))
            }
        }
        for (state, dir) in [("queued", spool.outbox), ("failed", spool.failed)] {
            for file in try spool.queueEntries(in: dir, of: number) {
                if let e = try? Envelope.decode(PosixFS.read("\(dir)/\(file)")) { envelopes.append((e.bounce != nil ? "bounced" : state, e)) }
            }
        }
        return envelopes
    }
}
