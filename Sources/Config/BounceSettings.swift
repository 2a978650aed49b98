package import Model
package import Support

/// `[bounces]`: the envelope sender that brings returned mail back to mailbatch (VERP), and where
/// the relay delivers it.
package struct BounceSettings: Sendable {
    package let returnPath: ReturnPath
    /// A Maildir the relay delivers bounces into; every run takes up its `new/`.
    package var maildir: String?
    /// How long the sisimai helper may read one message before it is killed.
    package var sisimaiTimeoutSeconds: Int = defaultSisimaiTimeoutSeconds
    /// What one run spends on returned mail at most; the rest waits for the next run.
    package var budget = BounceBudget()
    /// How long a message set aside in `bounces/unmatched/` is kept.
    package var unmatchedRetentionDays = 90

    package static let defaultSisimaiTimeoutSeconds = 30

    package init(
        returnPath: ReturnPath, maildir: String? = nil, sisimaiTimeoutSeconds: Int = defaultSisimaiTimeoutSeconds, budget: BounceBudget = BounceBudget(),
        unmatchedRetentionDays: Int = 90
    ) {
        self.returnPath = returnPath
        self.maildir = maildir
        self.sisimaiTimeoutSeconds = sisimaiTimeoutSeconds
        self.budget = budget
        self.unmatchedRetentionDays = unmatchedRetentionDays
    }
}

/// The most one run spends taking up returned mail, so that a flood (anyone can mail the bounce
/// address) cannot hold up issuance or the lock: at least one message is always taken up.
package struct BounceBudget: Sendable {
    package var seconds: Int = 20
    package var bytes: Int = 32 << 20

    package init(seconds: Int = 20, bytes: Int = 32 << 20) {
        self.seconds = seconds
        self.bytes = bytes
    }
}

/// `[notify]`: who hears of a run in which something needs a person.
package struct NotifySettings: Sendable {
    package var to: [String]
    /// A message deferred longer than this is reported too.
    package var staleAfterSeconds = 4 * 3600
    /// One short mail to the contractor when the orderer first views the certificate.
    package var contractorOnView = false
    /// A certificate mailed to the orderer and not viewed after this long is reported.
    package var unviewedAfterSeconds: Int = defaultUnviewedAfterSeconds
    /// A certificate mailed to the orderer and not confirmed received after this long is listed (off when unset).
    package var unconfirmedAfterSeconds: Int?

    package static let defaultUnviewedAfterSeconds = 5 * 86_400

    package init(
        to: [String], staleAfterSeconds: Int = 4 * 3600, contractorOnView: Bool = false, unviewedAfterSeconds: Int = defaultUnviewedAfterSeconds,
        unconfirmedAfterSeconds: Int? = nil
    ) {
        self.to = to
        self.staleAfterSeconds = staleAfterSeconds
        self.contractorOnView = contractorOnView
        self.unviewedAfterSeconds = unviewedAfterSeconds
        self.unconfirmedAfterSeconds = unconfirmedAfterSeconds
    }
}

extension ConfigurationLoader {
    package static func bounceSettings(_ top: TOMLSection, baseDirectory: String, file: String) throws(ConfigurationError) -> BounceSettings? {
        guard let section = try top.section("bounces") else { return nil }
        guard let template = try section.string("return_path") else {
            throw ConfigurationError("\(file): [bounces] return_path is missing (for example return_path = \"bounces+{token}@bounces.example.jp\")")
        }
        guard let returnPath = ReturnPath(template: template) else {
            throw ConfigurationError(
                "\(file): [bounces] return_path \"\(template)\" must be an address with {token} once in its local part, such as \"bounces+{token}@bounces.example.jp\", and at most \(ReturnPath.maxPrefixOctets) octets of the local part besides {token} (a token takes up to \(ReturnPath.maxTokenOctets), and RFC 5321 allows 64)"
            )
        }
        let maildir = try section.string("maildir").map { absolutePath($0, relativeTo: baseDirectory) }
        var settings = BounceSettings(returnPath: returnPath, maildir: maildir)
        settings.sisimaiTimeoutSeconds = try section.int("sisimai_timeout_seconds", in: 1...600) ?? settings.sisimaiTimeoutSeconds
        settings.budget.seconds = try section.int("budget_seconds", in: 1...3600) ?? settings.budget.seconds
        if let mib = try section.int("budget_mib", in: 1...4096) { settings.budget.bytes = mib << 20 }
        settings.unmatchedRetentionDays = try section.int("unmatched_retention_days", in: 1...3650) ?? settings.unmatchedRetentionDays
        try section.rejectUnknownKeys()
        return settings
    }

    package static func notifySettings(_ top: TOMLSection, file: String) throws(ConfigurationError) -> NotifySettings? {
        guard let section = try top.section("notify") else { return nil }
        guard let to = try section.strings("to"), !to.isEmpty else {
            throw ConfigurationError("\(file): [notify] to is missing (for example to = [\"ops@example.jp\"])")
        }
        for address in to where !EmailAddress.isPlainAddrSpec(address) {
            throw ConfigurationError("\(file): [notify] to: \"\(address)\" is not a plain e-mail address (local@domain)")
        }
        var settings = NotifySettings(to: to)
        settings.staleAfterSeconds = try section.int("stale_after_seconds", in: 60...(30 * 86_400)) ?? settings.staleAfterSeconds
        settings.contractorOnView = try section.bool("contractor_on_view") ?? false
        if let days = try section.int("unviewed_after_days", in: 1...365) { settings.unviewedAfterSeconds = days * 86_400 }
        if let days = try section.int("unconfirmed_after_days", in: 1...365) { settings.unconfirmedAfterSeconds = days * 86_400 }
        try section.rejectUnknownKeys()
        return settings
    }
}
