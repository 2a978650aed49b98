import Glibc

/// The time every command reads. `MAILBATCH_NOW` moves it for rehearsals and tests, so that dated
/// rules can be checked on any day: `2025-10-20T10:00:00+09:00` (or epoch seconds) starts the clock at
/// that instant when the process starts; `…@1764660000` says the clock read that instant at real epoch
/// second 1764660000, so that successive processes see time move on. Either way it runs in real time.
package enum WallClock {
    package static let variable = "MAILBATCH_NOW"

    private static let offset: Int = {
        guard let raw = getenv(variable).map({ String(cString: $0) }), !raw.isEmpty else { return 0 }
        let parts = raw.split(separator: "@", maxSplits: 1).map(String.init)
        guard let instant = parse(parts[0]) else { return 0 }
        let at = parts.count == 2 ? Int(parts[1]) ?? realSeconds() : realSeconds()
        return instant - at
    }()

    package static func epochSeconds() -> Int { realSeconds() + offset }

    private static func realSeconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec
    }

    /// Epoch seconds, or `YYYY-MM-DDTHH:MM:SS` with `Z` or `±HH:MM`.
    package static func parse(_ text: String) -> Int? {
        if let seconds = Int(text) { return seconds }
        let u = Array(text.utf8)
        guard u.count >= 20, let date = CivilDate(iso: String(decoding: u[0..<10], as: UTF8.self)), u[10] == UInt8(ascii: "T") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: u[range], as: UTF8.self)) }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19), hour < 24, minute < 60, second < 61
        else { return nil }
        var zone = 0
        let rest = u[19...]
        if rest.elementsEqual("Z".utf8) {
            zone = 0
        } else if rest.count == 6, let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let h = number(20..<22), let m = number(23..<25)
        {
            zone = (h * 3600 + m * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return nil
        }
        return date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - zone
    }
}
