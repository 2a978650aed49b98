import Hummingbird

/// The form, the key check and the end of a viewing session.
extension Viewer {
    struct LookupForm: Decodable {
        var csrf: String?
        var contract_number: String?
        var key: String?
    }

    func form(_ request: Request) -> Response {
        let token = formToken()
        var context = baseContext(title: "電子証書の閲覧")
        context["csrf"] = token.field
        return html(.ok, .form, context, headers: [.setCookie: token.cookie])
    }

    /// POST only, so the key never reaches a URL, a log of URLs or the browser's history.
    func lookup(_ request: Request, _ context: ViewerContext) async throws -> Response {
        let client = client(request, context)
        guard let buffer = try? await request.body.collect(upTo: Self.formLimit) else { return errorPage(.contentTooLarge) }
        guard let form = try? URLEncodedFormDecoder().decode(LookupForm.self, from: String(buffer: buffer)) else {
            return message(.badRequest, heading: "要求を受け付けられませんでした", text: "入力画面からやり直してください。")
        }
        guard tokens.accepts(cookie: request.cookies[Self.formCookie]?.value, field: form.csrf) else {
            audit(client, number: "-", outcome: "form token missing or wrong")
            return formExpired("お手数ですが、入力画面を開き直して、もう一度入力してください。")
        }
        let number = Verification.normalizedNumber(form.contract_number ?? "")
        let time = now()
        if let until = clients.lockedUntil(client, now: time) {
            audit(client, number: number, outcome: "refused (client locked)")
            return locked(until: until)
        }
        let outcome = try withNumberLock(number) {
            try verification.verify(number: number, key: form.key ?? "", requester: "viewer \(client)")
        }
        audit(client, number: number, outcome: outcome.logWord)
        switch outcome {
        case .valid, .revoked:
            let id = sessions.open(number: number, now: time)
            return redirect("/certificate", cookies: [cookie(Self.sessionCookie, id, maxAge: sessions.lifetimeSeconds)])
        case .mismatch:
            clients.recordFailure(client, number: number, now: time)
            return html(.forbidden, .denied, baseContext(title: "閲覧できませんでした"))
        case .replacedKey(let when):
            clients.recordFailure(client, number: number, now: time)
            let date = when.map { "（\(JapaneseFormat.warekiTimestamp($0))）" } ?? ""
            return message(
                .forbidden, heading: "この認証キーは使えません", error: "この認証キーは再発行により無効になりました\(date)。",
                text: "受注者から新しい「電子証書閲覧用「認証キー」等のお知らせ」を受け取り、その認証キーを入力してください。")
        case .refused(let until):
            return locked(until: until)
        }
    }

    func locked(until: Int) -> Response {
        var context = baseContext(title: "しばらく閲覧できません")
        context["until"] = JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: until))
        return html(.tooManyRequests, .locked, context, headers: [.retryAfter: "\(max(1, until - now()))"])
    }

    func logout(_ request: Request) async throws -> Response {
        guard let buffer = try? await request.body.collect(upTo: Self.formLimit) else { return errorPage(.contentTooLarge) }
        let form = try? URLEncodedFormDecoder().decode(LookupForm.self, from: String(buffer: buffer))
        guard tokens.accepts(cookie: request.cookies[Self.formCookie]?.value, field: form?.csrf) else {
            return formExpired("入力画面を開き直してください。")
        }
        sessions.close(request.cookies[Self.sessionCookie]?.value)
        return redirect("/", cookies: [cookie(Self.sessionCookie, "", maxAge: 0)])
    }

    /// One line per attempt for the operator's log (journald under systemd): never the key.
    func audit(_ client: String, number: String, outcome: String) {
        logger.notice("viewer lookup", metadata: ["client": "\(client)", "contract": "\(Self.loggable(number))", "outcome": "\(outcome)"])
    }
}
