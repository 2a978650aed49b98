package import Store
package import Support

/// `[desk]`: the branch desk (`mailbatch desk`), the operators' console on the company network.
package struct DeskSettings: Sendable {
    /// HOST:PORT when `--listen` is not given.
    package var listen = "127.0.0.1:8081"
    /// The accounts file; nil: `desk-users.json` in the spool folder (backed up with the spool).
    package var usersFile: String?
    /// A session with no request for this long ends.
    package var idleMinutes = 30
    /// Wrong passwords in a row, per account and per client address, before either is locked.
    package var lockoutAttempts = 5
    package var lockoutMinutes = 15
    /// A header naming the signed-in user, set by a reverse proxy that signs people in itself;
    /// accepted only on a connection from `trustedProxy`.
    package var trustedUserHeader: String?
    package var trustedProxy: String?
    /// Over TLS to the browser: cookies are then marked Secure.
    package var servedOverHTTPS = false

    package init() {}

    package func usersPath(_ spool: Spool) -> String { usersFile ?? "\(spool.root)/desk-users.json" }
    /// The sign-in failures, beside the accounts file.
    package func failuresPath(_ spool: Spool) -> String { PosixFS.parentPath(usersPath(spool)) + "/desk-signin-failures.json" }
}

extension ConfigurationLoader {
    package static func deskSettings(_ top: TOMLSection, baseDirectory: String, file: String) throws(ConfigurationError) -> DeskSettings {
        var settings = DeskSettings()
        guard let section = try top.section("desk") else { return settings }
        if let listen = try section.string("listen") {
            guard let colon = listen.lastIndex(of: ":"), Int(listen[listen.index(after: colon)...]) != nil else {
                throw ConfigurationError("\(file): [desk] listen \"\(listen)\" must be HOST:PORT, for example \"127.0.0.1:8081\"")
            }
            settings.listen = listen
        }
        settings.usersFile = try section.string("users_file").map { absolutePath($0, relativeTo: baseDirectory) }
        settings.idleMinutes = try section.int("idle_minutes", in: 1...1440) ?? settings.idleMinutes
        settings.lockoutAttempts = try section.int("lockout_attempts", in: 1...100) ?? settings.lockoutAttempts
        settings.lockoutMinutes = try section.int("lockout_minutes", in: 1...1440) ?? settings.lockoutMinutes
        settings.trustedUserHeader = try section.string("trusted_user_header")
        settings.trustedProxy = try section.string("trusted_proxy")
        settings.servedOverHTTPS = try section.bool("https") ?? false
        if let header = settings.trustedUserHeader {
            guard !header.isEmpty,
                header.utf8.allSatisfy({ $0 == 0x2D || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
            else {
                throw ConfigurationError("\(file): [desk] trusted_user_header \"\(header)\" must be a header name such as \"X-Remote-User\"")
            }
            guard let proxy = settings.trustedProxy else {
                throw ConfigurationError(
                    "\(file): [desk] trusted_user_header needs trusted_proxy, the address of the reverse proxy that sets it (for example \"127.0.0.1\")")
            }
            guard ClientAddress.isIPAddress(proxy) else {
                throw ConfigurationError("\(file): [desk] trusted_proxy \"\(proxy)\" is not an IP address (for example \"127.0.0.1\" or \"::1\")")
            }
        }
        try section.rejectUnknownKeys()
        return settings
    }
}
