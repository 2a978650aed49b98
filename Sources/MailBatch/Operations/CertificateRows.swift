/// What a 保証証書 states, label and value in the document's order: one list for `verify`'s text and
/// the viewer's page, so both say exactly what the paper says.
enum CertificateRows {
    struct Row: Sendable {
        let label: String
        /// One or more lines (the 保証契約者 holds address, name and representative).
        let lines: [String]
    }

    static func rows(_ c: Certificate) -> [Row] {
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
    static func stateName(_ c: Certificate) -> String {
        switch c.state {
        case .revoked: "失効"
        case .valid: c.keyReissuedAt == nil ? "有効" : "有効（認証キー再発行済み）"
        }
    }

    /// Issue, key reissues and revocation, oldest first, dated in Japan time.
    static func history(_ c: Certificate) -> [Row] {
        var out = [Row(label: JapaneseFormat.warekiTimestamp(c.issuedAt), lines: ["電子証書を発行"])]
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
