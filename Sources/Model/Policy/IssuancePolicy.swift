package import Support

/// The one decision whether and how a record is issued, used by `run`, `preview`, `orderers check`,
/// key reissue and changes (one owner per rule): paper (with the reason the paper note gives),
/// refused (with what to fix), or issued to an orderer under an addressee title.
package enum IssuancePolicy {
    package enum Decision {
        case paper(String)
        case reject(RecordRejection)
        case issue(Orderer, title: String)
    }

    /// Where a project's guarantee goes, before anything about the record itself is checked.
    package enum Route: Equatable, Sendable {
        case paper(String)
        /// Electronic delivery, with the orderer's rules for the guarantee type.
        case electronic(Orderer)
    }

    /// What the route depends on: a record's project, or a hypothetical one (`orderers check`).
    package struct Project: Sendable {
        package var orderer: String
        package var category: ContractRecord.Category
        package var contractOn: CivilDate?
        package var publicNoticeOn: CivilDate?
        package var type: ContractRecord.GuaranteeType
        package var delivery: ContractRecord.Delivery = .electronic

        package init(
            orderer: String, category: ContractRecord.Category, contractOn: CivilDate?, publicNoticeOn: CivilDate?,
            type: ContractRecord.GuaranteeType, delivery: ContractRecord.Delivery = .electronic
        ) {
            self.orderer = orderer
            self.category = category
            self.contractOn = contractOn
            self.publicNoticeOn = publicNoticeOn
            self.type = type
            self.delivery = delivery
        }

        package init(_ record: ContractRecord) {
            self.init(
                orderer: record.orderer.name, category: record.project.category, contractOn: record.project.contractOn,
                publicNoticeOn: record.project.publicNoticeOn, type: record.guaranteeType, delivery: record.application.delivery)
        }
    }

    /// The paper rule (which guarantees are not for electronic delivery at all), then the orderer's
    /// adoption; an electronic route comes with the orderer's rules for the guarantee type.
    package static func route(_ project: Project, in directory: OrdererDirectory) -> Route {
        if let reason = paperReason(project) { return .paper(reason) }
        switch Eligibility.decide(
            orderer: project.orderer, category: project.category, contractOn: project.contractOn, publicNoticeOn: project.publicNoticeOn,
            in: directory)
        {
        case .notEligible(let reason): return .paper(reason)
        case .eligible(let orderer): return .electronic(orderer.rules(for: project.type))
        }
    }

    /// Why a guarantee goes to paper whatever the orderer adopts: its type, or the contractor's choice.
    package static func paperReason(_ project: Project) -> String? {
        if !project.type.isEligibleForElectronicDelivery {
            return "\(project.type.japaneseName)は電子保証の対象外です（対象は前払金保証・中間前払金保証・契約保証）"
        }
        if project.delivery == .paper {
            return "受注者が書面での交付を選択しています（application.delivery = \"paper\"）"
        }
        return nil
    }

    /// A first issue: the route, the fields the orderer requires, an addressee title.
    package static func decide(_ record: ContractRecord, in directory: OrdererDirectory) -> Decision {
        let orderer: Orderer
        switch route(Project(record), in: directory) {
        case .paper(let reason): return .paper(reason)
        case .electronic(let found): orderer = found
        }
        if let rejection = missingRequiredField(record, orderer) { return .reject(rejection) }
        guard let title = record.orderer.title ?? orderer.title else {
            return .reject(
                RecordRejection(
                    path: "$.orderer.title",
                    "\(orderer.name) has no default addressee title: give orderer.title (for example 九州地方整備局長), or set title for it in the [orderers] file"
                ))
        }
        return .issue(orderer, title: title)
    }

    /// The orderer's `required_fields`, for every version (a first issue and each change alike).
    package static func missingRequiredField(_ record: ContractRecord, _ orderer: Orderer) -> RecordRejection? {
        guard let field = orderer.missingFields(in: record).first else { return nil }
        let also = record.amendment.map { ", changes (変更第\($0.number)号) included" } ?? ""
        return RecordRejection(
            path: "$.\(field)",
            "\(orderer.name) requires \(field) for \(record.guaranteeType.japaneseName) records\(also) (required_fields in its orderer table); add it to the record and drop the file into incoming/ again"
        )
    }

    /// A first issue on the day `today`: `decide`, then the dated checks (`IssuanceChecks`) every
    /// issue passes; a record the route sends to paper goes there whatever its dates.
    package static func decide(_ record: ContractRecord, in directory: OrdererDirectory, today: CivilDate, branches: BranchDirectory) -> Decision {
        let decision = decide(record, in: directory)
        guard case .issue = decision else { return decision }
        let problems = IssuanceChecks.problems(record, today: today, branches: branches)
        return problems.isEmpty ? decision : .reject(RecordRejection(problems))
    }

    /// A new version of an issued contract (a key reissue, a change, a cancellation) stays in the
    /// medium and with the addressee it was issued to, whatever the orderer adopts today; the
    /// directory's current rules (addresses, subjects) still apply when the orderer is in it.
    package static func decideForIssued(_ record: ContractRecord, issued: Certificate, in directory: OrdererDirectory) -> (Orderer, title: String) {
        (directory.orderer(for: record) ?? Orderer(name: record.orderer.name, title: issued.obligee.title), issued.obligee.title)
    }

    /// A change (変更) on the day `today`: the dated checks, then the orderer and addressee it was issued
    /// to, whose `required_fields` hold for every version.
    package static func decideChange(
        _ record: ContractRecord, issued: Certificate, in directory: OrdererDirectory, today: CivilDate, branches: BranchDirectory
    ) -> Decision {
        let problems = IssuanceChecks.problems(record, today: today, branches: branches)
        guard problems.isEmpty else { return .reject(RecordRejection(problems)) }
        let (orderer, title) = decideForIssued(record, issued: issued, in: directory)
        if let rejection = missingRequiredField(record, orderer) { return .reject(rejection) }
        return .issue(orderer, title: title)
    }

    /// What `preview` renders with when a run would not issue the record (it renders anyway and says
    /// why): the directory's orderer if it has one, the record's title, else the orderer's, else its name.
    package static func previewAddressee(_ record: ContractRecord, in directory: OrdererDirectory) -> (Orderer, title: String) {
        let orderer = directory.orderer(for: record) ?? Orderer(name: record.orderer.name, title: record.orderer.title)
        return (orderer, record.orderer.title ?? orderer.title ?? record.orderer.name)
    }
}
