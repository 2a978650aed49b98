/// The orderers mailbatch knows: the shipped directory with the operator's overrides applied.
struct OrdererDirectory: Sendable {
    let orderers: [String: Orderer]

    func orderer(named name: String) -> Orderer? { orderers[name] }

    static func load(overrides: String?) throws(ConfigurationError) -> OrdererDirectory {
        let shipped: String
        do {
            shipped = try DataFiles.ordererFile()
        } catch {
            throw ConfigurationError(error.description)
        }
        var orderers: [String: Orderer] = [:]
        try OrdererFileParser.apply(try TOMLSection.read(shipped, what: "the shipped orderer directory"), to: &orderers, overrides: false)
        if let overrides {
            try OrdererFileParser.apply(try TOMLSection.read(overrides, what: "the orderer file"), to: &orderers, overrides: true)
        }
        return OrdererDirectory(orderers: orderers)
    }

    /// Orderers sorted by prefecture (national first), then by name.
    var sorted: [Orderer] {
        orderers.values.sorted { ($0.prefecture, $0.name) < ($1.prefecture, $1.name) }
    }
}
