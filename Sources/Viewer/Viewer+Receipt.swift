import Config
import Foundation
import HTTPTypes
package import Hummingbird
import Model
import Store
import Support

/// The orderer's confirmation of receipt. A view is not a confirmation (the contractor holds the key
/// too), so the certificate page only asks for a one-time link, which goes to the orderer's
/// registered address alone; the page that link opens records the receipt, once per version.
extension Viewer {
    package struct ReceiptRequestForm: Decodable {
        package var csrf: String?
        package var clerk: String?

        package init(csrf: String? = nil, clerk: String? = nil) {
            self.csrf = csrf
            self.clerk = clerk
        }
    }

    package static let clerkLimit = 60

    /// The clerk field as typed, on one line and cut to a sensible length.
    package static func clerkField(_ text: String?) -> String {
        let line = (text ?? "").split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        return String(line.trimmingCharacters(in: .whitespaces).prefix(clerkLimit))
    }

    /// What the certificate page says about the receipt (the `receipt-status` partial).
    package func receiptContext(_ shown: Shown) -> [String: Any] {
        let c = shown.certificate
        // Without [viewer] url there is no address to put in the link: nothing is offered.
        guard shown.current == nil, c.state == .valid, receiptMailer.viewerURL != nil else { return [:] }
        if let receipt = spool.currentReceipt(of: c) {
            return ["receipt_confirmed": JapaneseFormat.warekiHoursMinutes(epochSeconds: receipt.at)]
        }
        let found = receiptMailer.ordererAddresses(shown.folder)
        guard !found.addresses.isEmpty else {
            let name = found.orderer?.name ?? c.obligee.name
            return [
                "receipt_unavailable":
                    "\(name)の電子メールアドレスが当社に登録されていないため、この画面から受領を確認することはできません。受領の連絡は、従来どおり保証契約者（受注者）へお伝えください。"
            ]
        }
        return ["receipt_form": true]
    }

