import Glibc

/// Japan Standard Time (UTC+9, no daylight saving), the time zone of every date mailbatch shows.
package enum JST {
    package static let offsetSeconds = 9 * 3600

    package struct Components {
        package let year, month, day, hour, minute, second, weekday: Int
        package var date: CivilDate { CivilDate(year: year, month: month, day: day)! }
    }

    package static func components(epochSeconds: Int) -> Components {
        var t = time_t(epochSeconds + offsetSeconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return Components(
            year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
            hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec), weekday: Int(parts.tm_wday))
    }

    /// `2026-11-23T22:11:16+09:00`
    package static func iso8601(epochSeconds: Int) -> String {
        let t = components(epochSeconds: epochSeconds)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(t.year)-\(two(t.month))-\(two(t.day))T\(two(t.hour)):\(two(t.minute)):\(two(t.second))+09:00"
    }
}
