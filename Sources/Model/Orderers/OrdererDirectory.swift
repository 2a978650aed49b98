package import Support

/// The orderers mailbatch knows: the shipped directory with the operator's overrides applied.
package struct OrdererDirectory: Sendable {
    package let orderers: [String: Orderer]
    /// The newest adoption date the shipped directory knows of (`as_of` at its top).
    package var asOf: CivilDate?
    /// The operator's surety (`[mail] surety_name`): orderers that accept only other sureties'
    /// certificates do not apply (`Orderer.accepts(surety:)`).
    package var surety: String?

    package static let asOfKey = "as_of"

    package func orderer(named name: String) -> Orderer? { orderers[name] }

    /// The record's orderer with the rules for its guarantee type applied.
    package func orderer(for record: ContractRecord) -> Orderer? { orderers[record.orderer.name]?.rules(for: record.guaranteeType) }

    package static func load(overrides: String?) throws(ConfigurationError) -> OrdererDirectory {
        let shipped: String
        do {
            shipped = try DataFiles.ordererFile()
        } catch {
            throw ConfigurationError(error.description)
        }
        var orderers: [String: Orderer] = [:]
        let shippedFile = try TOMLSection.read(shipped, what: "the shipped orderer directory")
        let asOf = try shippedFile.date(asOfKey)
        try OrdererFileParser.apply(shippedFile, to: &orderers, overrides: false)
        if let overrides {
            try OrdererFileParser.apply(try TOMLSection.read(overrides, what: "the orderer file"), to: &orderers, overrides: true)
        }
        return OrdererDirectory(orderers: orderers, asOf: asOf)
    }

    /// Orderers sorted by prefecture (national first), then by name: those that accept the surety's certificates.
    package var sorted: [Orderer] {
        orderers.values.filter { $0.accepts(surety: surety) }.sorted { ($0.prefecture, $0.name) < ($1.prefecture, $1.name) }
    }

    package init(orderers: [String: Orderer], asOf: CivilDate? = nil, surety: String? = nil) {
        self.orderers = orderers
        self.asOf = asOf
        self.surety = surety
    }
}