    /// POST /certificate/receipt: mails the one-time link to the orderer's registered address.
    package func requestReceipt(_ request: Request) async -> Response {
        let buffer: ByteBuffer
        switch await collectBody(request, upTo: Self.formLimit) {
        case .success(let b): buffer = b
        case .failure(let problem): return problem.response
        }
        let form = try? URLEncodedFormDecoder().decode(ReceiptRequestForm.self, from: String(buffer: buffer))
        guard acceptsForm(request, field: form?.csrf) else { return formExpired("電子証書の画面を開き直してから、もう一度お試しください。") }
        let shown: Shown
        switch load(request) {
        case .success(let loaded): shown = loaded
        case .failure(let ended): return ended.response
        }
        let c = shown.certificate
        guard shown.current == nil, c.state == .valid else {
            return message(
                .conflict, heading: "この電子証書では受領を確認できません",
                error: "受領の確認は、最新の有効な電子証書についてだけ行えます（変更前・解約・失効の電子証書では行えません）。")
        }
        if let receipt = spool.currentReceipt(of: c) {
            return message(
                .ok, heading: "受領は確認済みです",
                text: "受領確認済み（\(JapaneseFormat.warekiHoursMinutes(epochSeconds: receipt.at))）。もう一度確認する必要はありません。")
        }
        let found = receiptMailer.ordererAddresses(shown.folder)
        guard let orderer = found.orderer, let record = found.record, !found.addresses.isEmpty else {
            return message(.conflict, heading: "受領を確認できません", error: "発注者の電子メールアドレスが当社に登録されていません。")
        }
        guard let base = receiptMailer.viewerURL else {
            logger.error("a receipt link was asked for but [viewer] url is not set", metadata: ["contract": "\(c.contractNumber)"])
            return errorPage(.serviceUnavailable)
        }
        let time = now()
        let open = spool.openReceiptLinks(contract: c.contractNumber, version: Spool.viewVersion(c.keyDigest), now: time)
        if open.count >= ReceiptLinkLifetime.openAtMost, let first = open.first {
            logger.warning("receipt link refused: links still open", metadata: ["contract": "\(c.contractNumber)", "open": "\(open.count)"])
            return message(
                .tooManyRequests, heading: "確認用のメールは既にお送りしています",
                error:
                    "この電子証書の受領確認用のメールを、登録されている電子メールアドレスへ既に\(open.count)通お送りしています。届いているメールのリンクから確認してください（最初のリンクは\(JapaneseFormat.warekiHoursMinutes(epochSeconds: first.expiresAt))まで有効です）。"
            )
        }
        let secret = ReceiptSecret.make()
        let clerk = Self.clerkField(form?.clerk)
        let link = ReceiptLink(
            contract: c.contractNumber, version: Spool.viewVersion(c.keyDigest), requestedAt: time, expiresAt: time + ReceiptLinkLifetime.seconds,
            clerk: clerk)
        do {
            try spool.storeReceiptLink(secret: secret, link)
        } catch {
            logger.error("cannot store a receipt link", metadata: ["contract": "\(c.contractNumber)", "error": "\(error.description)"])
            return errorPage(.internalServerError)
        }
        let outcome = await receiptMailer.send(
            c, record: record, orderer: orderer, office: branches.office(record.branch) ?? office, secret: secret, clerk: clerk,
            expiresAt: link.expiresAt, base: base.hasSuffix("/") ? String(base.dropLast()) : base, epochSeconds: time)
        switch outcome {
        case .sent:
            logger.notice(
                "receipt link mailed to the orderer", metadata: ["contract": "\(c.contractNumber)", "to": "\(orderer.emails.joined(separator: ","))"])
            let domains = Set(orderer.emails.map(EmailAddress.domain(of:))).sorted().map { "…@\($0)" }.joined(separator: "、")
            return message(
                .ok, heading: "受領確認のためのメールを送りました",
                text:
                    "\(orderer.name)として当社に登録されている電子メールアドレス（\(domains)）へ、受領確認のためのリンクをお送りしました。メールのリンクを開き、表示される画面で「受領を確認する」を押してください。リンクは\(JapaneseFormat.warekiHoursMinutes(epochSeconds: link.expiresAt))まで、1回限り使えます。"
            )
        case .failed(let reply):
            logger.error("cannot mail a receipt link", metadata: ["contract": "\(c.contractNumber)", "reply": "\(reply)"])
            return message(
                .serviceUnavailable, heading: "メールを送れませんでした", error: "受領確認のためのメールを送れませんでした。",
                text: "時間をおいて、もう一度お試しください。続く場合は下記の窓口へお電話ください。")
        }
    }

    /// The link's secret from the path, and the link it names while it can still be used.
    private func openLink(_ secret: String) -> Result<(ReceiptLink, Certificate, ContractFolder), EarlyResponse> {
        guard let link = spool.receiptLink(secret: secret) else {
            return .failure(
                EarlyResponse(
                    response: message(
                        .notFound, heading: "このリンクは使えません", error: "受領確認のリンクとして読み取れませんでした。",
                        text: "メールに記載されたリンクを、途中で切れないようにそのまま開いてください。")))
        }
        let folder = ContractFolder(path: spool.contractFolder(link.contract))
        guard let (certificate, _, _) = folder.readCertificate() else { return .failure(EarlyResponse(response: errorPage(.notFound))) }
        if link.usedAt != nil {
            let done = spool.currentReceipt(of: certificate).map { "（受領確認済み: \(JapaneseFormat.warekiHoursMinutes(epochSeconds: $0.at))）" } ?? ""
            return .failure(
                EarlyResponse(
                    response: message(
                        .gone, heading: "このリンクは使用済みです", error: "受領確認のリンクは1回限り使えます\(done)。",
                        text: "改めて確認する場合は、電子証書の画面から「受領を確認する」を押してください。")))
        }
        guard now() < link.expiresAt else {
            return .failure(
                EarlyResponse(
                    response: message(
                        .gone, heading: "このリンクは有効期限が切れました",
                        error: "受領確認のリンクの有効期限（\(JapaneseFormat.warekiHoursMinutes(epochSeconds: link.expiresAt))）が過ぎています。",
                        text: "電子証書の画面から、もう一度「受領を確認する」を押してください。新しいリンクをお送りします。")))
        }
        guard certificate.state == .valid, Spool.viewVersion(certificate.keyDigest) == link.version else {
            return .failure(
                EarlyResponse(
                    response: message(
                        .gone, heading: "この電子証書は変更または失効しています",
                        error: "このリンクを送った後に、電子証書が変更されたか、失効または解約されました。",
                        text: "最新の「電子証書閲覧用「認証キー」等のお知らせ」で電子証書を開き、内容をご確認ください。")))
        }
        return .success((link, certificate, folder))
    }

