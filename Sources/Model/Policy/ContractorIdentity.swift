import Support

/// Who the guarantee is for. A change (変更) may correct the contractor's representative, address or
/// e-mail address, but not replace the contractor: a guarantee handed to another company is a new
/// contract, not an amendment, and its new key must not go to the new company alone while the
/// contractor of record hears nothing.
package enum ContractorIdentity {
    /// The refusal, naming every contractor field the record changes, when it changes the name.
    package static func replaced(_ previous: ContractRecord, _ record: ContractRecord) -> RecordRejection? {
        guard previous.contractor.name != record.contractor.name else { return nil }
        let fields: [(String, String, String)] = [
            ("contractor.name", previous.contractor.name, record.contractor.name),
            ("contractor.representative", previous.contractor.representative, record.contractor.representative),
            ("contractor.address", previous.contractor.address, record.contractor.address),
            ("contractor.email", previous.contractor.email, record.contractor.email),
        ].filter { $0.1 != $0.2 }
        let named = fields.map(\.0).joined(separator: ", ")
        return RecordRejection(
            fields.map { field in
                ValidationIssue(
                    path: "$.\(field.0)",
                    expected:
                        "a change (変更) must not replace the contractor: this file changes \(named) (\(field.0) was \"\(field.1)\", now \"\(field.2)\"); a guarantee for another company is a new contract — cancel this one and conclude a new one; a corrected e-mail address alone is `mailbatch resend --address`"
                )
            })
    }
}

/// Record fields the certificate does not print but the orderer's rules and the mails use: a change
/// to them is reported with the version (the mails' 変更内容 and the history), never made silently.
package enum OffCertificateChanges {
    package static func between(_ old: ContractRecord, _ new: ContractRecord) -> [Certificate.Change] {
        let rows: [(String, String, String?, String?)] = [
            ("project.public_notice_on", "公告日", old.project.publicNoticeOn.map(JapaneseFormat.wareki), new.project.publicNoticeOn.map(JapaneseFormat.wareki)),
            ("contractor.contact_person", "受注者の担当者", old.contractor.contactPerson, new.contractor.contactPerson),
            ("contractor.phone", "受注者の電話番号", old.contractor.phone, new.contractor.phone),
            ("branch", "担当支店", old.branch, new.branch),
            (
                "guarantee.premium_paid_on", "保証料の払込日", old.guarantee.premiumPaidOn.map(JapaneseFormat.wareki),
                new.guarantee.premiumPaidOn.map(JapaneseFormat.wareki)
            ),
        ]
        return rows.filter { $0.2 != $0.3 }.map { Certificate.Change(field: $0.0, item: $0.1, before: $0.2 ?? "（なし）", after: $0.3 ?? "（なし）") }
    }
}
