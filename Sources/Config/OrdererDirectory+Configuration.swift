package import Model
package import Support

extension OrdererDirectory {
    /// The directory as it applies to the configured surety: the shipped one, the operator's file over
    /// it, and only the orderers that accept the certificates of `[mail] surety_name`.
    package static func load(_ configuration: Configuration) throws(ConfigurationError) -> OrdererDirectory {
        var directory = try load(overrides: configuration.orderersFile)
        directory.surety = configuration.mail.suretyName
        return directory
    }
}
