import Testing

@testable import Model
@testable import Support

@Suite("Record validation")
struct ContractValidatorTests {
    @Test("the documented example record is valid")
    func validRecord() throws {
        let record = try ContractValidator.validate(Array(Fixtures.validRecordText.utf8))
        #expect(record.contractNumber == "R07-4621-000123")
        #expect(record.guaranteeType == .advancePayment)
        #expect(record.guarantee.amount == 19_360_000)
        #expect(record.project.publicNoticeOn == CivilDate(year: 2025, month: 6, day: 2))
        #expect(record.orderer.title == "日置市長")
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let old: String
        let new: String
        let path: String
        let says: String
        var testDescription: String { "\(path): \(says)" }
    }

    static let badCases: [BadCase] = [
        .init(old: #""contract_number": "R07-4621-000123""#, new: #""contract_number": "../x""#, path: "$.contract_number", says: "4 to 32"),
        .init(old: #""contract_number": "R07-4621-000123""#, new: #""contract_number": "ABC""#, path: "$.contract_number", says: "4 to 32"),
        .init(
            old: #""contract_number": "R07-4621-000123""#, new: #""contract_number": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA""#, path: "$.contract_number",
            says: "4 to 32"),
        .init(old: #""contract_number": "R07-4621-000123""#, new: #""contract_number": "a/b-c""#, path: "$.contract_number", says: "4 to 32"),
        .init(old: #""guarantee_type": "advance_payment""#, new: #""guarantee_type": "bid_bond""#, path: "$.guarantee_type", says: "is not one of"),
        .init(old: #""concluded_on": "2025-06-20""#, new: #""concluded_on": "2025-02-30""#, path: "$.concluded_on", says: "real calendar date"),
        .init(old: #""concluded_on": "2025-06-20""#, new: #""concluded_on": "2025/06/20""#, path: "$.concluded_on", says: "YYYY-MM-DD"),
        .init(old: #""concluded_on": "2025-06-20""#, new: #""concluded_on": 20250620"#, path: "$.concluded_on", says: "expected a string"),
        .init(old: #""to": "2026-03-27""#, new: #""to": "2025-06-19""#, path: "$.guarantee.period", says: "ends"),
        .init(old: #""amount": 19360000"#, new: #""amount": 48400001"#, path: "$.guarantee.amount", says: "exceeds the contract amount"),
        .init(old: #""amount": 19360000"#, new: #""amount": 0"#, path: "$.guarantee.amount", says: "out of range"),
        .init(old: #""amount": 19360000"#, new: #""amount": -5"#, path: "$.guarantee.amount", says: "out of range"),
        .init(old: #""amount": 19360000"#, new: #""amount": 1936.5"#, path: "$.guarantee.amount", says: "whole number"),
        .init(old: #""amount": 19360000"#, new: #""amount": 1e308"#, path: "$.guarantee.amount", says: "whole number"),
        .init(old: #""amount": 19360000"#, new: #""amount": 99999999999999999999999"#, path: "$.guarantee.amount", says: "out of range"),
        .init(old: #""amount": 19360000"#, new: #""amount": "19360000""#, path: "$.guarantee.amount", says: "found a string"),
        .init(old: #""contract_amount": 48400000"#, new: #""contract_amount": 1000000000000"#, path: "$.project.contract_amount", says: "out of range"),
        .init(old: #""premium": 52000"#, new: #""premium": null"#, path: "$.guarantee.premium", says: "missing"),
        .init(
            old: #""email": "keiri@hioki-kensetsu.example.jp""#, new: #""email": "経理 <keiri@hioki-kensetsu.example.jp>""#, path: "$.contractor.email",
            says: "plain e-mail"),
        .init(old: #""email": "keiri@hioki-kensetsu.example.jp""#, new: #""email": "a@b.jp, c@d.jp""#, path: "$.contractor.email", says: "plain e-mail"),
        .init(old: #""email": "keiri@hioki-kensetsu.example.jp""#, new: #""email": "a@b@c.jp""#, path: "$.contractor.email", says: "plain e-mail"),
        .init(old: #""email": "keiri@hioki-kensetsu.example.jp""#, new: #""email": "a@localhost""#, path: "$.contractor.email", says: "plain e-mail"),
        .init(old: #""email": "keiri@hioki-kensetsu.example.jp""#, new: #""email": "a@b.jp\r""#, path: "$.contractor.email", says: "control character"),
        .init(old: #""name": "株式会社日置建設""#, new: #""name": "株式会社A\r\nBcc: someone@example.com""#, path: "$.contractor.name", says: "control character"),
        .init(old: #""name": "株式会社日置建設""#, new: #""name": "株式会社\u0000A""#, path: "$.contractor.name", says: "control character"),
        .init(old: #""name": "株式会社日置建設""#, new: #""name": "   ""#, path: "$.contractor.name", says: "blank"),
        .init(old: #""name": "日置市""#, new: #""name": 12"#, path: "$.orderer.name", says: "expected a string"),
        .init(old: #""category": "works""#, new: #""category": "goods""#, path: "$.project.category", says: "is not one of"),
        .init(old: #""channel": "e-net""#, new: #""channel": "fax""#, path: "$.application.channel", says: "is not one of"),
        .init(old: #""schema": "mailbatch.contract/v1""#, new: #""schema": "mailbatch.contract/v2""#, path: "$.schema", says: "not supported"),
        .init(old: #""schema": "mailbatch.contract/v1","#, new: #""schema": "mailbatch.contract/v1", "extra": 1,"#, path: "$.extra", says: "unexpected field"),
        .init(old: #""title": "日置市長" }"#, new: #""title": "日置市長", "name": "日田市" }"#, path: "$", says: "duplicate key"),
    ]

    @Test("each bad field is reported with its JSON path and what was expected", arguments: badCases)
    func badField(_ bad: BadCase) {
        let bytes = Fixtures.replacing(bad.old, with: bad.new)
        #expect(throws: RecordRejection.self) { try ContractValidator.validate(bytes) }
        do {
            _ = try ContractValidator.validate(bytes)
        } catch {
            let hit = error.issues.contains { $0.path.hasPrefix(bad.path) && $0.expected.contains(bad.says) }
            #expect(hit, "got: \(error.description)")
        }
    }

    @Test("a long name is refused with its length")
    func longName() throws {
        let bytes = Fixtures.replacing(#""name": "株式会社日置建設""#, with: "\"name\": \"\(String(repeating: "建", count: 101))\"")
        let error = #expect(throws: RecordRejection.self) { try ContractValidator.validate(bytes) }
        #expect(error?.description.contains("101 characters") == true)
    }

    @Test("several problems are all reported at once")
    func allIssues() throws {
        var text = Fixtures.validRecordText.replacingOccurrences(of: "2025-06-20\"", with: "2025-13-01\"")
        text = text.replacingOccurrences(of: "\"premium\": 52000", with: "\"premium\": -1")
        let error = #expect(throws: RecordRejection.self) { try ContractValidator.validate(Array(text.utf8)) }
        #expect((error?.issues.count ?? 0) >= 3)
    }

    @Test("a missing optional public notice date is fine; a missing contract date is not")
    func optionalDates() throws {
        let without = Fixtures.replacing(#""public_notice_on": "2025-06-02", "#, with: "")
        #expect(try ContractValidator.validate(without).project.publicNoticeOn == nil)
        let noContractDate = Fixtures.replacing(#""contract_on": "2025-06-18","#, with: "")
        #expect(throws: RecordRejection.self) { try ContractValidator.validate(noContractDate) }
    }

    @Test("files over 1 MiB are refused unread")
    func tooLarge() {
        let bytes = [UInt8](repeating: 0x20, count: ContractValidator.maximumFileSize + 1)
        let error = #expect(throws: RecordRejection.self) { try ContractValidator.validate(bytes) }
        #expect(error?.description.contains("1 MiB") == true)
    }

    static let encodingCases: [([UInt8], String)] = [
        ([], "empty"),
        [0xEF, 0xBB, 0xBF, 0x7B, 0x7D].withSays("byte-order mark"),
        [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00].withSays("UTF-16"),
        [0x22, 0x93, 0xFA, 0x92, 0x75, 0x8E, 0x73, 0x22].withSays("Shift_JIS"),
        [0x22, 0xC3, 0x28, 0x22].withSays("not valid UTF-8"),
    ]

    @Test("text that is not UTF-8 is refused, saying what it looks like", arguments: encodingCases)
    func encodings(bytes: [UInt8], says: String) {
        let error = #expect(throws: RecordRejection.self) { try ContractValidator.validate(bytes) }
        #expect(error?.description.contains(says) == true, "got: \(error?.description ?? "")")
    }
}

extension [UInt8] {
    fileprivate func withSays(_ text: String) -> ([UInt8], String) { (self, text) }
}
