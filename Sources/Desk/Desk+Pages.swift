import Config
package import Hummingbird
import Model
import NIOCore
package import Operations
package import Store
import Support
import WebSupport

/// The pages that only read: the day's view, search, a contract and its documents.
extension Desk {
    package func home(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let (spool, notify, now) = (spool, configuration.notify, now())
        let (inventory, items) = try await Blocking.run {
            let inventory = try SpoolInventory.take(
                spool, unviewedAfterSeconds: notify?.unviewedAfterSeconds ?? NotifySettings.defaultUnviewedAfterSeconds,
                unconfirmedAfterSeconds: notify?.unconfirmedAfterSeconds, now: now)
            let items = try AttentionItem.collect(
                spool, staleAfterSeconds: notify?.staleAfterSeconds ?? 4 * 3600,
                unviewedAfterSeconds: notify?.unviewedAfterSeconds ?? NotifySettings.defaultUnviewedAfterSeconds,
                unconfirmedAfterSeconds: notify?.unconfirmedAfterSeconds, now: now)
            return (inventory, items)
        }
        var page = baseContext(title: "本日の状況", visitor)
        let counts: [(String, Int, Bool)] = [
            ("受付待ち", inventory.incoming, false), ("発行済み", inventory.issued, false), ("送信待ち", inventory.queued, false),
            ("再試行待ち", inventory.deferred, false), ("送信済み", inventory.sent, false), ("送信失敗", inventory.failed, inventory.failed > 0),
            ("不達", inventory.bounced, inventory.bounced > 0), ("却下", inventory.rejected, inventory.rejected > 0),
            ("紙で発行", inventory.paper, false), ("保留", inventory.held, inventory.held > 0),
            ("変更・解約待ち", inventory.waiting.count, !inventory.waiting.isEmpty), ("発注者閲覧済み", inventory.viewed, false),
            ("発注者未閲覧", inventory.unviewed, false), ("受領確認済み", inventory.receiptConfirmed, false),
            ("受領未確認", inventory.receiptUnconfirmed, false),
        ]
        page["counts"] = counts.map { ["label": $0.0, "count": $0.1, "attention": $0.2] }
        var rows: [[String: Any]] = items.map { item in
            let number = String(item.subject.prefix { $0 != " " })
            let link = ContractValidator.isValidContractNumber(number) && spool.issuedContract(number) != nil ? "/contract/\(number)" : nil
            return ["kind": Self.kindLabel(item.kind), "subject": item.subject, "reason": item.reason, "link": link as Any]
        }
        for entry in inventory.waiting {
            rows.append(["kind": "変更・解約の待機", "subject": "waiting/\(entry.file)", "reason": "\(entry.since)から: \(entry.reason)"])
        }
        page["items"] = rows
        page["has_items"] = !rows.isEmpty
        let held = Self.heldRecords(spool)
        page["held"] = held.map { ["name": $0.name, "note": $0.note, "can_act": visitor.canAct] }
        page["has_held"] = !held.isEmpty
        if let run = inventory.lastRun {
            page["last_run"] = [
                "finished": run.finishedAt, "exit_code": Int(run.exitCode), "issued": run.issued, "paper": run.paper, "rejected": run.rejected,
                "sent": run.sent, "deferred": run.deferred, "failed": run.failed, "bounced": run.bounced ?? 0, "stopped": run.stoppedBy as Any,
                "warnings": run.warnings,
            ]
        }
        return html(.ok, .home, page, visitor: visitor)
    }

    package static func kindLabel(_ kind: AttentionItem.Kind) -> String {
        switch kind {
        case .rejected: "却下（記録の誤り）"
        case .failed: "送信失敗"
        case .bounced: "不達"
        case .stale: "送信が遅れている"
        case .recipient: "Cc の不達・拒否"
        case .unviewed: "発注者が未閲覧"
        case .unconfirmed: "発注者が受領未確認"
        case .held: "保留"
        }
    }

