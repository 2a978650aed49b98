import Foundation
package import Hummingbird
import Model
import Operations
import Support
import WebSupport

extension Desk {
    /// A POST of an action: signed in, a fresh form token of this session, an operator; then the
    /// action through `OperatorActions`, which takes the spool lock, records it and audits it.
    package func act(_ action: DeskAction, subject: String, _ request: Request, _ context: DeskContext) async throws -> Response {
        let form: Form
        switch await readForm(request) {
        case .success(let f): form = f
        case .failure(let problem): return problem.response
        }
        guard let visitor = visitor(request, context) else {
            return message(.forbidden, heading: "サインインしてください", text: "サインインの有効期限が切れました。操作は行っていません。", visitor: nil)
        }
        let client = client(request, context)
        let actor = OperatorActor(name: visitor.account.name, channel: .desk, address: client)
        let number = action == .release ? nil : Self.loggable(subject)
        guard sessions.consumeToken(visitor.session, form.csrf) else {
            logger.notice(
                "desk action refused", metadata: ["user": "\(visitor.account.name)", "action": "\(action.rawValue)", "why": "form token missing or used"])
            return formRefused(visitor)
        }
        let reason = (form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard visitor.canAct else {
            audit(actor, action, contract: number, reason: reason, outcome: "refused: the account \(visitor.account.name) is a reader")
            return message(
                .forbidden, heading: "この操作はできません", error: "閲覧専用のアカウント（\(visitor.account.name)）では操作できません。操作は行っていません。",
                visitor: visitor, back: backPath(action, subject), backLabel: "戻る")
        }
        if action == .revoke, form.confirm != "yes" {
            guard !reason.isEmpty else { return actionForm(action, subject: subject, visitor, form: form, error: "理由を入力してください。", status: .badRequest) }
            return actionForm(action, subject: subject, visitor, form: form, confirm: true)
        }
        let actions = OperatorActions(configuration: configuration, actor: actor, now: now)
        let lines: [String]
        do {
            switch action {
            case .resend:
                guard let target = Requeue.Target(rawValue: form.to ?? "") else {
                    return actionForm(action, subject: subject, visitor, form: form, error: "送り先を選んでください。", status: .badRequest)
                }
                let address = form.address.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
                let cc = form.cc.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : Requeue.CcChange.replace($0) }
                lines = try await Blocking.run { try actions.resend(subject, to: target, address: address, cc: cc, reason: reason) }
            case .retry:
                lines = try await Blocking.run { try actions.retry(subject, reason: reason) }
            case .reissueKey:
                lines = try await Blocking.run { try actions.reissueKey(subject, reason: reason) }
            case .revoke:
                lines = try await Blocking.run { try actions.revoke(subject, reason: reason) }
            case .release:
                lines = try await Blocking.run { try actions.releaseHeld(subject, reason: reason) }
            }
        } catch let error as OperatorActionError {
            switch error {
            case .busy:
                return message(
                    .serviceUnavailable, heading: "ただいまバッチ処理の実行中です",
                    error: "バッチ処理（mailbatch run）の実行中のため、操作は行っていません。", text: "1分ほど待ってから、もう一度操作してください。",
                    visitor: visitor, back: actionPath(action, subject), backLabel: "操作画面に戻る", headers: [.retryAfter: "60"])
            case .refused(let why):
                return actionForm(
                    action, subject: subject, visitor, form: form,
                    error: "操作できませんでした（何も変更していません）。\(hint(action, subject: subject, form: form, reason: reason))詳細: \(why)",
                    status: .badRequest)
            case .failed(let why):
                logger.error("desk action failed", metadata: ["user": "\(visitor.account.name)", "action": "\(action.rawValue)", "error": "\(why)"])
                return message(
                    .internalServerError, heading: "操作に失敗しました", error: "\(why)", text: "サーバーの管理者に連絡してください。", visitor: visitor,
                    back: backPath(action, subject), backLabel: "戻る")
            }
        }
        logger.notice(
            "desk action",
            metadata: ["user": "\(visitor.account.name)", "client": "\(client)", "action": "\(action.rawValue)", "subject": "\(number ?? "held")"])
        var page = baseContext(title: action.heading, visitor)
        page["heading"] = action.heading
        page["done"] = action.done
        page["lines"] = lines
        page["has_lines"] = !lines.isEmpty
        page["back"] = backPath(action, subject)
        page["back_label"] = action == .release ? "本日の状況に戻る" : "保証契約の画面に戻る"
        return html(.ok, .result, page, visitor: visitor)
    }

    /// What a clerk should fix, in Japanese, before the refusal's own words.
    private func hint(_ action: DeskAction, subject: String, form: Form, reason: String) -> String {
        if reason.isEmpty { return "理由を入力してください。" }
        if action != .release, spool.issuedContract(subject) == nil { return "この保証契約番号の電子証書は発行されていません。" }
        for field in [form.address, form.cc].compactMap({ $0?.trimmingCharacters(in: .whitespaces) }) where !field.isEmpty {
            if !EmailAddress.isPlainAddrSpec(field) { return "メールアドレスの形が正しくありません（例: name@example.jp、名前や <> は付けない）。" }
        }
        return ""
    }

    /// An attempt the desk refused before it reached `OperatorActions` (a reader's), in the audit log.
    private func audit(_ actor: OperatorActor, _ action: DeskAction, contract: String?, reason: String, outcome: String) {
        do {
            try AuditLog(spool: spool).append(
                AuditEntry(epochSeconds: now(), actor: actor, action: action.rawValue, contract: contract, reason: reason, outcome: outcome))
        } catch {
            logger.error("cannot append to the audit log", metadata: ["error": "\(error)"])
        }
    }
}
