import Foundation
import HTTPTypes
import Hummingbird

/// The certificate page and its two downloads, for a browser whose session showed the right key.
extension Viewer {
    private func sessionNumber(_ request: Request) -> String? {
        sessions.number(for: request.cookies[Self.sessionCookie]?.value, now: now())
    }

    private func expired() -> Response {
        message(.forbidden, heading: "閲覧できる時間が過ぎました", text: "もう一度、保証契約番号と認証キーを入力してください。")
    }

    private func load(_ number: String) -> (Certificate, JSONValue, ContractFolder)? {
        let folder = ContractFolder(path: spool.contractFolder(number))
        guard let (certificate, json, _) = folder.readCertificate() else { return nil }
        return (certificate, json, folder)
    }

    /// The office that answers for this contract: the record names it when there are several (nothing
    /// else of the record is shown).
    private func office(for folder: ContractFolder) -> BranchOffice {
        guard !branches.named.isEmpty else { return office }
        let branch = (try? JSONDecoder().decode(ContractRecord.self, from: Data(PosixFS.read(folder.record))))?.branch
        return branches.office(branch) ?? office
    }

    func certificatePage(_ request: Request) -> Response {
        guard let number = sessionNumber(request), let (c, json, folder) = load(number) else { return expired() }
        var context = baseContext(title: "電子証書 \(c.contractNumber)", office: office(for: folder))
        let token = formToken()
        context["csrf"] = token.field
        context["certificate_title"] = "\(c.guaranteeTypeName)証書"
        context["state"] = CertificateRows.stateName(c)
        context["state_class"] = c.state.rawValue
        if let revoked = c.revokedAt { context["revoked"] = JapaneseFormat.warekiTimestamp(revoked) }
        context["rows"] = CertificateRows.rows(c).map { ["label": $0.label, "lines": $0.lines] }
        context["history"] = CertificateRows.history(c).map { ["label": $0.label, "lines": $0.lines] }
        if let fingerprint = CertificateSignature.fingerprint(of: json) { context["fingerprint"] = fingerprint }
        context["viewed_at"] = JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: now()))
        return html(.ok, .certificate, context, headers: [.setCookie: token.cookie])
    }

    /// The 保証証書 print-out as issued.
    func certificatePDF(_ request: Request) -> Response {
        guard let number = sessionNumber(request), let (c, _, folder) = load(number) else { return expired() }
        guard let bytes = try? PosixFS.read("\(folder.documents)/\(DocumentKind.certificate.fileName)") else {
            return message(.notFound, heading: "保証証書（PDF）がありません", text: "お手数ですが、下記の窓口へお問い合わせください。")
        }
        return download(bytes, type: "application/pdf", name: DocumentKind.certificate.attachmentName(for: c), ascii: "certificate-\(number).pdf")
    }

    /// The signed certificate data, as the orderer's mail carries it (without the key digests).
    func certificateData(_ request: Request) -> Response {
        guard let number = sessionNumber(request), let (_, json, _) = load(number) else { return expired() }
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
