package import Support

/// `[viewer]`: the orderer's viewer (`mailbatch serve`) and the address that mails and documents print.
package struct ViewerSettings: Sendable {
    /// The public address, printed on the key notice, the print-out and the orderer's mail.
    package var url: String?
    /// Reverse proxies (exact IP addresses) whose `X-Forwarded-For` names the client. Empty: the
    /// connection's peer is the client, and the header is ignored.
    package var trustedProxies: [String] = []
    /// The public key for the viewer's data check; without it, the one of `[signing] private_key_file`.
    package var publicKeyFile: String?
    /// A connection must send a complete request head within this many seconds of opening (or of its
    /// last answer), or it is closed: half a header and nothing more does not hold a descriptor.
    package var headerTimeoutSeconds = 10
    /// A kept-alive connection with no request for this long is closed.
    package var idleTimeoutSeconds = 60
    /// Open connections at most; past it new ones wait in the listen queue until one closes.
    package var maxConnections = 512

    /// Over TLS to the browser (an https address): cookies are then marked Secure.
    package var servedOverHTTPS: Bool { url?.hasPrefix("https://") ?? false }

    package init(
        url: String? = nil, trustedProxies: [String] = [], publicKeyFile: String? = nil, headerTimeoutSeconds: Int = 10, idleTimeoutSeconds: Int = 60,
        maxConnections: Int = 512
    ) {
        self.url = url
        self.trustedProxies = trustedProxies
        self.publicKeyFile = publicKeyFile
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }
}

extension ConfigurationLoader {
    package static func viewerSettings(_ top: TOMLSection, baseDirectory: String, file: String) throws(ConfigurationError) -> ViewerSettings {
        var settings = ViewerSettings()
        guard let section = try top.section("viewer") else { return settings }
        settings.url = try section.string("url")
        if let url = settings.url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(where: \.isWhitespace) {
            throw ConfigurationError("\(file): [viewer] url \"\(url)\" must be a web address such as https://viewer.example.jp/")
        }
        settings.trustedProxies = try section.strings("trusted_proxies") ?? []
        for proxy in settings.trustedProxies where !ClientAddress.isIPAddress(proxy) {
            throw ConfigurationError("\(file): [viewer] trusted_proxies: \"\(proxy)\" is not an IP address (for example \"127.0.0.1\" or \"::1\")")
        }
        settings.publicKeyFile = try section.string("public_key_file").map { absolutePath($0, relativeTo: baseDirectory) }
        settings.headerTimeoutSeconds = try section.int("header_timeout_seconds", in: 1...300) ?? settings.headerTimeoutSeconds
        settings.idleTimeoutSeconds = try section.int("idle_timeout_seconds", in: 1...3600) ?? settings.idleTimeoutSeconds
        settings.maxConnections = try section.int("max_connections", in: 1...100_000) ?? settings.maxConnections
        try section.rejectUnknownKeys()
        return settings
    }
}
