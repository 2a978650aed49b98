package import Hummingbird
import Store
import Support

/// The form, the key check and the end of a viewing session.
extension Viewer {
    package struct LookupForm: Decodable {
        package var csrf: String?
        package var contract_number: String?
        package var key: String?

        package init(csrf: String? = nil, contract_number: String? = nil, key: String? = nil) {
            self.csrf = csrf
            self.contract_number = contract_number
            self.key = key
        }
    }

    package func form(_ request: Request) -> Response {
        let token = formToken(request)
        var context = baseContext(title: "電子証書の閲覧")
        context["csrf"] = token.field
        return html(.ok, .form, context, headers: token.headers)
    }

    /// POST only, so the key never reaches a URL, a log of URLs or the browser's history.
    package func lookup(_ request: Request, _ context: ViewerContext) async throws -> Response {
        let client = client(request, context)
        let buffer: ByteBuffer
        switch await collectBody(request, upTo: Self.formLimit) {
        case .success(let b): buffer = b
        case .failure(let problem): return problem.response
        }
        guard let form = try? URLEncodedFormDecoder().decode(LookupForm.self, from: String(buffer: buffer)) else {
            return message(.badRequest, heading: "要求を受け付けられませんでした", text: "入力画面からやり直してください。")
        }
        guard acceptsForm(request, field: form.csrf) else {
            audit(client, number: "-", outcome: "form token missing or wrong")
            return formExpired("お手数ですが、入力画面を開き直して、もう一度入力してください。")
        }
        let number = Verification.normalizedNumber(form.contract_number ?? "")
        let time = now()
        if let until = clients.lockedUntil(client, now: time) {
            audit(client, number: number, outcome: "refused (client locked)")
            return locked(until: until)
        }
        // The attempt files are locked across processes (`LockedFile`), so two viewers share one count;
        // flock and fdatasync block, so they run on NIO's thread pool, not on the request's executor.
        let verification = verification
        let key = form.key ?? ""
        let outcome = try await Self.blocking { try verification.verify(number: number, key: key, requester: "viewer \(client)") }
        audit(client, number: number, outcome: outcome.logWord)
        switch outcome {
        case .superseded(let old, _, _):
            let id = sessions.open(number: number, binding: Self.supersededBinding(old), now: time)
            return redirect("/certificate", cookies: [cookie(Self.sessionCookie, id, maxAge: sessions.lifetimeSeconds)])
        case .valid(let certificate, _), .revoked(let certificate, _):
            let id = sessions.open(number: number, binding: Self.sessionBinding(certificate), now: time)
            if certificate.state == .valid {
                // The orderer's first view of this version: `show` prints it, a run may tell the contractor.
                do {
                    let (spool, digest) = (spool, certificate.keyDigest)
                    if try await Self.blocking({ try spool.recordFirstView(number: number, keyDigest: digest, client: client, at: time) }) {
                        logger.notice("first opening of this version with its key recorded", metadata: ["contract": "\(number)", "client": "\(client)"])
                    }
                } catch {
                    logger.error("cannot record the orderer's view", metadata: ["contract": "\(number)", "error": "\(error)"])
                }
            }
            return redirect("/certificate", cookies: [cookie(Self.sessionCookie, id, maxAge: sessions.lifetimeSeconds)])
        case .mismatch:
            clients.recordFailure(client, number: number, now: time)
            var page = baseContext(title: "閲覧できませんでした")
            // Said of what was typed, never of what the spool holds, so it tells nothing about the number.
            if number.contains(where: \.isLowercase) {
                page["hint"] = "保証契約番号の英字は大文字と小文字を区別します。お知らせに印字されたとおりに入力してください。"
            }
            return html(.forbidden, .denied, page)
        case .notANumber(let looksLikeKey):
            // Counted as one and the same wrong number, so that what was typed is not kept even in memory.
            clients.recordFailure(client, number: "(not a contract number)", now: time)
            return message(
                .forbidden, heading: "保証契約番号として読み取れませんでした",
                error: looksLikeKey
                    ? "保証契約番号の欄に認証キーの形の文字列が入力されました。保証契約番号と認証キーの欄を入れ替えていないか確かめてください。"
                    : "保証契約番号は、英数字とハイフン（-）の4〜32文字です。",
                text: "「電子証書閲覧用「認証キー」等のお知らせ」の記載を確かめて、もう一度入力してください。")
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

    package func locked(until: Int) -> Response {
        var context = baseContext(title: "しばらく閲覧できません")
        context["until"] = JapaneseFormat.warekiTimestamp(JST.iso8601(epochSeconds: until))
        return html(.tooManyRequests, .locked, context, headers: [.retryAfter: "\(max(1, until - now()))"])
    }

    package func logout(_ request: Request) async throws -> Response {
        let buffer: ByteBuffer
        switch await collectBody(request, upTo: Self.formLimit) {
        case .success(let b): buffer = b
        case .failure(let problem): return problem.response
        }
        let form = try? URLEncodedFormDecoder().decode(LookupForm.self, from: String(buffer: buffer))
        guard acceptsForm(request, field: form?.csrf) else {
            return formExpired("入力画面を開き直してください。")
        }
        sessions.close(request.cookies[Self.sessionCookie]?.value)
        return redirect("/", cookies: [cookie(Self.sessionCookie, "", maxAge: 0)])
    }

    /// One line per attempt for the operator's log (journald under systemd): never the key.
    package func audit(_ client: String, number: String, outcome: String) {
        logger.notice("viewer lookup", metadata: ["client": "\(client)", "contract": "\(Self.loggable(number))", "outcome": "\(outcome)"])
    }
}
