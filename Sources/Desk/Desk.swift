package import Config
package import HTTPTypes
package import Hummingbird
package import Logging
import Model
import NIOCore
package import Store
package import Support
package import WebSupport

/// The branch desk (`mailbatch desk`): the operators' console over this spool, on the company network.
/// It reads the spool through Operations' read-side types (`ContractSheet`, `ContractSearch`,
/// `SpoolInventory`, `AttentionItem`) and acts only through `OperatorActions`, the code the CLI uses,
/// under the same lock. It never shows a 認証キー: not on a page, in a log line or in a URL.
/// The handlers are in the `Desk+…` files, the routes in `DeskServer`.
package struct Desk: Sendable {
    package let configuration: Configuration
    package let settings: DeskSettings
    package let accounts: DeskAccounts
    package let lockout: SignInLockout
    package let sessions: DeskSessions
    /// The sign-in form's token (before there is a session): the viewer's signed, expiring kind.
    package let signInTokens = FormToken(lifetimeSeconds: 60 * 60)
    package let pages: DeskPages
    package let logger: Logger
    package var now: @Sendable () -> Int = { WallClock.epochSeconds() }

    package static let formLimit = 16 * 1024
    package static let sessionCookie = "mb_desk"
    package static let formCookie = "mb_desk_form"

    package var spool: Spool { configuration.spool }
    private var office: BranchOffice { configuration.branches.standard }

    package init(configuration: Configuration, logger: Logger) throws(ConfigurationError) {
        self.configuration = configuration
        settings = configuration.desk
        accounts = DeskAccounts(path: settings.usersPath(configuration.spool))
        lockout = SignInLockout(
            path: settings.failuresPath(configuration.spool), attempts: settings.lockoutAttempts, lockoutSeconds: settings.lockoutMinutes * 60)
        sessions = DeskSessions(idleSeconds: settings.idleMinutes * 60)
        self.logger = logger
        do {
            pages = try DeskPages(overrides: configuration.templatesDirectory)
        } catch {
            throw ConfigurationError(error.description)
        }
    }

    // MARK: Who is asking

    /// A signed-in person: their session, their account as it is now, and the cookie to set when
    /// the session was opened on this request (a trusted proxy's header).
    package struct Visitor: Sendable {
        package let session: String
        package let account: DeskAccount
        package var cookie: String?

        package var canAct: Bool { account.role == .operator }
    }

    package func client(_ request: Request, _ context: DeskContext) -> String {
        ClientAddress.resolve(
            peer: context.peer, forwardedFor: request.headers[values: HTTPField.Name("X-Forwarded-For")!],
            trusted: Set(settings.trustedProxy.map { [$0] } ?? []))
    }

    /// The session's person, while the session lasts and the account still exists with the same
    /// generation (a password change or a removal ends every session opened before it). Behind a
    /// reverse proxy that signs people in, its header names the account, from that proxy only.
    package func visitor(_ request: Request, _ context: DeskContext) -> Visitor? {
        let time = now()
        let id = request.cookies[Self.sessionCookie]?.value
        if let header = settings.trustedUserHeader.flatMap({ HTTPField.Name($0) }), let proxy = settings.trustedProxy, context.peer == proxy,
            let name = request.headers[header], let account = accounts.account(named: name)
        {
            if let id, let session = sessions.session(id, now: time), session.user == name, session.generation == account.generation {
                return Visitor(session: id, account: account)
            }
            let new = sessions.open(user: name, generation: account.generation, now: time)
            logger.notice("desk sign-in", metadata: ["user": "\(name)", "client": "\(client(request, context))", "outcome": "by the proxy's header"])
            return Visitor(session: new, account: account, cookie: cookie(Self.sessionCookie, new, maxAge: nil))
        }
        guard let session = sessions.session(id, now: time), let id else { return nil }
        guard let account = accounts.account(named: session.user), account.generation == session.generation else {
            sessions.close(id)
            logger.notice("desk session refused", metadata: ["user": "\(session.user)", "why": "the account was removed or its password changed"])
            return nil
        }
        return Visitor(session: id, account: account)
    }

    // MARK: Pages

    package func baseContext(title: String, _ visitor: Visitor?) -> [String: Any] {
        var context: [String: Any] = [
            "title": title, "surety": configuration.mail.suretyName, "office_name": office.name, "office_phone": office.phone,
            "office_hours": office.hours,
        ]
        if let visitor {
            context["user"] = visitor.account.name
            context["role_label"] = visitor.account.role == .operator ? "担当者" : "閲覧のみ"
            context["signout_csrf"] = sessions.issueToken(visitor.session, now: now())
            context["can_act"] = visitor.canAct
        }
        return context
    }

    package func html(_ status: HTTPResponse.Status, _ page: DeskPages.Page, _ context: [String: Any], visitor: Visitor?, headers: HTTPFields = [:])
        -> Response
    {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        if let cookie = visitor?.cookie { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: pages.render(page, Self.present(context)))))
    }

    /// The context without its absent values: mustache would print an empty optional as "nil".
    private static func present(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return present(wrapped)
        }
        if let dictionary = value as? [String: Any] { return dictionary.compactMapValues { present($0) } }
        if let array = value as? [[String: Any]] { return array.map { $0.compactMapValues { present($0) } } }
        return value
    }

    private static func present(_ context: [String: Any]) -> [String: Any] { context.compactMapValues { present($0) } }

    package func message(
        _ status: HTTPResponse.Status, heading: String, error: String? = nil, text: String? = nil, visitor: Visitor?, back: String? = nil,
        backLabel: String? = nil, headers: HTTPFields = [:]
    ) -> Response {
        var context = baseContext(title: heading, visitor)
        context["heading"] = heading
        if let error { context["error"] = error }
        if let text { context["text"] = text }
        if let back { context["back"] = back }
        if let backLabel { context["back_label"] = backLabel }
        if visitor == nil, back == nil {
            context["back"] = "/signin"
            context["back_label"] = "サインイン画面へ"
        }
        return html(status, .message, context, visitor: visitor, headers: headers)
    }

    package func errorPage(_ status: HTTPResponse.Status, visitor: Visitor? = nil) -> Response {
        switch status.code {
        case 404: message(status, heading: "ページが見つかりません", text: "本日の状況か検索から開き直してください。", visitor: visitor)
        case 405: message(status, heading: "この操作はできません", text: "画面のボタンから操作してください。", visitor: visitor)
        case 413: message(status, heading: "送信された内容が大きすぎます", text: "入力を短くして、もう一度送ってください。", visitor: visitor)
        case 400..<500: message(status, heading: "要求を受け付けられませんでした", text: "画面を開き直して、もう一度操作してください。", visitor: visitor)
        default: message(status, heading: "ただいま表示できません", text: "時間をおいて、もう一度お試しください。続く場合はサーバーの管理者に連絡してください。", visitor: visitor)
        }
    }

    /// A POST whose one-time form token is missing, already used or from another session.
    package func formRefused(_ visitor: Visitor?) -> Response {
        message(
            .forbidden, heading: "この送信は受け付けられません",
            error: "画面の有効期限が切れたか、同じ画面から二度送信されました。操作は行っていません。",
            text: "画面を開き直して、もう一度操作してください。", visitor: visitor)
    }

    package func redirect(_ location: String, cookies: [String] = []) -> Response {
        WebResponses.seeOther(location, cookies: cookies)
    }

    /// A cookie only this site's own pages send back (SameSite=Strict), never readable by script;
    /// Secure when the desk is reached over HTTPS (`[desk] https = true`).
    package func cookie(_ name: String, _ value: String, maxAge: Int?) -> String {
        WebResponses.cookie(name, value, maxAge: maxAge, secure: settings.servedOverHTTPS)
    }

    // MARK: Forms

    /// Every field any desk form has; each handler reads its own.
    package struct Form: Decodable, Sendable {
        package var csrf: String?
        package var user: String?
        package var password: String?
        package var to: String?
        package var address: String?
        package var cc: String?
        package var reason: String?
        package var confirm: String?
    }

    package func readForm(_ request: Request) async -> Result<Form, EarlyResponse> {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.formLimit)
        } catch is NIOTooManyBytesError {
            return .failure(EarlyResponse(response: errorPage(.contentTooLarge)))
        } catch {
            return .failure(EarlyResponse(response: errorPage(.badRequest)))
        }
        guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) else {
            return .failure(EarlyResponse(response: errorPage(.badRequest)))
        }
        return .success(form)
    }

    package struct EarlyResponse: Error { package let response: Response }

    /// For logs: the number when it is one, never whatever else was typed.
    package static func loggable(_ number: String) -> String {
        ContractValidator.isValidContractNumber(number) ? number : "(not a contract number)"
    }
}
