import Foundation
import Testing

@testable import Config
@testable import Issuance
@testable import Model
@testable import Support
@testable import Viewer

@Suite("Orderer directory and eligibility")
struct OrdererDirectoryTests {
    static let directory: OrdererDirectory = {
        do { return try OrdererDirectory.load(overrides: nil) } catch { fatalError("the shipped directory must load: \(error)") }
    }()

    /// Reads the brochure's adoption table as extracted text, where each date stands one line above
    /// its name (blank lines between don't count): name → "YYYY-MM".
    static func brochureTable() throws -> [String: String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/adoption-table.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var result: [String: String] = [:]
        var pending: [String] = []
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            var dates: [String] = []
            var names: [String] = []
            for token in line.split(separator: " ") {
                if token.first == "R", token.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }) {
                    dates.append(String(token))
                } else {
                    names.append(String(token))
                }
            }
            #expect(names.count == pending.count, "line \(line): \(names.count) names for \(pending.count) dates above")
            for (name, date) in zip(names, pending) {
                let parts = date.dropFirst().split(separator: ".")
                let year = 2018 + Int(parts[0])!
                let month = Int(parts[1])!
                result[name] = "\(year)-\(month < 10 ? "0" : "")\(month)"
            }
            pending = dates
        }
        #expect(pending.isEmpty)
        return result
    }

    @Test("the shipped directory holds exactly the brochure's table, with the same months")
    func matchesBrochure() throws {
        let table = try Self.brochureTable()
        #expect(table.count == 102)
        let shipped = Self.directory.orderers.values.filter { $0.source == "table" }
        #expect(shipped.count == table.count)
        for orderer in shipped {
            let month = orderer.adopted.map { "\($0.year)-\($0.month < 10 ? "0" : "")\($0.month)" }
            #expect(month == table[orderer.name], "\(orderer.name)")
        }
    }

    @Test(
        "count per prefecture, as the brochure lists them",
        arguments: [("福岡県", 13), ("佐賀県", 6), ("長崎県", 6), ("熊本県", 22), ("大分県", 19), ("宮崎県", 6), ("鹿児島県", 11), ("沖縄県", 19)])
    func countPerPrefecture(prefecture: String, count: Int) {
        #expect(Self.directory.orderers.values.filter { $0.prefecture == prefecture && $0.source == "table" }.count == count)
    }

    @Test(
        "a sample of names, months and titles",
        arguments: [
            ("福岡県", "2025-01-01", "福岡県知事"), ("福岡市", "2022-12-01", "福岡市長"), ("北九州市", "2024-02-01", "北九州市長"),
            ("宗像市", "2023-04-01", "宗像市長"), ("熊本県", "2023-04-01", "熊本県知事"), ("相良村", "2025-04-01", "相良村長"),
            ("日田市", "2024-10-01", "日田市長"), ("姫島村", "2025-04-01", "姫島村長"), ("国頭村", "2025-05-01", "国頭村長"),
            ("奄美市", "2022-08-01", "奄美市長"), ("国土交通省", "2022-05-01", nil),
        ] as [(String, String, String?)])
    func samples(name: String, adopted: String, title: String?) throws {
        let orderer = try #require(Self.directory.orderer(named: name))
        #expect(orderer.adopted == CivilDate(iso: adopted))
        #expect(orderer.title == title)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let orderer: String
        let category: ContractRecord.Category
        let contractOn: String?
        let noticeOn: String?
        let eligible: Bool
        var testDescription: String { "\(orderer) \(category) contract \(contractOn ?? "-") notice \(noticeOn ?? "-") → \(eligible)" }
    }

    static let boundaries: [Case] = [
        // 日置市: public-notice date from 2025-06-01, works and consulting alike.
        .init(orderer: "日置市", category: .works, contractOn: "2025-07-01", noticeOn: "2025-05-31", eligible: false),
        .init(orderer: "日置市", category: .works, contractOn: "2025-05-01", noticeOn: "2025-06-01", eligible: true),
        .init(orderer: "日置市", category: .consulting, contractOn: "2025-07-01", noticeOn: "2025-05-31", eligible: false),
        .init(orderer: "日置市", category: .consulting, contractOn: "2025-07-01", noticeOn: "2025-06-01", eligible: true),
        .init(orderer: "日置市", category: .works, contractOn: "2025-07-01", noticeOn: nil, eligible: false),
        // 日田市: initial contract date, works from 2024-10-01, consulting from 2025-04-01.
        .init(orderer: "日田市", category: .works, contractOn: "2024-09-30", noticeOn: nil, eligible: false),
        .init(orderer: "日田市", category: .works, contractOn: "2024-10-01", noticeOn: nil, eligible: true),
        .init(orderer: "日田市", category: .consulting, contractOn: "2025-03-31", noticeOn: nil, eligible: false),
        .init(orderer: "日田市", category: .consulting, contractOn: "2025-04-01", noticeOn: nil, eligible: true),
        .init(orderer: "日田市", category: .works, contractOn: nil, noticeOn: "2025-01-01", eligible: false),
        // Others: the first day of the table's month, on the initial contract date.
        .init(orderer: "福岡県", category: .works, contractOn: "2024-12-31", noticeOn: nil, eligible: false),
        .init(orderer: "福岡県", category: .consulting, contractOn: "2025-01-01", noticeOn: nil, eligible: true),
        .init(orderer: "国土交通省", category: .works, contractOn: "2022-04-30", noticeOn: nil, eligible: false),
        .init(orderer: "国土交通省", category: .works, contractOn: "2022-05-01", noticeOn: nil, eligible: true),
        .init(orderer: "架空市", category: .works, contractOn: "2025-05-01", noticeOn: nil, eligible: false),
    ]

    @Test("eligibility on each rule's boundaries", arguments: boundaries)
    func eligibility(_ c: Case) {
        let decision = Eligibility.decide(
            orderer: c.orderer, category: c.category, contractOn: c.contractOn.flatMap(CivilDate.init(iso:)),
            publicNoticeOn: c.noticeOn.flatMap(CivilDate.init(iso:)), in: Self.directory)
        if case .eligible = decision { #expect(c.eligible) } else { #expect(!c.eligible, "\(decision)") }
    }

    @Test("the reason a person reads")
    func reasons() {
        let hita = Eligibility.decide(
            orderer: "日田市", category: .consulting, contractOn: CivilDate(iso: "2025-03-31"), publicNoticeOn: nil, in: Self.directory)
        #expect(hita == .notEligible(reason: "日田市は建設コンサルタント等業務委託について令和7年4月1日以降の当初契約から電子保証の対象です（当初契約日: 令和7年3月31日）"))
        let hioki = Eligibility.decide(orderer: "日置市", category: .works, contractOn: CivilDate(iso: "2025-07-01"), publicNoticeOn: nil, in: Self.directory)
        #expect(hioki == .notEligible(reason: "日置市は入札公告日で電子保証の対象を判定しますが、入札公告日（project.public_notice_on）がありません"))
        guard case .notEligible(let unknown) = Eligibility.decide(orderer: "架空市", category: .works, contractOn: nil, publicNoticeOn: nil, in: Self.directory)
        else { Issue.record("unknown orderer was eligible"); return }
        #expect(unknown.contains("架空市") && unknown.contains("登録されていません"))
    }

    @Test("how the key reaches 日置市 and 日田市")
    func submission() throws {
        let hioki = try #require(Self.directory.orderer(named: "日置市"))
        #expect(hioki.submission == [.email] && hioki.emails.isEmpty)
        let hita = try #require(Self.directory.orderer(named: "日田市"))
        #expect(hita.submission == [.inPerson, .fax] && hita.department == "契約検査室")
    }
}
