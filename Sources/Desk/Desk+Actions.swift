import Config
import Foundation
package import Hummingbird
import Model
import Operations
import Support
import WebSupport

/// What an operator may do from the desk; each is `OperatorActions`, the code the CLI runs.
package enum DeskAction: String, Sendable, CaseIterable {
    case resend
    case retry
    case reissueKey = "reissue-key"
    case revoke
    /// Take a record held in `held/` back after it was corrected.
    case release

    /// The actions on a contract (`/contract/<no>/<action>`); `release` is on a held record.
    package static let onContract: [DeskAction] = [.resend, .retry, .reissueKey, .revoke]

    var heading: String {
        switch self {
        case .resend: "メールを再送する"
        case .retry: "すぐに再試行する"
        case .reissueKey: "認証キーを再発行する"
        case .revoke: "電子証書を失効させる"
        case .release: "保留中の記録を戻す"
        }
    }

    var lead: String {
        switch self {
        case .resend:
            "発行時と同じ内容のメールを、次のバッチ実行で送り直します。アドレスを誤って登録していたときは、訂正後のアドレスを入力してください。"
        case .retry: "再試行待ちと送信失敗のメールを、次のバッチ実行ですぐに送るようにします。"
        case .reissueKey:
            "新しい認証キーを発行し、古い認証キーを無効にします。新しい「認証キー等のお知らせ」は次のバッチ実行で受注者にメールで送られます。新しい認証キーはこの画面には表示されません。"
        case .revoke: "電子証書を失効させます。取り消せません。発注者は閲覧画面で失効と理由を見ます。"
        case .release: "原因を直した保留中の記録を受付に戻し、次のバッチ実行で処理し直します。"
        }
    }

    var button: String {
        switch self {
        case .resend: "再送する"
        case .retry: "再試行する"
        case .reissueKey: "再発行する"
        case .revoke: "失効の確認へ進む"
        case .release: "受付に戻す"
        }
    }

    var done: String {
        switch self {
        case .resend: "再送を受け付けました。次のバッチ実行でメールが送られます。"
        case .retry: "再試行を受け付けました。次のバッチ実行で送られます。"
        case .reissueKey: "認証キーを再発行しました。新しい認証キーは「認証キー等のお知らせ」で受注者にメールで送られます（次のバッチ実行）。"
        case .revoke: "電子証書を失効させました。"
        case .release: "保留中の記録を受付に戻しました。次のバッチ実行で処理されます。"
        }
    }
}

extension Desk {
    func actionPath(_ action: DeskAction, _ subject: String) -> String {
        action == .release ? "/held/\(subject)/release" : "/contract/\(subject)/\(action.rawValue)"
    }

    func backPath(_ action: DeskAction, _ subject: String) -> String {
        action == .release ? "/" : "/contract/\(subject)"
    }

    /// The form of an action; for a reader, a page that says they cannot act.
    package func actionForm(
        _ action: DeskAction, subject: String, _ visitor: Visitor, form: Form? = nil, error: String? = nil, status: HTTPResponse.Status = .ok,
        confirm: Bool = false
    ) -> Response {
        guard visitor.canAct else {
            return message(
                .forbidden, heading: "この操作はできません", error: "閲覧専用のアカウント（\(visitor.account.name)）では操作できません。",
                text: "操作が必要なときは、担当者のアカウントでサインインしてください。", visitor: visitor, back: backPath(action, subject),
                backLabel: "戻る")
        }
        if action == .release {
            guard Self.heldRecords(spool).contains(where: { $0.name == subject }) else {
                return message(
                    .notFound, heading: "保留中の記録が見つかりません", error: "その名前の保留中の記録はありません（すでに戻されたかもしれません）。",
                    visitor: visitor)
            }
        } else if !ContractValidator.isValidContractNumber(subject) || spool.issuedContract(subject) == nil {
            return notIssued(subject, visitor)
        }
        var page = baseContext(title: action.heading, visitor)
        page["heading"] = confirm ? "失効させてよいですか" : action.heading
        if action == .release { page["held"] = subject } else { page["number"] = subject }
        page["lead"] = confirm ? "保証契約番号 \(subject) の電子証書を失効させます。この操作は取り消せません。" : action.lead
        page["action"] = actionPath(action, subject)
        page["back"] = backPath(action, subject)
        page["csrf"] = sessions.issueToken(visitor.session, now: now())
        page["button"] = confirm ? "失効させる" : action.button
        page["danger"] = action == .revoke
        page["confirm"] = confirm
        page["reason"] = form?.reason ?? ""
        if let error { page["error"] = error }
        if action == .resend {
            let to = form?.to ?? "contractor"
            page["resend"] = true
            page["to_contractor"] = to == "contractor"
            page["to_orderer"] = to == "orderer"
            page["to_all"] = to == "all"
            page["address"] = form?.address ?? ""
            page["cc"] = form?.cc ?? ""
            page["note"] = "送り先を「両方」にしたときは、訂正後のアドレスは使えません。受注者と発注者を一つずつ送ってください。"
        }
        return html(status, .action, page, visitor: visitor)
    }
}
