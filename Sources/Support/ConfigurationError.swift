/// A configuration that cannot be used; the description names the file, the key and the fix.
package struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    package let description: String
    /// One line whatever a value in it holds: a CR or LF from a file (an address, a name) is
    /// written as an escape, as log lines write it.
    package init(_ description: String) { self.description = LineLogHandler.oneLine(description) }
}
