package import Config
import Logging
package import MIME
import Model
package import Store
package import Support
package import Transport

/// After a run, one summary mail to `[notify] to` listing what needs a person and was not reported
/// before. What was reported is kept in `spool/notify/reported.txt` only after the server accepted
/// the summary, so a summary that could not be sent is tried again by the next run; a quiet run
/// after it sends nothing.
package struct OperatorNotice: Sendable {
    package let spool: Spool
    package let settings: NotifySettings
    package let mail: MailSettings
    package let now: @Sendable () -> Int

    package enum Outcome: Sendable, Equatable {
        case nothingNew
        case sent(items: Int)
        /// The summary could not be sent; the reply says why.
        case notSent(String)
    }

    package var reportedFile: String { "\(spool.notify)/reported.txt" }

    /// - Parameter scan: the run's one pass over `contracts/`, when it has one.
    package func send(scan: ContractScan? = nil, using makeTransport: () throws -> any MailTransport) throws(FileSystemError) -> Outcome {
        let items = try AttentionItem.collect(
            spool, scan: scan, staleAfterSeconds: settings.staleAfterSeconds, unviewedAfterSeconds: settings.unviewedAfterSeconds,
            unconfirmedAfterSeconds: settings.unconfirmedAfterSeconds, now: now())
        let reported = Set(((try? PosixFS.read(reportedFile)) ?? []).split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) })
        let fresh = items.filter { !reported.contains($0.key) }
        guard !fresh.isEmpty else {
            try keep(items.map(\.key).filter(reported.contains), previous: reported)
            return .nothingNew
        }
        let message = summary(fresh)
        let transport: any MailTransport
        do {
            transport = try makeTransport()
        } catch {
            return .notSent("cannot set up the SMTP client: \(error)")
        }
        switch transport.send(from: mail.from.address, recipients: settings.to, message: message.rendered()) {
        case .accepted:
            // Keys of items still present: what has left the spool is forgotten, so the file stays small.
            try keep(items.map(\.key), previous: reported)
            return .sent(items: fresh.count)
        case .temporary(let reply, _), .permanent(let reply):
            return .notSent(reply)
        }
    }

    private func keep(_ keys: [String], previous: Set<String>) throws(FileSystemError) {
        guard Set(keys) != previous else { return }
        try spool.write(keys.sorted().map { $0 + "\n" }.joined(), to: reportedFile)
    }

    package func summary(_ items: [AttentionItem]) -> MailMessage {
        var counts: [String] = []
        for kind in [AttentionItem.Kind.rejected, .held, .failed, .bounced, .recipient, .stale, .unviewed, .unconfirmed] {
            let n = items.filter { $0.kind == kind }.count
            if n > 0 { counts.append("\(Self.label(kind)) \(n)件") }
        }
        var body = "mailbatch の実行で、担当者の対応が必要なものがあります（\(JST.iso8601(epochSeconds: now()))、spool: \(spool.root)）。\n"
        body += "各項目は一度だけ通知します。認証キーはこのメールには含まれません。\n\n"
        for (i, item) in items.enumerated() {
            body += "\(i + 1). [\(Self.label(item.kind))] \(item.subject)\n"
            body += "   \(item.reason)\n"
            body += "   詳細: \(item.command)\n\n"
        }
        body += "mailbatch status で spool 全体の状態を確認できます。\n"
        let domain = EmailAddress.domain(of: mail.from.address)
        return MailMessage(
            from: mail.from, to: settings.to.map { Mailbox(displayName: nil, address: $0) },
            subject: "[mailbatch] 要対応 \(items.count)件（\(counts.joined(separator: "、"))）", epochSeconds: now(),
            messageID: "notify.\(now()).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))@\(domain)", textBody: body)
    }

    package static func label(_ kind: AttentionItem.Kind) -> String {
        switch kind {
        case .rejected: "入力不備（rejected）"
        case .failed: "送信失敗（failed）"
        case .bounced: "不達（bounced）"
        case .stale: "送信遅延（deferred）"
        case .recipient: "宛先の一部に届かず（Cc refused/bounced）"
        case .unviewed: "発注者が未閲覧（unviewed）"
        case .unconfirmed: "発注者が受領未確認（unconfirmed）"
        case .held: "発行できず保留（held）"
        }
    }

    package init(spool: Spool, settings: NotifySettings, mail: MailSettings, now: @escaping @Sendable () -> Int) {
        self.spool = spool
        self.settings = settings
        self.mail = mail
        self.now = now
    }
}
