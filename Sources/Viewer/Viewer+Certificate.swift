import Foundation
import HTTPTypes
package import Hummingbird
import MIME
package import Model
package import Store
package import Support

/// The certificate page and its two downloads, for a browser whose session showed the right key.
extension Viewer {
    /// What a session is bound to: the key that opened it and the certificate's state then.
    package static func sessionBinding(_ certificate: Certificate) -> String { "\(certificate.keyDigest) \(certificate.state.rawValue)" }

    /// A session opened with an earlier version's key: bound to that version, which never changes.
    package static func supersededBinding(_ old: Certificate) -> String { "\(old.keyDigest) superseded \(old.currentVersion)" }

    /// What a session shows: the certificate, its stored JSON, the folder of its documents, and the
    /// current certificate when the session's is an earlier version.
    package struct Shown {
        package let certificate: Certificate
        package let json: JSONValue
        package let folder: ContractFolder
        package let current: Certificate?

        package init(certificate: Certificate, json: JSONValue, folder: ContractFolder, current: Certificate?) {
            self.certificate = certificate
            self.json = json
            self.folder = folder
            self.current = current
        }
    }

    private func expired() -> Response {
        message(.forbidden, heading: "閲覧できる時間が過ぎました", text: "もう一度、保証契約番号と認証キーを入力してください。")
    }

    /// The session's certificate, while the session lasts and the certificate is still what it was
    /// opened on; otherwise the page that says why the viewing ended.
    package func load(_ request: Request) -> Result<Shown, EarlyResponse> {
        guard let session = sessions.session(for: request.cookies[Self.sessionCookie]?.value, now: now()) else {
            return .failure(EarlyResponse(response: expired()))
        }
        let folder = ContractFolder(path: spool.contractFolder(session.number))
        guard let (certificate, json, _) = folder.readCertificate() else { return .failure(EarlyResponse(response: expired())) }
        let parts = session.binding.split(separator: " ")
        if parts.count == 3, parts[1] == "superseded", let version = Int(parts[2]), version < certificate.currentVersion {
            let archived = folder.version(version)
            guard let (old, oldJSON, _) = archived.readCertificate(), Self.supersededBinding(old) == session.binding else {
                return .failure(EarlyResponse(response: expired()))
            }
            return .success(Shown(certificate: old, json: oldJSON, folder: archived, current: certificate))
        }
        guard Self.sessionBinding(certificate) == session.binding else {
            return .failure(
                EarlyResponse(
                    response: message(
                        .forbidden, heading: "この閲覧は終了しました",
                        error: "閲覧を始めた後に、この電子証書の認証キーが再発行されたか、電子証書が失効しました。",
                        text: "最新の「電子証書閲覧用「認証キー」等のお知らせ」の保証契約番号と認証キーで、もう一度入力してください。")))
        }
        return .success(Shown(certificate: certificate, json: json, folder: folder, current: nil))
    }

