import Support

/// What the viewer and `verify` say first when a key opens an earlier version: 解約 (with the day
/// and the reason) when the contract was cancelled since, else 変更前; then which version the key opened.
extension CertificateRows {
    /// The change in force: the certificate's own, or for a cancelled one the change it was cancelled under.
    package static func amendmentInForce(_ c: Certificate) -> Certificate.Amendment? {
        c.amendment ?? (c.state == .cancelled ? c.versions?.last?.amendment : nil)
    }

    /// 「当初」 or 「変更第1号」: how a version is named to a reader.
    package static func versionName(_ a: Certificate.Amendment?) -> String { a.map { "変更第\($0.number)号" } ?? "当初" }

    /// The state an earlier version's key shows: 解約 when the contract is cancelled, else 変更前.
    package static func supersededStateName(_ current: Certificate) -> String {
        current.state == .cancelled ? "解約" : "変更前の内容（最新ではありません）"
    }

    /// Which version the key opened, said after the cancellation: 「この認証キーで表示しているのは第1版（当初）の内容です。…」
    package static func openedVersionNotice(_ old: Certificate, current: Certificate) -> String {
        let latest = amendmentInForce(current).map { "（\(amendmentName($0))）" } ?? ""
        return "この認証キーで表示しているのは第\(old.currentVersion)版（\(versionName(old.amendment))）の内容です。この電子証書はその後変更されています\(latest)。"
    }

    /// The first line `verify` prints for a key of an earlier version.
    package static func supersededFirstLine(_ old: Certificate, current: Certificate) -> String {
        if current.state == .cancelled {
            let on = current.cancelledOn.map(JapaneseFormat.wareki) ?? ""
            return "電子証書 \(old.contractNumber): cancelled（解約 \(on)付け）: この認証キーは第\(old.currentVersion)版（\(versionName(old.amendment))）のものです\n"
        }
        return
            "電子証書 \(old.contractNumber): superseded（変更前）: この認証キーは第\(old.currentVersion)版（\(versionName(old.amendment))）のもので、現在は第\(current.currentVersion)版です\n"
    }
}
