import Documents
package import Model
package import Support

/// The facts of one certificate as documents and mails print them (和暦 dates, 金…円 amounts),
/// shared by every template so each wording is decided once.
package struct DocumentFacts: Sendable {
    package let certificate: Certificate
    package let issuedOn: CivilDate
    /// The key as printed on the key notice; mail templates never receive it.
    package let key: String
    package var premium: Premium
    package let channel: ContractRecord.Channel
    /// The short fingerprint of the certificate's signature, when it is signed.
    package var fingerprint: String?
    /// Where the contractor's mail goes (the certificate itself holds no e-mail address).
    package let contractorEmail: String
    /// The day the premium was received, as the receipt states it.
    package var premiumPaidOn: CivilDate
    /// Changes the mail names that the certificate does not hold (the contractor's e-mail address).
    package var mailOnlyChanges: [Certificate.Change] = []
    /// The office that answers questions about this contract.
    package let office: BranchOffice
    /// The orderer's viewer, when the configuration names one.
    package let viewerURL: String?
    /// Whom the orderer's clerk can call at the contractor (not part of the certificate).
    package let contractorContact: (person: String?, phone: String?)
    /// The receipt attached to the mail carries the surety's PDF signature (and a timestamp).
    package var receiptSigned = false
    package var receiptTimestamped = false

    package init(certificate: Certificate, record: ContractRecord, issuedOn: CivilDate, key: String, office: BranchOffice, viewerURL: String?) {
        self.certificate = certificate
        self.issuedOn = issuedOn
        self.key = key
        self.premium = Premium(record)
        self.channel = record.application.channel
        self.contractorEmail = record.contractor.email
        self.premiumPaidOn = record.guarantee.premiumPaidOn ?? record.concludedOn
        self.office = office
        self.viewerURL = viewerURL
        contractorContact = (record.contractor.contactPerson, record.contractor.phone)
    }

    /// Values that templates test with `{{#name}}`: present only when set (mustache takes "" as true).
    private var optional: [String: Any] {
        var out: [String: Any] = [:]
        if let address = office.address { out["office_address"] = address }
        if let email = office.email { out["office_email"] = email }
        if let viewerURL { out["viewer_url"] = viewerURL }
        if receiptSigned { out["receipt_signed"] = true }
        if receiptTimestamped { out["receipt_timestamped"] = true }
        if let ref = certificate.project.ordererRef {
            out["orderer_ref"] = ref
            out["orderer_ref_label"] = certificate.ordererRefLabel
        }
        if let person = contractorContact.person { out["contractor_contact_person"] = person }
        if let phone = contractorContact.phone { out["contractor_phone"] = phone }
        if let a = certificate.amendment {
            out["is_amendment"] = true
            out["amendment_number"] = a.number
            out["amendment_name"] = "変更第\(a.number)号"
            out["amendment_label"] = "（変更第\(a.number)号）"
            out["amendment_on"] = JapaneseFormat.wareki(a.concludedOn)
            if let reason = a.reason { out["amendment_reason"] = reason }
            out["changes"] = (certificate.changes ?? []).map { ["item": $0.item, "before": $0.before, "after": $0.after] }
            let all = (certificate.changes ?? []) + mailOnlyChanges
            out["mail_changes"] = all.map { ["item": $0.item, "before": $0.before, "after": $0.after] }
        }
        if certificate.state == .cancelled, let on = certificate.cancelledOn {
            out["is_cancelled"] = true
            out["cancelled_on"] = JapaneseFormat.wareki(on)
            if let reason = certificate.cancellationReason { out["cancellation_reason"] = reason }
        }
        return out
    }

    /// What mail templates see. No key.
    package var context: [String: Any] {
        let c = certificate
        let type = c.guaranteeType
        return [
            "contract_number": c.contractNumber,
            "guarantee_type_name": c.guaranteeTypeName,
            "certificate_title": "\(c.guaranteeTypeName)証書",
            "is_advance_payment": type == .advancePayment,
            "is_interim_advance_payment": type == .interimAdvancePayment,
            "is_contract": type == .contract,
            "orderer_name": c.obligee.name,
            "orderer_title": c.obligee.title,
            "contractor_name": c.principal.name,
            "contractor_representative": c.principal.representative,
            "contractor_address": c.principal.address,
            "project_label": c.project.category.projectLabel,
            "place_label": c.placeLabel,
            "period_label": c.periodLabel,
            "contract_amount_label": c.contractAmountLabel,
            "project_name": c.project.name,
            "project_location": c.project.location,
            "project_period": JapaneseFormat.warekiPeriod(c.project.period),
            "contract_amount": JapaneseFormat.yen(c.project.contractAmount),
            "guarantee_amount": JapaneseFormat.yen(c.guarantee.amount),
            "guarantee_amount_label": c.guaranteeAmountLabel,
            "contract_on": JapaneseFormat.wareki(c.project.contractOn),
            "guarantee_period": JapaneseFormat.warekiPeriod(c.guarantee.period),
            "concluded_on": JapaneseFormat.wareki(c.concludedOn),
            "concluded_on_western": "\(c.concludedOn.year)年\(c.concludedOn.month)月\(c.concludedOn.day)日",
            "issued_on": JapaneseFormat.wareki(issuedOn),
            "issued_on_western": "\(issuedOn.year)年\(issuedOn.month)月\(issuedOn.day)日",
            "surety": c.surety,
            "premium_base": JapaneseFormat.yen(premium.base),
            "premium_discount": JapaneseFormat.yen(premium.discount),
            "premium_total": JapaneseFormat.yen(premium.total),
            "has_discount": premium.discount > 0,
            "channel_name": channel == .eNet ? "e-Net保証" : "窓口",
            "receipt_number": c.amendment.map { "\(c.contractNumber)-変\($0.number)" } ?? c.contractNumber,
            "premium_paid_on": JapaneseFormat.wareki(premiumPaidOn),
            "office_name": office.name,
            "office_phone": office.phone,
            "office_hours": office.hours,
        ]
        .merging(optional, uniquingKeysWith: { first, _ in first })
    }

    /// What document templates see: the mail context with values escaped for the document script,
    /// plus the key.
    package var documentContext: [String: Any] {
        var out: [String: Any] = [:]
        for (name, value) in context {
            out[name] = (value as? String).map(DocumentBlock.escape) ?? value
        }
        out["key"] = key
        if let fingerprint { out["fingerprint"] = fingerprint }
        // The 変更内容 rows, escaped like the rest; a period breaks after 「から」 to fit its column.
        let cell = { (text: String) in DocumentBlock.escape(text).replacingOccurrences(of: " から ", with: " から\\n") }
        out["changes"] = (certificate.changes ?? []).map { ["item": DocumentBlock.escape($0.item), "before": cell($0.before), "after": cell($0.after)] }
        return out
    }
}