    /// The office that answers for this contract: the record names it when there are several (nothing
    /// else of the record is shown).
    private func office(for folder: ContractFolder) -> BranchOffice {
        guard !branches.named.isEmpty else { return office }
        let branch = (try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record))))?.branch
        return branches.office(branch) ?? office
    }

    package func certificatePage(_ request: Request) -> Response {
        let shown: Shown
        switch load(request) {
        case .success(let loaded): shown = loaded
        case .failure(let ended): return ended.response
        }
        let (c, json) = (shown.certificate, shown.json)
        var context = baseContext(title: "電子証書 \(c.contractNumber)", office: office(for: shown.folder))
        let token = formToken(request)
        context["csrf"] = token.field
        context["certificate_title"] = "\(c.guaranteeTypeName)証書"
        context["state"] = CertificateRows.stateName(c)
        context["state_class"] = c.state.rawValue
        if let a = CertificateRows.amendmentInForce(c) { context["amendment_label"] = "（変更第\(a.number)号）" }
        // Under every key of a cancelled contract: 解約 first, with its day and reason.
        let cancelled = shown.current.flatMap { $0.state == .cancelled ? $0 : nil } ?? c
        if cancelled.state == .cancelled, let on = cancelled.cancelledOn {
            context["cancelled"] = JapaneseFormat.wareki(on)
            if let reason = cancelled.cancellationReason { context["cancellation_reason"] = reason }
        }
        if let current = shown.current {
            context["state"] = CertificateRows.supersededStateName(current)
            context["state_class"] = current.state == .cancelled ? "cancelled" : "superseded"
            context["superseded"] =
                current.state == .cancelled
                ? CertificateRows.openedVersionNotice(c, current: current) : CertificateRows.supersededNotice(current)
        }
        let amendments = CertificateRows.amendments(c)
        if amendments.count > 1 {
            context["has_amendments"] = true
            context["amendments"] = amendments.map { entry in
                [
                    "label": entry.label, "what": entry.what, "reason": entry.reason ?? "",
                    "changes": entry.changes.map {
                        ["item": $0.item, "before_parts": Self.unbreakableParts($0.before), "after_parts": Self.unbreakableParts($0.after)]
                    },
                ] as [String: Any]
            }
        }
        if let revoked = c.revokedAt { context["revoked"] = JapaneseFormat.warekiTimestamp(revoked) }
        context["rows"] = CertificateRows.rows(c).map { ["label": $0.label, "lines": $0.lines] }
        context["history"] = CertificateRows.history(c).map { ["label": $0.label, "lines": $0.lines] }
        if let fingerprint = CertificateSignature.fingerprint(of: json) { context["fingerprint"] = fingerprint }
        context.merge(receiptContext(shown)) { _, new in new }
        context["viewed_at"] = JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: now()))
        return html(.ok, .certificate, context, headers: token.headers)
    }

    /// The 保証証書 print-out as issued.
    package func certificatePDF(_ request: Request) -> Response {
        let (c, folder): (Certificate, ContractFolder)
        let current: Certificate?
        switch load(request) {
        case .success(let loaded): (c, folder, current) = (loaded.certificate, loaded.folder, loaded.current)
        case .failure(let ended): return ended.response
        }
        guard c.state != .cancelled, current?.state != .cancelled else {
            return message(
                .gone, heading: "この保証契約は解約されています",
                error: "解約された保証契約の保証証書（PDF）はお渡ししていません。",
                text: "解約日と内容は、この画面の表示によってください。ご不明な点は下記の窓口へお問い合わせください。")
        }
        let number = c.contractNumber
        guard c.state != .revoked else {
            return message(
                .gone, heading: "この電子証書は失効しています",
                error: "失効した電子証書の保証証書（PDF）はお渡ししていません。",
                text: "内容の確認は、この画面の表示（失効の記載があります）によってください。ご不明な点は下記の窓口へお問い合わせください。")
        }
        guard let bytes = try? PosixFS.read("\(folder.documents)/\(DocumentKind.certificate.fileName)") else {
            return message(.notFound, heading: "保証証書（PDF）がありません", text: "お手数ですが、下記の窓口へお問い合わせください。")
        }
        return download(bytes, type: "application/pdf", name: DocumentKind.certificate.attachmentName(for: c), ascii: "certificate-\(number).pdf")
    }

    /// The signed certificate data, as the orderer's mail carries it (without the key digests).
    package func certificateData(_ request: Request) -> Response {
        let (number, json): (String, JSONValue)
        switch load(request) {
        case .success(let loaded): (number, json) = (loaded.certificate.contractNumber, loaded.json)
        case .failure(let ended): return ended.response
        }
        return download(
            Array(json.withoutCredentials.pretty.utf8), type: "application/json", name: "電子証書データ_\(number).json",
            ascii: "certificate-\(number).json")
    }

    private func download(_ bytes: [UInt8], type: String, name: String, ascii: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(MIMEEncoder.extendedValue(name))"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

}

extension Viewer {
    /// A 変更履歴 value cut where a line may break (at its spaces: around 「から」 and 「まで」), each
    /// part kept whole by the page (`.nobr`): an amount or a date never breaks mid-token.
    package static func unbreakableParts(_ value: String) -> [String] {
        value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }
}
