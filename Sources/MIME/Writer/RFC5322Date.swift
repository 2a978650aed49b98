import Glibc
import Support

/// `Mon, 23 Nov 2026 22:11:16 +0900`: the English form RFC 5322 requires, in Japan time,
/// computed without the process locale.
package enum RFC5322Date {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    package static func format(epochSeconds: Int) -> String {
        let t = JST.components(epochSeconds: epochSeconds)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[t.weekday]), \(t.day) \(months[t.month - 1]) \(t.year) \(two(t.hour)):\(two(t.minute)):\(two(t.second)) +0900"
    }
}
