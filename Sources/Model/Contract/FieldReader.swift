package import Support

/// Reads typed fields out of parsed JSON and collects every problem with its JSON path,
/// so one `.error.txt` tells the upstream operator all that is wrong with a file at once.
package struct FieldReader {
    package private(set) var issues: [ValidationIssue] = []

    package mutating func fail(_ path: String, _ expected: String) {
        issues.append(ValidationIssue(path: path, expected: expected))
    }

    /// The members of an object at `path`, with any member not in `allowed` reported.
    package mutating func object(_ value: JSONValue?, at path: String, allowed: Set<String>) -> [String: JSONValue]? {
        guard let value else {
            fail(path, "a required object is missing")
            return nil
        }
        guard case .object(let members) = value else {
            fail(path, "expected an object, found \(value.kindName)")
            return nil
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            fail("\(path).\(Self.displayKey(key))", "unexpected field; allowed here: \(allowed.sorted().joined(separator: ", "))")
        }
        return members
    }

    package mutating func string(_ members: [String: JSONValue], _ key: String, at path: String, maxLength: Int) -> String? {
        let here = "\(path).\(key)"
        guard let value = members[key], value != .null else {
            fail(here, "a required string is missing")
            return nil
        }
        guard case .string(let text) = value else {
            fail(here, "expected a string, found \(value.kindName)")
            return nil
        }
        if let bad = text.unicodeScalars.first(where: Self.isForbidden) {
            fail(
                here,
                "contains a control character (U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4))); remove line breaks and control characters"
            )
            return nil
        }
        if text.allSatisfy(\.isWhitespace) {
            fail(here, "must not be empty or blank")
            return nil
        }
        if text.count > maxLength {
            fail(here, "is \(text.count) characters long; at most \(maxLength) are allowed")
            return nil
        }
        return text
    }

    package mutating func optionalString(_ members: [String: JSONValue], _ key: String, at path: String, maxLength: Int) -> String? {
        guard let value = members[key], value != .null else { return nil }
        return string(members, key, at: path, maxLength: maxLength)
    }

    package mutating func choice<E: RawRepresentable & CaseIterable>(_ members: [String: JSONValue], _ key: String, at path: String, as: E.Type) -> E?
    where E.RawValue == String {
        guard let text = string(members, key, at: path, maxLength: 64) else { return nil }
        guard let value = E(rawValue: text) else {
            let options = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            fail("\(path).\(key)", "\"\(text)\" is not one of \(options)")
            return nil
        }
        return value
    }

    package mutating func date(_ members: [String: JSONValue], _ key: String, at path: String) -> CivilDate? {
        guard let text = string(members, key, at: path, maxLength: 64) else { return nil }
        guard let date = CivilDate(iso: text) else {
            fail("\(path).\(key)", "\"\(text)\" is not a real calendar date in the form YYYY-MM-DD")
            return nil
        }
        return date
    }

    package mutating func optionalDate(_ members: [String: JSONValue], _ key: String, at path: String) -> CivilDate? {
        guard let value = members[key], value != .null else { return nil }
        return date(members, key, at: path)
    }

    package mutating func period(_ members: [String: JSONValue], _ key: String, at path: String) -> DatePeriod? {
        let here = "\(path).\(key)"
        guard let fields = object(members[key], at: here, allowed: ["from", "to"]) else { return nil }
        guard let from = date(fields, "from", at: here), let to = date(fields, "to", at: here) else { return nil }
        guard from <= to else {
            fail(here, "the period ends (\(to)) before it begins (\(from))")
            return nil
        }
        return DatePeriod(from: from, to: to)
    }

    /// Whole yen, above 0 and below 10^12.
    package mutating func yen(_ members: [String: JSONValue], _ key: String, at path: String, allowZero: Bool = false) -> Int64? {
        let here = "\(path).\(key)"
        guard let value = members[key], value != .null else {
            fail(here, "a required amount in whole yen is missing")
            return nil
        }
        guard case .number(let literal) = value else {
            fail(here, "expected a whole number of yen, found \(value.kindName)")
            return nil
        }
        guard literal.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else {
            fail(here, "\(literal.prefix(40)) is not a whole number of yen (no fractions or exponents)")
            return nil
        }
        guard let amount = Int64(literal), amount > 0 || (allowZero && amount == 0), amount < 1_000_000_000_000 else {
            fail(here, "\(literal.prefix(40)) is out of range; expected whole yen above 0 and below 1,000,000,000,000")
            return nil
        }
        return amount
    }

    package static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }

    /// A member name made safe to print in an error message.
    package static func displayKey(_ key: String) -> String {
        let cleaned = String(String.UnicodeScalarView(key.unicodeScalars.map { isForbidden($0) ? "?" : $0 }))
        return cleaned.count > 40 ? String(cleaned.prefix(40)) + "…" : cleaned
    }

    package init(issues: [ValidationIssue] = []) {
        self.issues = issues
    }
}
