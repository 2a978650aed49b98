/// Why an input file was refused: where in the file, and what was expected there.
package struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// A JSON path such as `$.contractor.email`, or `$` for the whole file.
    package let path: String
    package let expected: String

    package var description: String { "\(path): \(expected)" }

    package init(path: String, expected: String) {
        self.path = path
        self.expected = expected
    }
}

/// A record that cannot be processed, with every issue found in it.
package struct RecordRejection: Error, Sendable, Equatable, CustomStringConvertible {
    package let issues: [ValidationIssue]

    package init(_ issues: [ValidationIssue]) { self.issues = issues }
    package init(path: String = "$", _ expected: String) { self.issues = [ValidationIssue(path: path, expected: expected)] }

    package var description: String { issues.map(\.description).joined(separator: "\n") }
}
