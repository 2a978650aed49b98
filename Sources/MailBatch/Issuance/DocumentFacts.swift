/// The facts of one certificate as documents and mails print them (和暦 dates, 金…円 amounts),
/// shared by every template so each wording is decided once.
struct DocumentFacts: Sendable {
    let certificate: Certificate
    let issuedOn: CivilDate
    let key: String

    var context: [String: Any] {
        let c = certificate
        return [
            "contract_number": c.contractNumber,
            "guarantee_type_name": c.guaranteeTypeName,
            "orderer_name": c.obligee.name,
            "orderer_title": c.obligee.title,
            "contractor_name": c.principal.name,
            "contractor_representative": c.principal.representative,
            "contractor_address": c.principal.address,
            "contractor_email": c.principal.email,
            "project_label": c.project.category.projectLabel,
            "project_name": c.project.name,
            "project_location": c.project.location,
            "project_period": JapaneseFormat.warekiPeriod(c.project.period),
            "contract_amount": JapaneseFormat.yen(c.project.contractAmount),
            "guarantee_amount": JapaneseFormat.yen(c.guarantee.amount),
            "guarantee_period": JapaneseFormat.warekiPeriod(c.guarantee.period),
            "concluded_on": JapaneseFormat.wareki(c.concludedOn),
            "issued_on": JapaneseFormat.wareki(issuedOn),
            "surety": c.surety,
        ]
    }
}
