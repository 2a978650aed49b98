package import Support

/// Reads orderer tables, from the shipped directory or from an operator's override file; both use
/// the same keys (see the head of `Sources/OrdererData/orderers.toml`).
package enum OrdererFileParser {
    /// Applies the tables of `table` onto `existing`. In an override file a table must name an orderer
    /// already known, unless it says `new = true`; a misspelt name is an error, not a new orderer.
    package static func apply(_ file: TOMLSection, to existing: inout [String: Orderer], overrides: Bool) throws(ConfigurationError) {
        for name in file.keys.sorted() where name != OrdererDirectory.asOfKey {
            guard let section = try file.section(name) else { continue }
            let header = "[\(section.name)]"
            let isNew = try section.bool("new") ?? !overrides
            var orderer: Orderer
            if let known = existing[name] {
                guard !isNew || !overrides else {
                    throw ConfigurationError("\(file.file): \(header) says new = true but \(name) is already in the directory; remove `new`")
                }
                orderer = known
            } else {
                guard isNew else {
                    throw ConfigurationError(
                        "\(file.file): \(header) is not an orderer in the directory (see `mailbatch orderers`); check the name, or add new = true to define a new orderer"
                    )
                }
                orderer = Orderer(name: name)
            }
            try read(section, into: &orderer, file: file.file)
            if !overrides { orderer.source = try section.string("source") ?? "table" }
            try section.rejectUnknownKeys()
            existing[name] = orderer
        }
    }

    private static func read(_ s: TOMLSection, into o: inout Orderer, file: String) throws(ConfigurationError) {
        let header = "[\(s.name)]"
        if let prefecture = try s.string("prefecture") { o.prefecture = prefecture }
        if let title = try s.string("title") { o.title = title }
        if let adopted = try s.string("adopted") {
            guard let date = CivilDate(iso: adopted + "-01") else {
                throw ConfigurationError("\(file): \(header) adopted = \"\(adopted)\" must be a month such as \"2024-10\"")
            }
            o.adopted = date
        }
        if let basis = try s.string("basis") {
            guard let value = Orderer.Basis(rawValue: basis) else {
                throw ConfigurationError("\(file): \(header) basis = \"\(basis)\" must be \"contract\" or \"public_notice\"")
            }
            o.basis = value
        }
        if let date = try s.date("works_from") { o.worksFrom = date }
        if let date = try s.date("consulting_from") { o.consultingFrom = date }
        if let label = try s.string("consulting_label") { o.consultingLabel = label }
        if let sureties = try s.strings("sureties") { o.sureties = sureties }
        o.apply(try rule(s, file: file))
        for (key, type) in typeTables {
            guard let table = try s.section(key) else { continue }
            o.typeRules[type] = (o.typeRules[type] ?? Orderer.Rule()).overlaid(by: try rule(table, file: file))
            try table.rejectUnknownKeys()
        }
        _ = try s.string("source")
    }

    /// Per-type tables: `["いちき串木野市".advance_payment]`.
    package static let typeTables: [(String, ContractRecord.GuaranteeType)] = [
        ("advance_payment", .advancePayment), ("interim_advance_payment", .interimAdvancePayment), ("contract", .contract),
    ]

    /// The keys an orderer's table and a per-type table share.
    private static func rule(_ s: TOMLSection, file: String) throws(ConfigurationError) -> Orderer.Rule {
        let header = "[\(s.name)]"
        var rule = Orderer.Rule()
        if let methods = try s.strings("submission") {
            var parsed: [Orderer.Submission] = []
            for method in methods {
                guard let value = Orderer.Submission(rawValue: method) else {
                    let known = Orderer.Submission.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                    throw ConfigurationError("\(file): \(header) submission \"\(method)\" is not one of \(known)")
                }
                parsed.append(value)
            }
            rule.submission = parsed
        }
        rule.department = try s.string("department")
        if let printout = try s.string("certificate_printout") {
            guard let value = Orderer.CertificatePrintout(rawValue: printout) else {
                throw ConfigurationError("\(file): \(header) certificate_printout = \"\(printout)\" must be \"submit\" or \"not_accepted\"")
            }
            rule.certificatePrintout = value
        }
        rule.withAdvanceClaim = try s.bool("with_advance_claim")
        rule.instructions = try s.string("instructions")
        if let emails = try s.strings("email") {
            for email in emails where !EmailAddress.isPlainAddrSpec(email) {
                throw ConfigurationError("\(file): \(header) email \"\(email)\" is not a plain e-mail address (local@domain)")
            }
            rule.emails = emails
        }
        if let subject = try s.string("subject") {
            try SubjectTemplate.check(subject, key: "subject", in: s)
            rule.subject = subject
        }
        if let attachments = try s.string("attachments") {
            guard let value = Orderer.Attachments(rawValue: attachments) else {
                throw ConfigurationError("\(file): \(header) attachments = \"\(attachments)\" must be \"pdf\" or \"none\"")
            }
            rule.attachments = value
        }
        if let fields = try s.strings("required_fields") {
            for field in fields where Orderer.requirableFields[field] == nil {
                let known = Orderer.requirableFields.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                throw ConfigurationError("\(file): \(header) required_fields: \"\(field)\" is not a field an orderer can require (\(known))")
            }
            rule.requiredFields = fields
        }
        try OrdererArrivalKeys.read(s, into: &rule, file: file)
        return rule
    }
}
