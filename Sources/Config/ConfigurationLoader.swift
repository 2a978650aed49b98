import Glibc
import MIME
import Model
import Store
package import Support

/// Reads `mailbatch.toml` (docs/configuration.md). Relative paths are relative to the config file's folder.
package enum ConfigurationLoader {
    package static let passwordVariable = "MAILBATCH_SMTP_PASSWORD"

    package static func defaultPath() -> String {
        if let path = getenv("MAILBATCH_CONFIG").map({ String(cString: $0) }), !path.isEmpty { return path }
        return "mailbatch.toml"
    }

    package static func load(path: String) throws(ConfigurationError) -> Configuration {
        let absolute = absolutePath(path, relativeTo: currentDirectory())
        guard PosixFS.exists(absolute) else {
            throw ConfigurationError("cannot read the configuration \(absolute): no such file. Pass --config FILE or set MAILBATCH_CONFIG.")
        }
        let top = try TOMLSection.read(absolute, what: "the configuration")
        return try parse(top, baseDirectory: PosixFS.parentPath(absolute), file: absolute)
    }

    package static func parse(_ top: TOMLSection, baseDirectory: String, file: String) throws(ConfigurationError) -> Configuration {
        func resolve(_ path: String?) -> String? { path.map { absolutePath($0, relativeTo: baseDirectory) } }

        let spool = resolve(try top.string("spool")) ?? absolutePath("spool", relativeTo: baseDirectory)
        let templates = resolve(try top.string("templates"))
        let workers = try top.int("workers", in: 1...64) ?? 2

        guard let smtpSection = try top.section("smtp") else { throw ConfigurationError("\(file): the [smtp] table is missing") }
        let smtp = try smtpSettings(smtpSection, baseDirectory: baseDirectory, file: file)

        guard let mailSection = try top.section("mail") else { throw ConfigurationError("\(file): the [mail] table is missing") }
        guard let fromText = try mailSection.string("from") else { throw ConfigurationError("\(file): [mail] from is missing") }
        guard let from = Mailbox(parsing: fromText) else {
            throw ConfigurationError("\(file): [mail] from \"\(fromText)\" is not an address such as 名前 <user@example.jp>")
        }
        let surety = try mailSection.string("surety_name") ?? "西日本建設業保証株式会社"
        try mailSection.rejectUnknownKeys()

        var delivery = DeliverySettings()
        if let section = try top.section("delivery") {
            delivery.retryInitialSeconds = try section.int("retry_initial_seconds", in: 0...86_400) ?? delivery.retryInitialSeconds
            delivery.retryMaxSeconds = try section.int("retry_max_seconds", in: 0...604_800) ?? delivery.retryMaxSeconds
            delivery.lifetimeSeconds = try section.int("lifetime_seconds", in: 0...(60 * 86_400)) ?? delivery.lifetimeSeconds
            delivery.maxConnectionFailures = try section.int("max_connection_failures", in: 1...1000) ?? delivery.maxConnectionFailures
            delivery.connections = try section.int("connections", in: 1...16) ?? delivery.connections
            try section.rejectUnknownKeys()
        }

        var orderersFile: String?
        if let section = try top.section("orderers") {
            orderersFile = resolve(try section.string("file"))
            try section.rejectUnknownKeys()
        }
        var signingKeyFile: String?
        if let section = try top.section("signing") {
            signingKeyFile = resolve(try section.string("private_key_file"))
            try section.rejectUnknownKeys()
        }
        let branches = try branchDirectory(top, file: file)
        let viewer = try viewerSettings(top, baseDirectory: baseDirectory, file: file)
        let bounces = try bounceSettings(top, baseDirectory: baseDirectory, file: file)
        let notify = try notifySettings(top, file: file)
        var metricsTextfile: String?
        if let section = try top.section("metrics") {
            metricsTextfile = resolve(try section.string("textfile"))
            if let path = metricsTextfile, !path.hasSuffix(".prom") {
                throw ConfigurationError("\(file): [metrics] textfile \(path) must end in .prom (node_exporter's textfile collector reads only those)")
            }
            try section.rejectUnknownKeys()
        }
        var amendmentWaitDays = 14
        if let section = try top.section("amendments") {
            amendmentWaitDays = try section.int("wait_days", in: 1...365) ?? amendmentWaitDays
            try section.rejectUnknownKeys()
        }
        let pdfSigning = try pdfSigningSettings(top, baseDirectory: baseDirectory, file: file)
        let desk = try deskSettings(top, baseDirectory: baseDirectory, file: file)
        try top.rejectUnknownKeys()

        var configuration = Configuration(
            file: file, spool: Spool(root: spool), smtp: smtp, mail: MailSettings(from: from, suretyName: surety),
            delivery: delivery, templatesDirectory: templates, orderersFile: orderersFile, workers: workers, signingKeyFile: signingKeyFile,
            branches: branches, viewer: viewer, bounces: bounces, notify: notify, metricsTextfile: metricsTextfile)
        configuration.amendmentWaitDays = amendmentWaitDays
        configuration.pdfSigning = pdfSigning
        configuration.desk = desk
        return configuration
    }

    /// `[branch]` (required) and any `[branches."大分支店"]` tables, each with name, phone, hours.
    private static func branchDirectory(_ top: TOMLSection, file: String) throws(ConfigurationError) -> BranchDirectory {
        guard let section = try top.section("branch") else {
            throw ConfigurationError(
                "\(file): the [branch] table is missing: every document and mail names the office that answers questions. Add\n[branch]\nname = \"鹿児島支店\"\nphone = \"099-257-2722\"\nhours = \"平日 9:00〜17:00\""
            )
        }
        var directory = BranchDirectory(standard: try branchOffice(section, defaultName: nil, file: file))
        if let named = try top.section("branches") {
            for name in named.keys.sorted() {
                guard let sub = try named.section(name) else { continue }
                directory.named[name] = try branchOffice(sub, defaultName: name, file: file)
            }
            try named.rejectUnknownKeys()
        }
        return directory
    }

    private static func branchOffice(_ s: TOMLSection, defaultName: String?, file: String) throws(ConfigurationError) -> BranchOffice {
        func required(_ key: String, example: String) throws(ConfigurationError) -> String {
            guard let value = try s.string(key), !value.allSatisfy(\.isWhitespace) else {
                throw ConfigurationError("\(file): [\(s.name)] \(key) is missing (for example \(key) = \"\(example)\")")
            }
            guard !value.contains(where: { $0.isNewline }) else { throw ConfigurationError("\(file): [\(s.name)] \(key) must be one line") }
            return value
        }
        let name = try s.string("name") ?? defaultName
        guard let name else { throw ConfigurationError("\(file): [branch] name is missing (for example name = \"鹿児島支店\")") }
        let office = BranchOffice(
            name: name, phone: try required("phone", example: "099-257-2722"), hours: try required("hours", example: "平日 9:00〜17:00"),
            address: try s.string("address"), email: try s.string("email"))
        if let email = office.email, !EmailAddress.isPlainAddrSpec(email) {
            throw ConfigurationError("\(file): [\(s.name)] email \"\(email)\" is not a plain e-mail address (local@domain)")
        }
        try s.rejectUnknownKeys()
        return office
    }

    private static func smtpSettings(_ s: TOMLSection, baseDirectory: String, file: String) throws(ConfigurationError) -> SMTPSettings {
        guard let url = try s.string("url") else { throw ConfigurationError("\(file): [smtp] url is missing (e.g. smtp://127.0.0.1:2525)") }
        let tlsText = try s.string("tls") ?? (url.hasPrefix("smtps://") ? "tls" : "starttls")
        guard let tls = SMTPSettings.TLSMode(rawValue: tlsText) else {
            throw ConfigurationError("\(file): [smtp] tls \"\(tlsText)\" must be \"none\", \"starttls\" or \"tls\"")
        }
        let scheme: String
        if url.hasPrefix("smtp://") {
            scheme = "smtp://"
        } else if url.hasPrefix("smtps://") {
            scheme = "smtps://"
        } else {
            throw ConfigurationError("\(file): [smtp] url \"\(url)\" must start with smtp:// or smtps://")
        }
        if scheme == "smtps://", tls != .tls {
            throw ConfigurationError("\(file): [smtp] url is smtps:// (TLS from the first byte) but tls = \"\(tls.rawValue)\"; set tls = \"tls\"")
        }
        if scheme == "smtp://", tls == .tls {
            throw ConfigurationError("\(file): [smtp] tls = \"tls\" needs an smtps:// url; for STARTTLS on smtp:// set tls = \"starttls\"")
        }
        guard let host = hostOf(url: url, scheme: scheme) else {
            throw ConfigurationError("\(file): [smtp] url \"\(url)\" has no host")
        }
        var settings = SMTPSettings(url: url, host: host, tls: tls)
        settings.username = try s.string("username")
        settings.caFile = try s.string("ca_file").map { absolutePath($0, relativeTo: baseDirectory) }
        settings.heloName = try s.string("helo")
        settings.connectTimeoutSeconds = try s.int("connect_timeout_seconds", in: 1...600) ?? settings.connectTimeoutSeconds
        settings.responseTimeoutSeconds = try s.int("response_timeout_seconds", in: 1...3600) ?? settings.responseTimeoutSeconds
        if let passwordFile = try s.string("password_file") {
            let path = absolutePath(passwordFile, relativeTo: baseDirectory)
            // A regular file of at most 4 KiB: never a FIFO or a device that could hang the run.
            guard case .bytes(let bytes)? = try? PosixFS.readRegularFile(path, limit: 4096),
                let text = String(validating: bytes, as: UTF8.self)
            else {
                throw ConfigurationError("\(file): [smtp] password_file \(path) cannot be read (it must be a regular UTF-8 file of at most 4 KiB)")
            }
            settings.password = Secret(value: String(text.trimmingSuffix { $0 == "\n" || $0 == "\r" }))
        } else if let env = getenv(passwordVariable) {
            settings.password = Secret(value: String(cString: env))
        }
        try s.rejectUnknownKeys()
        if settings.username != nil, settings.password == nil {
            throw ConfigurationError("\(file): [smtp] username is set but no password: set password_file or \(passwordVariable)")
        }
        if settings.username != nil, tls == .none, !settings.isLoopback {
            throw ConfigurationError("\(file): [smtp] credentials would be sent in clear text to \(host); use tls = \"starttls\" or \"tls\"")
        }
        return settings
    }

    package static func hostOf(url: String, scheme: String) -> String? {
        var rest = Substring(url.dropFirst(scheme.count))
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            return String(rest[rest.index(after: rest.startIndex)..<close])
        }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }

    package static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package static func absolutePath(_ path: String, relativeTo base: String) -> String {
        path.hasPrefix("/") ? path : "\(base)/\(path)"
    }
}
