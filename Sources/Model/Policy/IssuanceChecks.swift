package import Support

/// What a valid record must also satisfy on the day it is issued: a guarantee that is still running,
/// a conclusion date that is not in the future, and an office that the configuration knows.
package enum IssuanceChecks {
    package static func problems(_ record: ContractRecord, today: CivilDate, branches: BranchDirectory) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let todayText = "\(today)（\(JapaneseFormat.wareki(today))）"
        if record.guarantee.period.to < today {
            issues.append(
                .init(
                    path: "$.guarantee.period.to",
                    expected:
                        "the guarantee period ended on \(record.guarantee.period.to), before the day of issuance \(todayText); a certificate cannot be issued for a guarantee that has ended. Check the period with the contract"
                ))
        }
        if record.concludedOn > today {
            issues.append(
                .init(
                    path: "$.concluded_on",
                    expected:
                        "the guarantee is concluded on \(record.concludedOn), after the day of issuance \(todayText); send the record once it is concluded"))
        }
        if let name = record.branch, branches.office(name) == nil {
            issues.append(
                .init(
                    path: "$.branch",
                    expected:
                        "\"\(name)\" is not an office in the configuration (known: \(branches.knownNames.joined(separator: ", "))); add [branches.\"\(name)\"] with name, phone and hours, or correct the name"
                ))
        }
        return issues
    }
}
