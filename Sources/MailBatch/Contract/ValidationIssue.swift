/// Why an input file was refused: where in the file, and what was expected there.
struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// A JSON path such as `$.contractor.email`, or `$` for the whole file.
    let path: String
    let expected: String

    var description: String { "\(path): \(expected)" }
}

/// A record that cannot be processed, with every issue found in it.
struct RecordRejection: Error, Sendable, Equatable, CustomStringConvertible {
    let issues: [ValidationIssue]

    init(_ issues: [ValidationIssue]) { self.issues = issues }
    init(path: String = "$", _ expected: String) { self.issues = [ValidationIssue(path: path, expected: expected)] }

    var description: String { issues.map(\.description).joined(separator: "\n") }
}