    /// The records and envelopes set aside in `held/`, each with the first lines of its note.
    package static func heldRecords(_ spool: Spool) -> [(name: String, note: String)] {
        let files = ((try? PosixFS.list(spool.held)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".error.txt") }.sorted()
        return files.map { file in
            let text = (try? PosixFS.read("\(spool.held)/\(file).error.txt")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return (file, String(text.split(separator: "\n").prefix(3).joined(separator: " / ").prefix(600)))
        }
    }

    package func search(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let q = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
        var page = baseContext(title: "検索", visitor)
        page["q"] = q
        if !ContractSearch.fold(q).isEmpty {
            let search = ContractSearch(spool: spool)
            let (hits, more) = try await Blocking.run { try search.find(q) }
            page["searched"] = true
            page["count"] = hits.count
            page["more"] = more
            page["has_hits"] = !hits.isEmpty
            page["hits"] = hits.map {
                ["number": $0.number, "contractor": $0.contractor, "orderer": $0.orderer, "project": $0.project, "state": $0.state, "mail": $0.mail]
            }
        }
        return html(.ok, .search, page, visitor: visitor)
    }

    package func notIssued(_ number: String, _ visitor: Visitor) -> Response {
        message(
            .notFound, heading: "この保証契約は見つかりません",
            error: ContractValidator.isValidContractNumber(number) ? "保証契約番号 \(number) の電子証書は発行されていません。" : "保証契約番号の形ではありません。",
            text: "検索から保証契約を探してください。", visitor: visitor)
    }

    package func contract(_ number: String, _ visitor: Visitor) async throws -> Response {
        guard ContractValidator.isValidContractNumber(number), spool.issuedContract(number) != nil else { return notIssued(number, visitor) }
        let spool = spool
        let sheet = try await Blocking.run { try ContractSheet.load(spool, number: number) }
        var page = baseContext(title: "保証契約 \(number)", visitor)
        page["q"] = ""
        page["number"] = sheet.number
        page["state"] = sheet.state.rawValue
        page["state_label"] = ContractSearch.stateName(sheet.state)
        page["type"] = sheet.guaranteeTypeName
        page["contractor"] = sheet.contractor
        page["contractor_email"] = sheet.contractorEmail as Any
        page["orderer"] = sheet.orderer
        page["project"] = sheet.project
        page["amount"] = sheet.amount
        page["period"] = sheet.period
        page["issued_at"] = sheet.issuedAt
        page["first_view"] = sheet.firstView as Any
        page["receipt"] = sheet.receipt as Any
        page["versions"] = sheet.versions.map {
            ["number": $0.number, "issued_at": $0.issuedAt, "title": $0.title, "changes": $0.changes, "current": $0.isCurrent]
        }
        page["documents"] = sheet.documents.map { document -> [String: Any] in
            let base = document.version.map { "/contract/\(number)/versions/\($0)/documents/" } ?? "/contract/\(number)/documents/"
            return [
                "href": base + document.file, "label": Self.documentLabel(document.file),
                "where": document.version.map { "第\($0)版" } ?? "現行版", "size": "\(max(1, document.bytes / 1024)) KB",
            ]
        }
        page["has_documents"] = !sheet.documents.isEmpty
        page["messages"] = sheet.messages.map { m -> [String: Any] in
            [
                "stem": m.stem, "role_label": m.role == "orderer" ? "発注者" : m.role == "contractor" ? "受注者" : m.role, "state": m.state,
                "state_label": Self.mailStateLabel(m.state), "to": m.to.joined(separator: ", "),
                "cc": m.cc.isEmpty ? nil as String? as Any : m.cc.joined(separator: ", "), "attempts": m.attempts, "has_attempts": !m.attempts.isEmpty,
                "next_attempt": m.nextAttempt as Any, "problems": m.problems,
            ]
        }
        page["history"] = sheet.history
        return html(.ok, .contract, page, visitor: visitor)
    }

    package static func mailStateLabel(_ state: String) -> String {
        switch state {
        case "sent": "送信済み"
        case "withdrawn": "取り下げ（新しい版を送信）"
        case "queued": "送信待ち"
        case "failed": "送信失敗"
        case "bounced": "不達"
        default: state
        }
    }

    package static func documentLabel(_ file: String) -> String {
        switch file {
        case DocumentKind.certificate.fileName: "保証証書（印刷用）"
        case DocumentKind.premiumStatement.fileName: "保証料計算書"
        case DocumentKind.receipt.fileName: "保証料領収書"
        default: file
        }
    }

    /// A document of the contract (`version` nil: the current one). The key notice, and any name
    /// that is not a listed document, is refused: 403 for the key notice, 404 for the rest.
    package func document(_ number: String, version: String?, file: String, _ visitor: Visitor) -> Response {
        if file.contains(DocumentKind.keyNotice.rawValue) {
            logger.notice("desk refused the key notice", metadata: ["user": "\(visitor.account.name)", "contract": "\(Self.loggable(number))"])
            return message(
                .forbidden, heading: "この書類は開けません",
                error: "「電子証書閲覧用「認証キー」等のお知らせ」には認証キーが記載されているため、支店窓口では表示しません。",
                text: "受注者が紛失したときは、保証契約の画面の「認証キーを再発行する」を使ってください。", visitor: visitor, back: "/contract/\(number)",
                backLabel: "保証契約の画面に戻る")
        }
        guard ContractValidator.isValidContractNumber(number), let folder = spool.issuedContract(number), ContractSheet.isListable(file) else {
            return errorPage(.notFound, visitor: visitor)
        }
        let place: ContractFolder
        if let version {
            guard let v = Int(version), v >= 1, String(v) == version, PosixFS.isDirectory(folder.version(v).path) else {
                return errorPage(.notFound, visitor: visitor)
            }
            place = folder.version(v)
        } else {
            place = folder
        }
        guard ((try? PosixFS.list(place.documents)) ?? []).contains(file), let bytes = try? PosixFS.read("\(place.documents)/\(file)") else {
            return errorPage(.notFound, visitor: visitor)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/pdf", .contentDisposition: "inline; filename=\"\(number)-\(file)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
