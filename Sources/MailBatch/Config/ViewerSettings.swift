/// `[viewer]`: the orderer's viewer (`mailbatch serve`) and the address that mails and documents print.
struct ViewerSettings: Sendable {
    /// The public address, printed on the key notice, the print-out and the orderer's mail.
    var url: String?
    /// Reverse proxies (exact IP addresses) whose `X-Forwarded-For` names the client. Empty: the
    /// connection's peer is the client, and the header is ignored.
    var trustedProxies: [String] = []
    /// The public key for the viewer's data check; without it, the one of `[signing] private_key_file`.
    var publicKeyFile: String?

    /// Over TLS to the browser (an https address): cookies are then marked Secure.
    var servedOverHTTPS: Bool { url?.hasPrefix("https://") ?? false }
}

extension ConfigurationLoader {
    static func viewerSettings(_ top: TOMLSection, baseDirectory: String, file: String) throws(ConfigurationError) -> ViewerSettings {
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
        try section.rejectUnknownKeys()
        return settings
    }
}
