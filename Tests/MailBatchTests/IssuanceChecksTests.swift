import Testing

@testable import Model
@testable import Support

@Suite("Dated rules on the day of issuance, and the clock that decides the day")
struct IssuanceChecksTests {
    static let branches = BranchDirectory(
        standard: BranchOffice(name: "鹿児島支店", phone: "099-257-2722", hours: "平日 9:00〜17:00"),
        named: ["大分支店": BranchOffice(name: "大分支店", phone: "097-534-0000", hours: "平日 9:00〜17:00")])

    static func record(_ old: String = "\"R07-4621-000123\"", _ new: String = "\"R07-4621-000123\"") throws -> ContractRecord {
        try ContractValidator.validate(Fixtures.replacing(old, with: new))
    }

    @Test(
        "the fixture (concluded 2025-06-20, guaranteed to 2026-03-27) on each day",
        arguments: [
            ("2025-06-19", ["$.concluded_on"]),
            ("2025-06-20", []),
            ("2026-03-27", []),
            ("2026-03-28", ["$.guarantee.period.to"]),
        ])
    func dates(today: String, paths: [String]) throws {
        let problems = IssuanceChecks.problems(try Self.record(), today: try #require(CivilDate(iso: today)), branches: Self.branches)
        #expect(problems.map(\.path) == paths)
    }

    @Test(
        "a record's branch must be a configured office",
        arguments: [("\"大分支店\"", true), ("\"鹿児島支店\"", true), ("\"福岡支店\"", false)])
    func branch(name: String, known: Bool) throws {
        let record = try Self.record("\"schema\": \"mailbatch.contract/v1\",", "\"schema\": \"mailbatch.contract/v1\", \"branch\": \(name),")
        let problems = IssuanceChecks.problems(record, today: try #require(CivilDate(iso: "2025-07-01")), branches: Self.branches)
        #expect(problems.isEmpty == known)
        if !known { #expect(problems.first?.expected.contains("大分支店, 鹿児島支店") == true) }
    }

    @Test("premium_paid_on may not be after concluded_on")
    func premiumPaidOn() throws {
        let late = Fixtures.replacing("\"premium\": 52000", with: "\"premium\": 52000, \"premium_paid_on\": \"2025-06-21\"")
        #expect(throws: RecordRejection.self) { try ContractValidator.validate(late) }
        let early = Fixtures.replacing("\"premium\": 52000", with: "\"premium\": 52000, \"premium_paid_on\": \"2025-06-19\"")
        #expect(try ContractValidator.validate(early).guarantee.premiumPaidOn == CivilDate(iso: "2025-06-19"))
    }

    @Test(
        "MAILBATCH_NOW instants",
        arguments: [
            ("1750345200", 1_750_345_200),
            ("2025-06-20T00:00:00+09:00", 1_750_345_200),
            ("2025-06-19T15:00:00Z", 1_750_345_200),
            ("1970-01-01T00:00:00Z", 0),
            ("2024-02-29T12:30:15-05:30", 1_709_229_615),
        ])
    func clockInstants(text: String, epoch: Int) {
        #expect(WallClock.parse(text) == epoch)
    }

    @Test("malformed MAILBATCH_NOW values are not read", arguments: ["2025-06-20", "2025-06-20T25:00:00Z", "2025-02-30T00:00:00Z", "yesterday"])
    func clockRefuses(text: String) { #expect(WallClock.parse(text) == nil) }
}
