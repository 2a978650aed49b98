/// How documents write dates and amounts: 和暦 (令和7年6月20日, 令和元年), and yen as 金19,360,000円.
package enum JapaneseFormat {
    private struct Era {
        let name: String
        let start: CivilDate
    }

    /// Newest first. 令和 began on 2019-05-01, 平成 on 1989-01-08, 昭和 on 1926-12-25, 大正 on 1912-07-30.
    private static let eras: [Era] = [
        Era(name: "令和", start: CivilDate(year: 2019, month: 5, day: 1)!),
        Era(name: "平成", start: CivilDate(year: 1989, month: 1, day: 8)!),
        Era(name: "昭和", start: CivilDate(year: 1926, month: 12, day: 25)!),
        Era(name: "大正", start: CivilDate(year: 1912, month: 7, day: 30)!),
        Era(name: "明治", start: CivilDate(year: 1868, month: 1, day: 25)!),
    ]

    /// `令和7年6月20日`; the first year of an era is written 元年.
    package static func wareki(_ date: CivilDate) -> String {
        "\(warekiYear(date))\(date.month)月\(date.day)日"
    }

    /// `令和7年` or `令和元年`.
    package static func warekiYear(_ date: CivilDate) -> String {
        guard let era = eras.first(where: { date >= $0.start }) else { return "\(date.year)年" }
        let year = date.year - era.start.year + 1
        return year == 1 ? "\(era.name)元年" : "\(era.name)\(year)年"
    }

    /// `令和7年6月20日（2025年6月20日）`, where a reader may want the Western date beside it.
    package static func warekiWithWestern(_ date: CivilDate) -> String {
        "\(wareki(date))（\(date.year)年\(date.month)月\(date.day)日）"
    }

    /// `令和7年10月20日 10:00` from a stored `2025-10-20T10:00:00+09:00` (as is when it is not one).
    package static func warekiTimestamp(_ iso: String) -> String {
        guard iso.count >= 16, let date = CivilDate(iso: String(iso.prefix(10))) else { return iso }
        let time = iso.dropFirst(11).prefix(5)
        guard time.count == 5, time.dropFirst(2).first == ":" else { return wareki(date) }
        return "\(wareki(date)) \(time)"
    }

    package static func warekiPeriod(_ period: DatePeriod) -> String {
        "\(wareki(period.from)) から \(wareki(period.to)) まで"
    }

    /// `19,360,000`
    package static func grouped(_ amount: Int64) -> String {
        let digits = String(amount.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return amount < 0 ? "-" + out : out
    }

    /// `金19,360,000円`
    package static func yen(_ amount: Int64) -> String { "金\(grouped(amount))円" }
}
