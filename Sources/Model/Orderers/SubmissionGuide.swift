/// What the contractor's mail says to do next for an orderer, as flags and values for
/// `next-steps.mustache` (one case each, so a mail never says two contradicting things), and
/// whether mailbatch mails the key notice to the orderer itself.
package struct SubmissionGuide {
    package let orderer: Orderer
    package let guaranteeType: ContractRecord.GuaranteeType

    package var mailsOrderer: Bool { orderer.mailsKeyNotice }

    /// Whether the 保証証書 print-out goes to the orderer with the key notice.
    package var submitsPrintout: Bool { orderer.certificatePrintout == .submit }

    /// The 前払金請求書 accompanies the key notice: only for advance-payment guarantees.
    package var withAdvanceClaim: Bool {
        orderer.withAdvanceClaim && (guaranteeType == .advancePayment || guaranteeType == .interimAdvancePayment)
    }

    package enum Route: String, CaseIterable {
        case emailSent = "email_sent"
        case emailSelf = "email_self"
        case inPerson = "in_person"
        case faxOnly = "fax_only"
        case webForm = "web_form"
        case unknown
    }

    package var route: Route {
        let methods = Set(orderer.submission)
        if methods.contains(.email) { return orderer.emails.isEmpty ? .emailSelf : .emailSent }
        if methods.contains(.inPerson) { return .inPerson }
        if methods.contains(.fax) { return .faxOnly }
        if methods.contains(.webForm) { return .webForm }
        return .unknown
    }

    package var context: [String: Any] {
        let department = orderer.department.map { " \($0)" } ?? ""
        var values: [String: Any] = [
            "orderer_office": orderer.name + department,
            "orderer_addresses": orderer.emails.joined(separator: "、"),
            "fax": orderer.submission.contains(.fax),
            "printout_submit": submitsPrintout,
            "printout_not_accepted": !submitsPrintout,
            "advance_claim": withAdvanceClaim,
        ]
        values[route.rawValue] = true
        if let instructions = orderer.instructions { values["instructions"] = instructions }
        if let url = orderer.formURL { values["form_url"] = url }
        if let fax = orderer.faxNumber { values["fax_number"] = fax }
        return values
    }

    package init(orderer: Orderer, guaranteeType: ContractRecord.GuaranteeType) {
        self.orderer = orderer
        self.guaranteeType = guaranteeType
    }
}
