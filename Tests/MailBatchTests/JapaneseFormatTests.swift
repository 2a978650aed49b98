import Testing

@testable import MIME
@testable import Support

@Suite("和暦 and amounts")
struct JapaneseFormatTests {
    @Test(
        "dates in 和暦, year 1 as 元年",
        arguments: [
            ("2019-04-30", "平成31年4月30日"),
            ("2019-05-01", "令和元年5月1日"),
            ("2019-12-31", "令和元年12月31日"),
            ("2020-01-01", "令和2年1月1日"),
            ("2025-06-01", "令和7年6月1日"),
            ("1989-01-07", "昭和64年1月7日"),
            ("1989-01-08", "平成元年1月8日"),
        ])
    func wareki(iso: String, expected: String) throws {
        let date = try #require(CivilDate(iso: iso))
        #expect(JapaneseFormat.wareki(date) == expected)
    }

    @Test(
        "amounts as 金…円 with thousands separators",
        arguments: [(Int64(1), "金1円"), (999, "金999円"), (1000, "金1,000円"), (19_360_000, "金19,360,000円"), (999_999_999_999, "金999,999,999,999円")])
    func yen(amount: Int64, expected: String) {
        #expect(JapaneseFormat.yen(amount) == expected)
    }

    @Test("calendar dates are checked", arguments: ["2024-02-29", "2000-02-29", "2025-12-31"])
    func realDates(iso: String) { #expect(CivilDate(iso: iso) != nil) }

    @Test("impossible dates are refused", arguments: ["2025-02-29", "1900-02-29", "2025-04-31", "2025-00-10", "2025-1-01", "２０２５-01-01"])
    func impossibleDates(iso: String) { #expect(CivilDate(iso: iso) == nil) }

    @Test("RFC 5322 dates are English and in +0900")
    func rfc5322() {
        // 2025-06-19T15:00:00Z is 2025-06-20 00:00 in Japan, a Friday.
        #expect(RFC5322Date.format(epochSeconds: 1_750_345_200) == "Fri, 20 Jun 2025 00:00:00 +0900")
        #expect(JST.iso8601(epochSeconds: 1_750_345_200) == "2025-06-20T00:00:00+09:00")
    }
}
