package import Hummingbird
import Support
import WebSupport

/// Sign-in, sign-out and the lockout page.
extension Desk {
    package func signInForm(_ request: Request, _ context: DeskContext, error: String? = nil, typedUser: String = "", status: HTTPResponse.Status = .ok)
        -> Response
    {
        if error == nil, visitor(request, context) != nil { return redirect("/") }
        let time = now()
        var headers = HTTPFields()
        let token: String
        if let current = request.cookies[Self.formCookie]?.value, signInTokens.isValid(current, now: time) {
            token = current
        } else {
            token = signInTokens.make(now: time)
            headers[.setCookie] = cookie(Self.formCookie, token, maxAge: nil)
        }
        var page = baseContext(title: "サインイン", nil)
        page["csrf"] = token
        page["attempts"] = settings.lockoutAttempts
        page["lockout_minutes"] = settings.lockoutMinutes
        page["idle_minutes"] = settings.idleMinutes
        page["typed_user"] = typedUser
        if let error { page["error"] = error }
        return html(status, .signin, page, visitor: nil, headers: headers)
    }

    package func signIn(_ request: Request, _ context: DeskContext) async throws -> Response {
        let form: Form
        switch await readForm(request) {
        case .success(let f): form = f
        case .failure(let problem): return problem.response
        }
        let client = client(request, context)
        guard signInTokens.accepts(cookie: request.cookies[Self.formCookie]?.value, field: form.csrf, now: now()) else {
            logger.notice("desk sign-in", metadata: ["client": "\(client)", "outcome": "refused: form token missing or wrong"])
            return formRefused(nil)
        }
        let name = form.user ?? ""
        let password = form.password ?? ""
        let account = DeskAccounts.isValidName(name) ? accounts.account(named: name) : nil
        // An unknown name is logged as such, never as typed (it may be a password typed in the wrong field).
        let logName = account?.name ?? "(unknown user)"
        let time = now()
        let lockout = lockout
        if let until = try await Blocking.run({ try lockout.lockedUntil(user: account?.name, client: client, now: time) }) {
            logger.notice("desk sign-in", metadata: ["user": "\(logName)", "client": "\(client)", "outcome": "refused: locked"])
            return locked(until: until)
        }
        let good = try await Blocking.run {
            guard let account else {
                PasswordHash.spendTime(password)
                return false
            }
            return account.password.verifies(password)
        }
        guard good, let account else {
            let until = try await Blocking.run { try lockout.recordFailure(user: account?.name, client: client, now: time) }
            logger.notice("desk sign-in", metadata: ["user": "\(logName)", "client": "\(client)", "outcome": "wrong user name or password"])
            if let until { return locked(until: until) }
            return signInForm(
                request, context, error: "ユーザー名かパスワードが違います。もう一度入力してください。", typedUser: account?.name ?? "", status: .unauthorized)
        }
        try await Blocking.run { try lockout.recordSuccess(user: account.name, client: client) }
        sessions.close(request.cookies[Self.sessionCookie]?.value)
        let id = sessions.open(user: account.name, generation: account.generation, now: time)
        logger.notice("desk sign-in", metadata: ["user": "\(account.name)", "client": "\(client)", "outcome": "signed in"])
        return redirect("/", cookies: [cookie(Self.sessionCookie, id, maxAge: nil)])
    }

    package func locked(until: Int) -> Response {
        message(
            .tooManyRequests, heading: "しばらくサインインできません",
            error: "パスワードの誤りが続いたため、\(JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: until)))までサインインできません。",
            text: "時間をおいてから、もう一度サインインしてください。パスワードが分からないときは、サーバーの管理者に mailbatch desk-user passwd で設定し直してもらってください。",
            visitor: nil, headers: [.retryAfter: "\(max(1, until - now()))"])
    }

    package func signOut(_ request: Request, _ context: DeskContext) async -> Response {
        let form: Form
        switch await readForm(request) {
        case .success(let f): form = f
        case .failure(let problem): return problem.response
        }
        guard let visitor = visitor(request, context) else { return redirect("/signin") }
        guard sessions.consumeToken(visitor.session, form.csrf) else { return formRefused(visitor) }
        sessions.close(visitor.session)
        logger.notice("desk sign-out", metadata: ["user": "\(visitor.account.name)", "client": "\(client(request, context))"])
        return redirect("/signin", cookies: [cookie(Self.sessionCookie, "", maxAge: 0)])
    }
}
