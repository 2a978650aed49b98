/// A value read from a TOML 1.0 file. Tables and arrays are classes because the reader fills them in
/// place as headers and dotted keys reach into them.
package enum TOMLValue {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case dateTime(TOMLDateTime)
    case array(TOMLArray)
    case table(TOMLTable)

    /// What the value is, as an error message names it.
    package var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .dateTime: "a date or time"
        case .array(let a): a.ofTables ? "an array of tables" : "an array"
        case .table: "a table"
        }
    }
}

package final class TOMLTable {
    /// How the table came to be, which decides what may still be added to it.
    package enum Origin {
        /// Made as the parent of a header (`[a.b]` makes `a`); a later `[a]` may still define it.
        case implicit
        /// Defined by its own `[header]` or as an element of `[[header]]`.
        case header
        /// Made by a dotted key (`a.b = 1` makes `a`).
        case dotted
        /// Written inline (`{ … }`): complete as written.
        case inline
    }

    package var origin: Origin
    package private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]
    /// Where each key was written (line, column), for messages about its value.
    private var positions: [String: (line: Int, column: Int)] = [:]

    package init(origin: Origin) { self.origin = origin }

    package subscript(key: String) -> TOMLValue? { values[key] }

    package func position(of key: String) -> (line: Int, column: Int)? { positions[key] }

    package func set(_ key: String, _ value: TOMLValue, at position: (line: Int, column: Int)) {
        if values[key] == nil { keys.append(key) }
        values[key] = value
        positions[key] = position
    }

    /// A table first made as a header's parent is then defined by its own header: point there.
    package func move(_ key: String, to position: (line: Int, column: Int)) { positions[key] = position }
}

package final class TOMLArray {
    /// Made by `[[header]]`: only such arrays take more tables from later headers.
    package let ofTables: Bool
    package var items: [TOMLValue] = []

    package init(ofTables: Bool) { self.ofTables = ofTables }
}

/// An offset date-time, a local date-time, a local date or a local time, as written.
package struct TOMLDateTime: Equatable {
    package var year: Int?
    package var month: Int?
    package var day: Int?
    package var hour: Int?
    package var minute: Int?
    package var second: Int?
    package var nanosecond = 0
    /// Minutes east of UTC, for an offset date-time.
    package var offsetMinutes: Int?

    package var hasDate: Bool { year != nil }
    package var hasTime: Bool { hour != nil }

    package init(
        year: Int? = nil, month: Int? = nil, day: Int? = nil, hour: Int? = nil, minute: Int? = nil, second: Int? = nil, nanosecond: Int = 0,
        offsetMinutes: Int? = nil
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.offsetMinutes = offsetMinutes
    }
}
