/// One table of a TOML file, read key by key; any key nobody asked for is an error, so a typo
/// such as `pasword_file` is caught instead of silently ignored.
package final class TOMLSection {
    /// The table's name as its header writes it (`smtp`, `"日置市"`, `branches."大分支店"`).
    package let name: String
    private let table: TOMLTable
    package let file: String
    private var read: Set<String> = []

    package init(_ table: TOMLTable, name: String, file: String) {
        self.table = table
        self.name = name
        self.file = file
    }

    /// `FILE: line 3, column 1: [smtp] key url` — where a setting stands, for any message about it.
    private func location(_ key: String) -> String {
        let at = table.position(of: key).map { "line \($0.line), column \($0.column): " } ?? ""
        return name.isEmpty ? "\(file): \(at)key \(TOMLKeyQuoting.display(key))" : "\(file): \(at)[\(name)] key \(TOMLKeyQuoting.display(key))"
    }

    /// Where a key stands in the file (line and column, from 1).
    package func position(of key: String) -> (line: Int, column: Int)? { table.position(of: key) }

    /// Reads a whole TOML file; a malformed one is an error naming the file, line and column.
    package static func read(_ path: String, what: String) throws(ConfigurationError) -> TOMLSection {
        let bytes: [UInt8]
        do {
            bytes = try PosixFS.read(path)
        } catch {
            throw ConfigurationError("cannot read \(what) \(path): \(error.description)")
        }
        do {
            return TOMLSection(try TOMLReader.parse(bytes), name: "", file: path)
        } catch {
            throw ConfigurationError("\(path): \(error.description)")
        }
    }

    package func string(_ key: String) throws(ConfigurationError) -> String? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard case .string(let text) = value else { throw ConfigurationError("\(location(key)) must be a string in double quotes, not \(value.kindName)") }
        return text
    }

    package func strings(_ key: String) throws(ConfigurationError) -> [String]? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        if case .string(let text) = value { return [text] }
        guard case .array(let array) = value, !array.ofTables else {
            throw ConfigurationError("\(location(key)) must be a string or an array of strings, not \(value.kindName)")
        }
        var out: [String] = []
        for item in array.items {
            guard case .string(let text) = item else { throw ConfigurationError("\(location(key)) must hold only strings, not \(item.kindName)") }
            out.append(text)
        }
        return out
    }

    package func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard case .boolean(let flag) = value else { throw ConfigurationError("\(location(key)) must be true or false, not \(value.kindName)") }
        return flag
    }

    /// A day, written as a TOML date (2025-06-01) or a string ("2025-06-01").
    package func date(_ key: String) throws(ConfigurationError) -> CivilDate? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        if case .dateTime(let d) = value, !d.hasTime, let y = d.year, let m = d.month, let day = d.day,
            let date = CivilDate(year: y, month: m, day: day)
        {
            return date
        }
        if case .string(let text) = value, let day = CivilDate(iso: text) { return day }
        throw ConfigurationError("\(location(key)) must be a date such as 2025-06-01")
    }

    package func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard case .integer(let wide) = value, let number = Int(exactly: wide) else {
            throw ConfigurationError("\(location(key)) must be a whole number, not \(value.kindName)")
        }
        guard range.contains(number) else {
            throw ConfigurationError("\(location(key)) is \(number); it must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    package func section(_ key: String) throws(ConfigurationError) -> TOMLSection? {
        read.insert(key)
        guard let value = table[key] else { return nil }
        guard case .table(let sub) = value else { throw ConfigurationError("\(location(key)) must be a table, not \(value.kindName)") }
        let shown = TOMLKeyQuoting.display(key)
        return TOMLSection(sub, name: name.isEmpty ? shown : "\(name).\(shown)", file: file)
    }

    package var keys: [String] { table.keys }

    /// Call after reading every known key.
    package func rejectUnknownKeys() throws(ConfigurationError) {
        let unknown = table.keys.filter { !read.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let known = read.sorted().joined(separator: ", ")
            throw ConfigurationError("\(location(unknown[0])) is not a known setting (known here: \(known))")
        }
    }
}
