/// A 発注者 as the directory knows it: how to address it, from when and on which date it takes
/// electronic surety, and how the key notice reaches it.
struct Orderer: Sendable, Equatable {
    /// Which date of the project decides eligibility.
    enum Basis: String, Sendable, CaseIterable {
        /// 当初契約日 (`project.contract_on`)
        case contract
        /// 入札公告日 (`project.public_notice_on`)
        case publicNotice = "public_notice"

        var eventName: String { self == .contract ? "当初契約" : "入札公告" }
        var dateName: String { self == .contract ? "当初契約日" : "入札公告日" }
        var field: String { self == .contract ? "project.contract_on" : "project.public_notice_on" }
    }

    enum Submission: String, Sendable, CaseIterable {
        case email
        case inPerson = "in_person"
        case fax
        case webForm = "web_form"
    }

    var name: String
    var prefecture: String = ""
    var title: String?
    /// The first day of the adoption month, where the table gives one.
    var adopted: CivilDate?
    var basis: Basis = .contract
    var worksFrom: CivilDate?
    var consultingFrom: CivilDate?
    var consultingLabel = "建設コンサルタント等業務"
    var submission: [Submission] = []
    var department: String?
    var instructions: String?
    /// Where key notices go when the submission is by e-mail (configured by the operator).
    var emails: [String] = []
    /// A mustache template for the subject of the mail to this orderer.
    var subject: String?
    var source = "operator"

    /// The first eligible day for a category: its own date, else the adoption month's first day.
    func startDate(for category: ContractRecord.Category) -> CivilDate? {
        (category == .works ? worksFrom : consultingFrom) ?? adopted
    }

    func categoryName(_ category: ContractRecord.Category) -> String {
        category == .works ? "工事" : consultingLabel
    }

    var takesEmail: Bool { submission.contains(.email) }
}
