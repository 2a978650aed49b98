/// The one decision whether and how a record is issued, used by `run`, `preview`, key reissue and
/// changes (docs/architecture.md: one owner per rule): paper (with the reason the paper note gives), refused (with
/// what to fix), or issued to an orderer under an addressee title.
enum IssuancePolicy {
    enum Decision {
        case paper(String)
        case reject(RecordRejection)
        case issue(Orderer, title: String)
    }

    /// A first issue: the guarantee type and the contractor's choice, the orderer's adoption and rules,
    /// the fields the orderer requires, an addressee title.
    static func decide(_ record: ContractRecord, in directory: OrdererDirectory) -> Decision {
        if let reason = PaperRouting.reason(for: record) { return .paper(reason) }
        let orderer: Orderer
        switch Eligibility.decide(record, in: directory) {
        case .notEligible(let reason): return .paper(reason)
        case .eligible(let found): orderer = found
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
    static func missingRequiredField(_ record: ContractRecord, _ orderer: Orderer) -> RecordRejection? {
        guard let field = orderer.missingFields(in: record).first else { return nil }
        let also = record.amendment.map { ", changes (変更第\($0.number)号) included" } ?? ""
        return RecordRejection(
            path: "$.\(field)",
            "\(orderer.name) requires \(field) for \(record.guaranteeType.japaneseName) records\(also) (required_fields in its orderer table); add it to the record and drop the file into incoming/ again"
        )
    }

    /// A new version of an issued contract (a key reissue, a change, a cancellation) stays in the
    /// medium and with the addressee it was issued to, whatever the orderer adopts today; the
    /// directory's current rules (addresses, subjects) still apply when the orderer is in it.
    static func decideForIssued(_ record: ContractRecord, issued: Certificate, in directory: OrdererDirectory) -> (Orderer, title: String) {
        (directory.orderer(for: record) ?? Orderer(name: record.orderer.name, title: issued.obligee.title), issued.obligee.title)
    }
}
