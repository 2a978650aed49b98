import Foundation
import Testing

@testable import Issuance
@testable import Model
@testable import Store
@testable import Support

/// Every route of the issuance decision, on the shipped orderer directory.
@Suite("IssuancePolicy") struct IssuancePolicyTests {
    static let directory = OrdererDirectoryTests.directory
    static let branches = IssuanceChecksTests.branches
    static let today = CivilDate(iso: "2025-07-01")!

    static func record(_ old: String = "", _ new: String = "") throws -> ContractRecord {
        try ContractValidator.validate(old.isEmpty ? Array(Fixtures.validRecordText.utf8) : Fixtures.replacing(old, with: new))
    }

    static func route(_ record: ContractRecord) -> String {
        switch IssuancePolicy.decide(record, in: directory, today: today, branches: branches) {
        case .paper(let reason): "paper: \(reason)"
        case .reject(let rejection): "reject: \(rejection.issues.first?.path ?? "")"
        case .issue(let orderer, let title): "issue: \(orderer.name) \(title)"
        }
    }

    @Test("a record the orderer takes is issued under its title")
    func issued() throws {
        #expect(Self.route(try Self.record()) == "issue: 日置市 日置市長")
        // Without a title of its own, the orderer's default from the directory.
        #expect(Self.route(try Self.record(#", "title": "日置市長""#, "")).hasPrefix("issue: 日置市 "))
    }

    @Test("paper: a contract reservation, the contractor's choice, an orderer not in the directory, a date before adoption")
    func paper() throws {
        #expect(Self.route(try Self.record(#""advance_payment""#, #""contract_reservation""#)).contains("契約保証予約は電子保証の対象外です"))
        #expect(Self.route(try Self.record(#""delivery": "electronic""#, #""delivery": "paper""#)).contains("書面での交付を選択"))
        #expect(Self.route(try Self.record(#""name": "日置市""#, #""name": "架空市""#)).contains("登録されていません"))
        #expect(Self.route(try Self.record(#""public_notice_on": "2025-06-02""#, #""public_notice_on": "2020-04-01""#)).hasPrefix("paper: "))
        // A record that goes to paper goes there whatever its dates.
        let ended = try Self.record(#""delivery": "electronic""#, #""delivery": "paper""#)
        #expect(Self.route(ended).hasPrefix("paper: "))
    }

    @Test("orderers check routes a hypothetical project exactly as a run routes the record")
    func checkAgreesWithTheRun() throws {
        for type in ContractRecord.GuaranteeType.allCases {
            let project = IssuancePolicy.Project(
                orderer: "日置市", category: .works, contractOn: CivilDate(iso: "2025-06-18"), publicNoticeOn: CivilDate(iso: "2025-06-02"), type: type)
            let record = try Self.record(#""advance_payment""#, "\"\(type.rawValue)\"")
            let run: Bool
            if case .paper = IssuancePolicy.decide(record, in: Self.directory) { run = true } else { run = false }
            let check: Bool
            if case .paper = IssuancePolicy.route(project, in: Self.directory) { check = true } else { check = false }
            #expect(run == check, "\(type)")
            #expect(check == (type == .contractReservation), "\(type)")
        }
    }

    @Test("refused: a guarantee that has ended, one concluded in the future, an unknown office")
    func datedChecks() throws {
        #expect(Self.route(try Self.record(#""to": "2026-03-27""#, #""to": "2025-06-30""#)) == "reject: $.guarantee.period.to")
        #expect(Self.route(try Self.record(#""concluded_on": "2025-06-20""#, #""concluded_on": "2025-07-02""#)) == "reject: $.concluded_on")
        // The same checks for a change of an issued contract.
        let certificateless = try Self.record(#""to": "2026-03-27""#, #""to": "2025-06-30""#)
        let issued = try #require(try Self.issuedCertificate())
        guard case .reject = IssuancePolicy.decideChange(certificateless, issued: issued, in: Self.directory, today: Self.today, branches: Self.branches)
        else {
            Issue.record("a change whose guarantee has ended must be refused")
            return
        }
    }

    @Test("preview's addressee when a run would not issue: the record's title, else the orderer's name")
    func previewFallback() throws {
        let unknown = try Self.record(#""name": "日置市""#, #""name": "架空市""#)
        #expect(IssuancePolicy.previewAddressee(unknown, in: Self.directory).title == "日置市長")
        let untitled = try Self.record(#""name": "日置市", "title": "日置市長""#, #""name": "架空市""#)
        #expect(IssuancePolicy.previewAddressee(untitled, in: Self.directory).title == "架空市")
    }

    /// A certificate as a run issues it (from a temporary spool).
    static func issuedCertificate() throws -> Certificate? {
        let t = try TestSpool()
        try t.drop("a.json", Array(Fixtures.validRecordText.utf8))
        _ = try t.run()
        return ContractFolder(path: t.spool.contractFolder("R07-4621-000123")).readCertificate()?.certificate
    }
}
