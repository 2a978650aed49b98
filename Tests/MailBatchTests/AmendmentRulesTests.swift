import Testing

@testable import Issuance
@testable import Model
@testable import Run
@testable import Support

/// The rules of a change (変更) against the version it follows, without the spool.
@Suite struct AmendmentRulesTests {
    static func original() throws -> ContractRecord { try ContractValidator.validate(Array(Fixtures.validRecordText.utf8)) }
    static let today = CivilDate(iso: "2025-10-20")

    static func current() throws -> Certificate {
        Certificate(record: try original(), ordererTitle: "日置市長", surety: "西日本建設業保証株式会社", issuedAt: "2025-06-20T10:00:00+09:00", keyDigest: "x")
    }

    /// The fixture as a change: `replacements` applied, then the amendment object added.
    static func change(_ number: Int, on day: String = "2025-09-10", _ replacements: [(String, String)] = []) throws -> ContractRecord {
        var text = Fixtures.validRecordText
        for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
        let last = text.lastIndex(of: "}")!
        text.replaceSubrange(last...last, with: ", \"amendment\": { \"number\": \(number), \"concluded_on\": \"\(day)\", \"premium\": 0 } }")
        return try ContractValidator.validate(Array(text.utf8))
    }

    static func decide(_ record: ContractRecord, stored: [Int: [UInt8]] = [:]) throws -> AmendmentRules.Decision {
        AmendmentRules.decide(
            record, normalized: Array(try SpoolJSON.encode(record)), current: try current(), previous: try original(), stored: { stored[$0] },
            today: try #require(today))
    }

    @Test func anIncreaseIsIssuedWithItsChangesInTheCertificatesWords() throws {
        let decision = try Self.decide(try Self.change(1, [("\"amount\": 19360000", "\"amount\": 21560000"), ("48400000", "53900000")]))
        guard case .issue(let changes, let mailOnly) = decision else {
            Issue.record("expected issue, got \(decision)")
            return
        }
        #expect(changes.map(\.item) == ["請負代金額", "保証金額（前払金額）"])
        #expect(changes[1].before == "金19,360,000円" && changes[1].after == "金21,560,000円")
        #expect(mailOnly.isEmpty)
    }

    @Test func aForbiddenFieldIsNamedWithBothValues() throws {
        guard case .reject(let rejection) = try Self.decide(try Self.change(1, [("\"e-net\"", "\"counter\""), ("48400000", "53900000")])) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.issues.map(\.path) == ["$.application.channel"])
        #expect(rejection.description.contains("\"e-net\"") && rejection.description.contains("\"counter\""))
    }

    @Test func nothingChangedOnlyTheEmailOrANumberAheadAreNotIssued() throws {
        guard case .reject(let same) = try Self.decide(try Self.change(1)) else { Issue.record("expected a rejection"); return }
        #expect(same.description.contains("nothing changed"))
        let mail = try Self.decide(try Self.change(1, [("keiri@hioki-kensetsu.example.jp", "somu@hioki-kensetsu.example.jp")]))
        guard case .reject(let onlyMail) = mail else { Issue.record("expected a rejection"); return }
        #expect(onlyMail.description.contains("e-mail address"))
        guard case .wait(let why) = try Self.decide(try Self.change(2, [("48400000", "53900000")])) else { Issue.record("expected wait"); return }
        #expect(why.contains("変更第1号"))
    }

    @Test func aChangeBeforeThePreviousDayOrInTheFutureIsRefused() throws {
        for day in ["2025-06-19", "2025-10-21"] {
            guard case .reject(let rejection) = try Self.decide(try Self.change(1, on: day, [("48400000", "53900000")])) else {
                Issue.record("expected a rejection for \(day)"); return
            }
            #expect(rejection.issues.map(\.path) == ["$.amendment.concluded_on"])
        }
    }
}
