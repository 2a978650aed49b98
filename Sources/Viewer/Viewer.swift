package import Config
import Crypto
package import HTTPTypes
package import Hummingbird
package import Logging
package import Model
package import NIOCore
package import Store
package import Support
package import WebSupport

/// The orderer's viewer (`mailbatch serve`): D-Sure's role over this spool. It reads the spool and
/// writes only the attempt log and lockout state under `verify/`, through the same `Verification`
/// as `mailbatch verify`. The handlers are in the `Viewer+…` files, the routes in `ViewerServer`.
package struct Viewer: Sendable {
    package let spool: Spool
    package let settings: ViewerSettings
    package let office: BranchOffice
    package let branches: BranchDirectory
    package let surety: String
    package let pages: ViewerPages
    /// For the data check: the surety's public key, when one is configured.
    package let publicKeyRaw: [UInt8]?
    package let logger: Logger
    package var now: @Sendable () -> Int = { WallClock.epochSeconds() }

    package let sessions = SessionStore()
    package let tokens = FormToken()
    package let clients = ClientLockout()
    package let receiptMailer: any ReceiptLinkMailing

    package static let formLimit = 8 * 1024
    package static let uploadLimit = 512 * 1024
    package static let sessionCookie = "mb_session"
    package static let formCookie = "mb_form"

    package init(configuration: Configuration, logger: Logger, receiptMailer: any ReceiptLinkMailing) throws(ConfigurationError) {
        spool = configuration.spool
        settings = configuration.viewer
        branches = configuration.branches
        office = configuration.branches.standard
        surety = configuration.mail.suretyName
        self.logger = logger
        self.receiptMailer = receiptMailer
        do {
            pages = try ViewerPages(overrides: configuration.templatesDirectory)
        } catch {
            throw ConfigurationError(error.description)
        }
        if let file = settings.publicKeyFile {
            do {
                publicKeyRaw = Array(try SigningKeyFile.loadPublic(file).rawRepresentation)
            } catch {
                throw ConfigurationError("[viewer] public_key_file: \(error.description)")
            }
        } else if let signer = try configuration.loadSigner() {
            publicKeyRaw = signer.publicKeyRaw
        } else {
            publicKeyRaw = nil
        }
    }

    package var verification: Verification { Verification(spool: spool, now: now) }

    // MARK: What every page shows

    package func baseContext(title: String, office: BranchOffice? = nil) -> [String: Any] {
        let office = office ?? self.office
        return [
            "title": title, "surety": surety, "office_name": office.name, "office_phone": office.phone, "office_hours": office.hours,
            "session_minutes": sessions.lifetimeSeconds / 60,
        ]
    }

    package func html(_ status: HTTPResponse.Status, _ page: ViewerPages.Page, _ context: [String: Any], headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: pages.render(page, context))))
    }

    package func message(_ status: HTTPResponse.Status, heading: String, error: String? = nil, text: String? = nil) -> Response {
        var context = baseContext(title: heading)
        context["heading"] = heading
        if let error { context["error"] = error }
        if let text { context["text"] = text }
        return html(status, .message, context)
    }

    /// A form whose CSRF token is missing, forged or from before a restart: 403, and what to do.
    package func formExpired(_ whatToDo: String) -> Response {
        message(.forbidden, heading: "入力画面の有効期限が切れました", text: whatToDo)
    }

    package func errorPage(_ status: HTTPResponse.Status) -> Response {
        switch status.code {
        case 404: message(status, heading: "ページが見つかりません", text: "入力画面から操作してください。")
        case 405: message(status, heading: "この操作はできません", text: "入力画面から操作してください。")
        case 413:
            message(
                status, heading: "送信された内容が大きすぎます",
                text: "入力画面からやり直してください。電子証書データの確認では、512KBまでの .json ファイルを選んでください。")
        case 400..<500: message(status, heading: "要求を受け付けられませんでした", text: "入力画面からやり直してください。")
        default: message(status, heading: "ただいま表示できません", text: "時間をおいて、もう一度お試しください。続く場合は下記の窓口へお電話ください。")
        }
    }

    /// A request body up to `limit` bytes; a body that is too large and one that is broken (a bad
    /// chunked encoding, a dropped upload) get different pages.
    package func collectBody(_ request: Request, upTo limit: Int) async -> Result<ByteBuffer, EarlyResponse> {
        do {
            return .success(try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            return .failure(EarlyResponse(response: errorPage(.contentTooLarge)))
        } catch {
            return .failure(EarlyResponse(response: message(.badRequest, heading: "送信された内容を読み取れませんでした", text: "入力画面からやり直してください。")))
        }
    }

    /// The page that ends a request early: a body that could not be read, a session that has ended.
    package struct EarlyResponse: Error { let response: Response }

    package func redirect(_ location: String, cookies: [String] = []) -> Response {
        WebResponses.seeOther(location, cookies: cookies)
    }

    /// A cookie only this site's own pages send back (SameSite=Strict), never readable by script.
    package func cookie(_ name: String, _ value: String, maxAge: Int?) -> String {
        WebResponses.cookie(name, value, maxAge: maxAge, secure: settings.servedOverHTTPS || servedWithTLS)
    }

    package var servedWithTLS = false

    /// The form token for a page: the browser's own while it is valid (no new cookie, so a form open
    /// in another tab stays good), else a new one with the cookie that carries it.
    package func formToken(_ request: Request) -> (headers: HTTPFields, field: String) {
        let time = now()
        if let current = request.cookies[Self.formCookie]?.value, tokens.isValid(current, now: time) { return ([:], current) }
        let token = tokens.make(now: time)
        return ([.setCookie: cookie(Self.formCookie, token, maxAge: nil)], token)
    }

    package func acceptsForm(_ request: Request, field: String?) -> Bool {
        tokens.accepts(cookie: request.cookies[Self.formCookie]?.value, field: field, now: now())
    }

    package func client(_ request: Request, _ context: ViewerContext) -> String {
        ClientAddress.resolve(
            peer: context.peer, forwardedFor: request.headers[values: HTTPField.Name("X-Forwarded-For")!], trusted: Set(settings.trustedProxies))
    }

    /// For logs: the number when it is one, never whatever else was typed.
    package static func loggable(_ number: String) -> String {
        ContractValidator.isValidContractNumber(number) ? number : "(not a contract number)"
    }
}