    /// GET /receipt/<secret>: what is being confirmed, and the button. Opening it records nothing
    /// (a mail gateway that fetches links to scan them must not confirm for the clerk).
    package func receiptPage(_ request: Request, secret: String) -> Response {
        let (link, c): (ReceiptLink, Certificate)
        switch openLink(secret) {
        case .success(let opened): (link, c) = (opened.0, opened.1)
        case .failure(let ended): return ended.response
        }
        var context = baseContext(title: "電子証書の受領確認")
        let token = formToken(request)
        context["csrf"] = token.field
        context["action"] = "/receipt/\(secret)"
        context["clerk"] = link.clerk
        context["rows"] = [
            ["label": "保証契約番号", "value": c.contractNumber],
            ["label": "保証の種類", "value": c.guaranteeTypeName + (c.amendment.map { "（変更第\($0.number)号）" } ?? "")],
            ["label": "被保証者", "value": "\(c.obligee.title)（\(c.obligee.name)）"],
            ["label": c.project.category.projectLabel + "名", "value": c.project.name],
            ["label": "保証契約者", "value": "\(c.principal.name) \(c.principal.representative)"],
            ["label": "リンクの有効期限", "value": JapaneseFormat.warekiHoursMinutes(epochSeconds: link.expiresAt)],
        ]
        return html(.ok, .receipt, context, headers: token.headers)
    }

    /// POST /receipt/<secret>: records the receipt once per version, then spends the link.
    package func confirmReceipt(_ request: Request, _ viewerContext: ViewerContext, secret: String) async -> Response {
        let buffer: ByteBuffer
        switch await collectBody(request, upTo: Self.formLimit) {
        case .success(let b): buffer = b
        case .failure(let problem): return problem.response
        }
        let form = try? URLEncodedFormDecoder().decode(ReceiptRequestForm.self, from: String(buffer: buffer))
        guard acceptsForm(request, field: form?.csrf) else { return formExpired("メールのリンクをもう一度開いてください。") }
        let (link, c): (ReceiptLink, Certificate)
        switch openLink(secret) {
        case .success(let opened): (link, c) = (opened.0, opened.1)
        case .failure(let ended): return ended.response
        }
        let time = now()
        let client = client(request, viewerContext)
        let record = ReceiptRecord(at: time, client: client, clerk: form?.clerk.map { Self.clerkField($0) } ?? link.clerk)
        do {
            // Recorded first, then the link spent: a crash in between leaves a link that records nothing more.
            let first = try spool.recordReceipt(number: c.contractNumber, version: link.version, record)
            _ = try spool.useReceiptLink(secret: secret, at: time)
            if first {
                logger.notice("receipt confirmed by the orderer", metadata: ["contract": "\(c.contractNumber)", "client": "\(client)"])
            }
        } catch {
            logger.error("cannot record a receipt", metadata: ["contract": "\(c.contractNumber)", "error": "\(error.description)"])
            return errorPage(.internalServerError)
        }
        let at = spool.currentReceipt(of: c)?.at ?? time
        return message(
            .ok, heading: "受領を確認しました",
            text:
                "保証契約番号 \(c.contractNumber) の電子証書について、受領確認済み（\(JapaneseFormat.warekiHoursMinutes(epochSeconds: at))）と記録しました。保証契約者（\(c.principal.name)）へは当社から電子メールでお知らせします。"
        )
    }
}
