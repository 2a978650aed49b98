/// A configuration that cannot be used; the description names the file, the key and the fix.
struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
