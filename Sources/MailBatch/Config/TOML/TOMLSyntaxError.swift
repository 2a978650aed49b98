/// Why a TOML file could not be read: where (line and column, both from 1, the column counted in
/// characters) and what to write instead.
struct TOMLSyntaxError: Error, Equatable, CustomStringConvertible {
    let line: Int
    let column: Int
    let message: String

    var description: String { "line \(line), column \(column): \(message)" }
}
