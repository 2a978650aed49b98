import Support

/// What a 保証証書 states, label and value in the document's order: one list for `verify`'s text and
/// the viewer's page, so both say exactly what the paper says.
package enum CertificateRows {
    package struct Row: Sendable {
        package let label: String
        /// One or more lines (the 保証契約者 holds address, name and representative).
        package let lines: [String]

        package init(label: String, lines: [String]) {
            self.label = label
            self.lines = lines
        }
    }

    package static func rows(_ c: Certificate) -> [Row] {
        var rows = [
            Row(label: "保証契約番号", lines: [c.contractNumber]),
            Row(label: "保証の種類", lines: [c.guaranteeTypeName]),
            Row(label: "被保証者", lines: ["\(c.obligee.title)（\(c.obligee.name)）"]),
            Row(label: "保証契約者", lines: [c.principal.address, c.principal.name, c.principal.representative]),
            Row(label: "\(c.project.category.projectLabel)名", lines: [c.project.name]),
            Row(label: c.placeLabel, lines: [c.project.location]),
            Row(label: "当初契約日", lines: [JapaneseFormat.wareki(c.project.contractOn)]),
            Row(label: c.periodLabel, lines: [JapaneseFormat.warekiPeriod(c.project.period)]),
            Row(label: c.contractAmountLabel, lines: [JapaneseFormat.yen(c.project.contractAmount)]),
            Row(label: c.guaranteeAmountLabel, lines: [JapaneseFormat.yen(c.guarantee.amount)]),
            Row(label: "保証期間", lines: [JapaneseFormat.warekiPeriod(c.guarantee.period)]),
            Row(label: "保証契約締結日", lines: [JapaneseFormat.warekiWithWestern(c.concludedOn)]),
            Row(label: "保証事業会社", lines: [c.surety]),
        ]
        if let ref = c.project.ordererRef { rows.insert(Row(label: c.ordererRefLabel, lines: [ref]), at: 5) }
        return rows
    }

    /// The certificate's state as the viewer and `verify` name it: 有効, 失効, with the key's history.
    package static func stateName(_ c: Certificate) -> String {
        switch c.state {
        case .revoked: "失効"
        case .cancelled: "解約"
        case .valid:
            [c.amendment.map { "変更第\($0.number)号" }, c.keyReissuedAt.map { _ in "認証キー再発行済み" }].compactMap { $0 }
                .reduce("有効") { "\($0)（\($1)）" }
        }
    }

    /// What the viewer and `verify` say of an earlier version opened with its own key.
    package static func supersededNotice(_ current: Certificate) -> String {
        let latest = current.amendment.map { "（\(amendmentName($0))）" } ?? ""
        if current.state == .revoked {
            return "この電子証書は変更されています\(latest)。変更後の電子証書は失効しています。"
        }
        if current.state == .cancelled {
            return "この電子証書は変更されています\(latest)。この保証契約は\(current.cancelledOn.map(JapaneseFormat.wareki) ?? "")付けで解約されています。"
        }
        return "この電子証書は変更されています\(latest)。最新の内容は変更後の認証キーでご確認ください。"
    }

    /// 「変更第1号 令和7年9月10日」
    package static func amendmentName(_ a: Certificate.Amendment) -> String { "変更第\(a.number)号 \(JapaneseFormat.wareki(a.concludedOn))" }

    /// 変更履歴: the first issue and each change, oldest first: when, which change, why, what changed.
    package static func amendments(_ c: Certificate) -> [(label: String, what: String, reason: String?, changes: [Certificate.Change])] {
        let current = c.cancelledAt == nil ? [(c.issuedAt, c.amendment, c.changes ?? [])] : []
        let all = (c.versions ?? []).map { ($0.issuedAt, $0.amendment, $0.changes ?? []) } + current
        return all.compactMap { issuedAt, amendment, changes in
            guard let amendment else { return (JapaneseFormat.warekiTimestamp(issuedAt), "当初（発行）", nil, []) }
            return (JapaneseFormat.warekiTimestamp(issuedAt), amendmentName(amendment), amendment.reason, changes)
        }
    }

    /// Issue, changes, key reissues, cancellation and revocation, oldest first, dated in Japan time.
    package static func history(_ c: Certificate) -> [Row] {
        let first = c.versions?.first?.issuedAt ?? c.issuedAt
        var out = [Row(label: JapaneseFormat.warekiTimestamp(first), lines: ["電子証書を発行"])]
        for version in (c.versions ?? []).dropFirst() {
            if let a = version.amendment { out.append(Row(label: JapaneseFormat.warekiTimestamp(version.issuedAt), lines: ["\(amendmentName(a))の変更を登録"])) }
        }
        if let a = c.amendment, c.cancelledAt == nil {
            out.append(Row(label: JapaneseFormat.warekiTimestamp(c.issuedAt), lines: ["\(amendmentName(a))の変更を登録"]))
        }
        if let cancelledOn = c.cancelledOn {
            let reason = c.cancellationReason.map { "（理由: \($0)）" } ?? ""
            out.append(Row(label: JapaneseFormat.warekiTimestamp(c.cancelledAt ?? c.issuedAt), lines: ["\(JapaneseFormat.wareki(cancelledOn))付けで解約\(reason)"]))
        }
        if let reissued = c.keyReissuedAt {
            let count = max(1, c.revokedKeyDigests?.count ?? 1)
            let what = count == 1 ? "認証キーを再発行（以前の認証キーは無効）" : "認証キーを再発行（\(count)回目。以前の認証キーは無効）"
            out.append(Row(label: JapaneseFormat.warekiTimestamp(reissued), lines: [what]))
        }
        if let revoked = c.revokedAt {
            let reason = c.revocationReason.map { "（理由: \($0)）" } ?? ""
            out.append(Row(label: JapaneseFormat.warekiTimestamp(revoked), lines: ["電子証書を失効\(reason)"]))
        }
        return out
    }
}
