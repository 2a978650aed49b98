import TOMLKit

/// One table of a TOML file, read key by key; any key nobody asked for is an error, so a typo
/// such as `pasword_file` is caught instead of silently ignored.
final class TOMLSection {
    let name: String
    private let table: TOMLTable
    private let file: String
    private var read: Set<String> = []

    init(_ table: TOMLTable, name: String, file: String) {
        self.table = table
        self.name = name
        self.file = file
    }

    private func location(_ key: String) -> String {
        name.isEmpty ? "\(file): key \"\(key)\"" : "\(file): [\(name)] key \"\(key)\""
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw ConfigurationError("\(location(key)) must be a string") }
        return text
    }

    func strings(_ key: String) throws(ConfigurationError) -> [String]? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        if let text = value.string { return [text] }
        guard let array = value.array else { throw ConfigurationError("\(location(key)) must be a string or an array of strings") }
        var out: [String] = []
        for item in array {
            guard let text = item.string else { throw ConfigurationError("\(location(key)) must hold only strings") }
            out.append(text)
        }
        return out
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw ConfigurationError("\(location(key)) must be true or false") }
        return flag
    }

    /// A day, written as a TOML date (2025-06-01) or a string ("2025-06-01").
    func date(_ key: String) throws(ConfigurationError) -> CivilDate? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        if let date = value.date, let day = CivilDate(year: Int(date.year), month: Int(date.month), day: Int(date.day)) { return day }
        if let text = value.string, let day = CivilDate(iso: text) { return day }
        throw ConfigurationError("\(location(key)) must be a date such as 2025-06-01")
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw ConfigurationError("\(location(key)) must be a whole number") }
        guard range.contains(number) else {
            throw ConfigurationError("\(location(key)) is \(number); it must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func section(_ key: String) throws(ConfigurationError) -> TOMLSection? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw ConfigurationError("\(location(key)) must be a table") }
        return TOMLSection(sub, name: name.isEmpty ? key : "\(name).\(key)", file: file)
    }

    var keys: [String] { table.keys }

    /// Call after reading every known key.
    func rejectUnknownKeys() throws(ConfigurationError) {
        let unknown = table.keys.filter { !read.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let known = read.sorted().joined(separator: ", ")
            throw ConfigurationError("\(location(unknown[0])) is not a known setting (known here: \(known))")
        }
    }
}
