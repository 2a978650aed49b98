import Crypto
import Foundation
package import Hummingbird
package import Model
import Store
package import Support

/// The data check: the same offline check as `verify --file`, on an uploaded `電子証書データ_*.json`,
/// naming the altered field in the words of the certificate.
extension Viewer {
    package func checkForm(_ request: Request) -> Response {
        checkPage(request, status: .ok, result: nil)
    }

    package func check(_ request: Request, _ context: ViewerContext) async throws -> Response {
        let buffer: ByteBuffer
        switch await collectBody(request, upTo: Self.uploadLimit) {
        case .success(let b): buffer = b
        case .failure(let problem): return problem.response
        }
        let form = MultipartForm(contentType: request.headers[.contentType] ?? "", body: Array(buffer: buffer))
        guard acceptsForm(request, field: form.text("csrf")) else {
            return formExpired("お手数ですが、確認画面を開き直して、もう一度ファイルを選んでください。")
        }
        guard let raw = publicKeyRaw, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            return checkPage(request, status: .serviceUnavailable, result: nil)
        }
        guard let file = form.file("file"), !file.isEmpty else {
            return checkPage(request, status: .badRequest, result: .init(good: false, headline: "ファイルが選ばれていません。", detail: nil, rows: []))
        }
        var result: CheckResult
        if let document = try? StrictJSONParser.parse(file) {
            result = CheckResult(CertificateSignature.verify(document, with: key), document: document)
            if result.good, let later = laterVersion(of: document) { result.later = later }
        } else {
            result = CheckResult(good: false, headline: "電子証書データとして読めません。", detail: "選んだファイルがJSON形式ではないか、壊れています。メールに添付された .json ファイルを選んでください。", rows: [])
        }
        logger.notice("viewer data check", metadata: ["client": "\(client(request, context))", "good": "\(result.good)"])
        return checkPage(request, status: .ok, result: result)
    }

    /// When the spool holds a later version of the checked certificate: what the clerk should know.
    private func laterVersion(of document: JSONValue) -> String? {
        guard case .object(let members) = document, case .string(let number)? = members["contract_number"],
            ContractValidator.isValidContractNumber(number)
        else { return nil }
        var version = 1
        if case .number(let text)? = members["version"] { version = Int(text) ?? 1 }
        guard let (current, _, _) = ContractFolder(path: spool.contractFolder(number)).readCertificate(), current.currentVersion > version else {
            return nil
        }
        let what =
            current.state == .cancelled
            ? "この保証契約は\(current.cancelledOn.map(JapaneseFormat.wareki) ?? "")付けで解約されています"
            : "最新は\(current.amendment.map { CertificateRows.amendmentName($0) } ?? "版\(current.currentVersion)")の内容です"
        return "このファイルより後の版があります（このファイルは第\(version)版、現在は第\(current.currentVersion)版）。\(what)。最新の内容は、最新の認証キーで「電子証書を閲覧する」から確かめてください。"
    }

    private func checkPage(_ request: Request, status: HTTPResponse.Status, result: CheckResult?) -> Response {
        let token = formToken(request)
        var context = baseContext(title: "電子証書データの確認")
        context["csrf"] = token.field
        context["available"] = publicKeyRaw != nil
        if let result {
            context["result"] = [
                "result_class": result.good ? "good" : "bad", "headline": result.headline, "detail": result.detail as Any,
                "has_rows": !result.rows.isEmpty, "rows": result.rows.map { ["label": $0.label, "lines": $0.lines] },
                "later": result.later as Any,
            ]
        }
        return html(status, .check, context, headers: token.headers)
    }
}

/// A verdict in a clerk's words.
package struct CheckResult {
    package let good: Bool
    package let headline: String
    package let detail: String?
    package let rows: [CertificateRows.Row]
    /// Set when the spool holds a later version of the checked certificate.
    package var later: String?

    package init(good: Bool, headline: String, detail: String?, rows: [CertificateRows.Row]) {
        self.good = good
        self.headline = headline
        self.detail = detail
        self.rows = rows
    }

    package init(_ verdict: CertificateSignature.Verdict, document: JSONValue) {
        switch verdict {
        case .valid(let keyID):
            // The orderer's copy has no key digest; the certificate type wants one, so an empty one stands in.
            var members: [String: JSONValue] = [:]
            if case .object(let m) = document { members = m }
            members["key_digest"] = members["key_digest"] ?? .string("")
            let data = Data(JSONValue.object(members).canonical.utf8)
            let certificate = (try? JSONDecoder().decode(Certificate.self, from: data)).map(CertificateRows.rows) ?? []
            self.init(
                good: true, headline: "署名は正しく、改ざんはありません。",
                detail:
                    "このファイルは、署名されたときの内容のままです（署名鍵 \(keyID)）。内容は次のとおりです。その後の失効や認証キーの再発行はこのファイルに含まれないため、現在の状態は「電子証書を閲覧する」で確かめてください。",
                rows: certificate)
        case .unsigned:
            self.init(good: false, headline: "このファイルには署名がありません。", detail: "改ざんの有無を確かめられません。メールに添付された元のファイルを選んでください。", rows: [])
        case .malformed(let why):
            self.init(good: false, headline: "電子証書データとして読めません。", detail: "署名の形式が正しくありません（\(why)）。", rows: [])
        case .otherKey(let id):
            self.init(
                good: false, headline: "このファイルは別の鍵で署名されています。",
                detail: "署名鍵 \(id) はこのサービスの鍵ではありません。発行元にお問い合わせください。", rows: [])
        case .badSignature:
            self.init(good: false, headline: "改ざんされています。", detail: "署名そのものが一致しません（署名された項目の一覧が書き換えられています）。", rows: [])
        case .altered(let path):
            self.init(good: false, headline: "改ざんされています。", detail: "「\(FieldNames.name(path))」（\(path)）が署名後に書き換えられています。", rows: [])
        case .added(let path):
            self.init(good: false, headline: "改ざんされています。", detail: "「\(FieldNames.name(path))」（\(path)）が署名後に書き加えられています。", rows: [])
        case .removed(let path):
            self.init(good: false, headline: "改ざんされています。", detail: "「\(FieldNames.name(path))」（\(path)）が署名後に削除されています。", rows: [])
        }
    }
}

/// The certificate data's members in the words of the 保証証書.
package enum FieldNames {
    private static let names: [String: String] = [
        "$.schema": "データ形式", "$.contract_number": "保証契約番号", "$.guarantee_type": "保証の種類",
        "$.guarantee_type_name": "保証の種類", "$.concluded_on": "保証契約締結日", "$.issued_at": "発行日時", "$.surety": "保証事業会社",
        "$.obligee.name": "被保証者", "$.obligee.title": "被保証者（宛名）", "$.principal.name": "保証契約者（名称）",
        "$.principal.representative": "保証契約者（代表者）", "$.principal.address": "保証契約者（住所）", "$.project.name": "工事名等",
        "$.project.location": "工事場所等", "$.project.category": "工事・業務の区分", "$.project.contract_on": "当初契約日",
        "$.project.period.from": "工期等（始期）", "$.project.period.to": "工期等（終期）", "$.project.contract_amount": "請負代金額等",
        "$.guarantee.amount": "保証金額", "$.guarantee.period.from": "保証期間（始期）", "$.guarantee.period.to": "保証期間（終期）",
        "$.state": "状態", "$.key_reissued_at": "認証キー再発行日時", "$.revoked_at": "失効日時", "$.revocation_reason": "失効理由",
    ]

    package static func name(_ path: String) -> String { names[path] ?? "項目" }
}
