/// Why a TOML file could not be read: where (line and column, both from 1, the column counted in
/// characters) and what to write instead.
package struct TOMLSyntaxError: Error, Equatable, CustomStringConvertible {
    package let line: Int
    package let column: Int
    package let message: String

    package var description: String { "line \(line), column \(column): \(message)" }

    package init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}
