/// A parsed JSON document. Numbers keep their literal text so that the validator, not the parser,
/// decides what a valid amount is (no silent rounding of 1e308 or of integers beyond 64 bits).
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    package var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
