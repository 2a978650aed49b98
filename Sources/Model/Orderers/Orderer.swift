package import Support

/// A 発注者 as the directory knows it: how to address it, from when and on which date it takes
/// electronic surety, and how the key notice reaches it.
package struct Orderer: Sendable, Equatable {
    /// Which date of the project decides eligibility.
    package enum Basis: String, Sendable, CaseIterable {
        /// 当初契約日 (`project.contract_on`)
        case contract
        /// 入札公告日 (`project.public_notice_on`)
        case publicNotice = "public_notice"

        package var eventName: String { self == .contract ? "当初契約" : "入札公告" }
        package var dateName: String { self == .contract ? "当初契約日" : "入札公告日" }
        package var field: String { self == .contract ? "project.contract_on" : "project.public_notice_on" }
    }

    package enum Submission: String, Sendable, CaseIterable {
        case email
        case inPerson = "in_person"
        case fax
        case webForm = "web_form"
    }

    /// Whether the orderer takes a print-out of the 電子証書 as the 保証証書 it files.
    package enum CertificatePrintout: String, Sendable, CaseIterable {
        /// Submit the printed 保証証書 with the key notice (日田市; 国東市 asks for both printed).
        case submit
        /// A print-out is not a 保証証書 for this orderer (延岡市, 岐阜県): only the key notice goes.
        case notAccepted = "not_accepted"
    }

    package var name: String
    package var prefecture: String = ""
    package var title: String?
    /// The first day of the adoption month, where the table gives one.
    package var adopted: CivilDate?
    package var basis: Basis = .contract
    package var worksFrom: CivilDate?
    package var consultingFrom: CivilDate?
    package var consultingLabel = "建設コンサルタント等業務"
    package var submission: [Submission] = []
    package var department: String?
    package var certificatePrintout: CertificatePrintout = .submit
    /// The key notice goes with the 前払金請求書 (日置市: 「認証キー及び前払金請求書の提出方法…電子メール」).
    package var withAdvanceClaim = false
    package var instructions: String?
    /// Where key notices go when the submission is by e-mail (configured by the operator).
    package var emails: [String] = []
    /// A mustache template for the subject of the mail to this orderer.
    package var subject: String?
    /// What the orderer's mail carries: the PDFs and the data (`pdf`), or nothing attached (`none`),
    /// for mail gateways that quarantine or strip attachments.
    package var attachments: Attachments = .pdf
    /// Record fields this orderer requires (`project.orderer_ref`, …): a record without them is rejected.
    package var requiredFields: [String] = []
    /// Per guarantee type: keys that override the orderer's own for records of that type.
    package var typeRules: [ContractRecord.GuaranteeType: Rule] = [:]
    package var source = "operator"
    /// How the contractor learns that the key notice arrived (`arrival_confirmation`, `phone`).
    package var arrival: ArrivalConfirmation?
    /// Where the key notice goes for `web_form` (`form_url`) and `fax` (`fax`).
    package var formURL: String?
    package var faxNumber: String?
    /// Whose certificates the orderer accepts (`sureties`), when its page says; empty: any surety's.
    package var sureties: [String] = []

    package enum Attachments: String, Sendable, CaseIterable {
        case pdf, none
    }

    /// The keys an orderer table and a per-type table share; nil where the table does not set it.
    package struct Rule: Sendable, Equatable {
        package var emails: [String]?
        package var department: String?
        package var subject: String?
        package var submission: [Submission]?
        package var certificatePrintout: CertificatePrintout?
        package var withAdvanceClaim: Bool?
        package var instructions: String?
        package var attachments: Attachments?
        package var requiredFields: [String]?
        package var arrival: ArrivalConfirmation?
        package var formURL: String?
        package var faxNumber: String?

        package init(
            emails: [String]? = nil, department: String? = nil, subject: String? = nil, submission: [Submission]? = nil,
            certificatePrintout: CertificatePrintout? = nil, withAdvanceClaim: Bool? = nil, instructions: String? = nil, attachments: Attachments? = nil,
            requiredFields: [String]? = nil, arrival: ArrivalConfirmation? = nil, formURL: String? = nil, faxNumber: String? = nil
        ) {
            self.emails = emails
            self.department = department
            self.subject = subject
            self.submission = submission
            self.certificatePrintout = certificatePrintout
            self.withAdvanceClaim = withAdvanceClaim
            self.instructions = instructions
            self.attachments = attachments
            self.requiredFields = requiredFields
            self.arrival = arrival
            self.formURL = formURL
            self.faxNumber = faxNumber
        }
    }

    /// The fields `required_fields` may name: optional record fields an orderer may insist on.
    package static let requirableFields: [String: @Sendable (ContractRecord) -> String?] = [
        "project.orderer_ref": { $0.project.ordererRef },
        "project.public_notice_on": { $0.project.publicNoticeOn.map(\.description) },
        "contractor.contact_person": { $0.contractor.contactPerson },
        "contractor.phone": { $0.contractor.phone },
    ]

    package mutating func apply(_ rule: Rule) {
        if let v = rule.submission { submission = v }
        if let v = rule.emails {
            emails = v
            if !submission.contains(.email) { submission.insert(.email, at: 0) }
        }
        if let v = rule.department { department = v }
        if let v = rule.subject { subject = v }
        if let v = rule.certificatePrintout { certificatePrintout = v }
        if let v = rule.withAdvanceClaim { withAdvanceClaim = v }
        if let v = rule.instructions { instructions = v }
        if let v = rule.attachments { attachments = v }
        if let v = rule.requiredFields { requiredFields = v }
        if let v = rule.arrival { arrival = v }
        if let v = rule.formURL { formURL = v }
        if let v = rule.faxNumber { faxNumber = v }
    }

    /// The orderer as it applies to records of `type`: its own keys with that type's table over them.
    /// 中間前払金保証 falls back to 前払金保証's table when it has none of its own.
    package func rules(for type: ContractRecord.GuaranteeType) -> Orderer {
        let rule = typeRules[type] ?? (type == .interimAdvancePayment ? typeRules[.advancePayment] : nil)
        guard let rule else { return self }
        var resolved = self
        resolved.apply(rule)
        return resolved
    }

    /// The required fields the record leaves out.
    package func missingFields(in record: ContractRecord) -> [String] {
        requiredFields.filter { field in (Self.requirableFields[field]?(record) ?? nil)?.isEmpty ?? true }
    }

    /// The first eligible day for a category: its own date, else the adoption month's first day.
    package func startDate(for category: ContractRecord.Category) -> CivilDate? {
        (category == .works ? worksFrom : consultingFrom) ?? adopted
    }

    package func categoryName(_ category: ContractRecord.Category) -> String {
        category == .works ? "工事" : consultingLabel
    }

    package var takesEmail: Bool { submission.contains(.email) }

    /// mailbatch sends the key notice to the orderer when it takes e-mail and an address is configured.
    package var mailsKeyNotice: Bool { takesEmail && !emails.isEmpty }

    /// Said once per run when an orderer takes e-mail but has no address configured.
    package var configurationWarning: String? {
        guard takesEmail, emails.isEmpty else { return nil }
        return
            "\(name) takes key notices by e-mail but no address is configured ([\"\(name)\"] email = [...] in the [orderers] file); its contractors were told to send it themselves"
    }

    package init(
        name: String, prefecture: String = "", title: String? = nil, adopted: CivilDate? = nil, basis: Basis = .contract, worksFrom: CivilDate? = nil,
        consultingFrom: CivilDate? = nil, consultingLabel: String = "建設コンサルタント等業務", submission: [Submission] = [], department: String? = nil,
        certificatePrintout: CertificatePrintout = .submit, withAdvanceClaim: Bool = false, instructions: String? = nil, emails: [String] = [],
        subject: String? = nil, attachments: Attachments = .pdf, requiredFields: [String] = [], typeRules: [ContractRecord.GuaranteeType: Rule] = [:],
        source: String = "operator", arrival: ArrivalConfirmation? = nil, formURL: String? = nil, faxNumber: String? = nil, sureties: [String] = []
    ) {
        self.name = name
        self.prefecture = prefecture
        self.title = title
        self.adopted = adopted
        self.basis = basis
        self.worksFrom = worksFrom
        self.consultingFrom = consultingFrom
        self.consultingLabel = consultingLabel
        self.submission = submission
        self.department = department
        self.certificatePrintout = certificatePrintout
        self.withAdvanceClaim = withAdvanceClaim
        self.instructions = instructions
        self.emails = emails
        self.subject = subject
        self.attachments = attachments
        self.requiredFields = requiredFields
        self.typeRules = typeRules
        self.source = source
        self.arrival = arrival
        self.formURL = formURL
        self.faxNumber = faxNumber
        self.sureties = sureties
    }
}
