import OrdererData
import TOMLKit

/// The orderers mailbatch knows: the shipped directory with the operator's overrides applied.
struct OrdererDirectory: Sendable {
    let orderers: [String: Orderer]

    func orderer(named name: String) -> Orderer? { orderers[name] }

    static func load(overrides: String?) throws(ConfigurationError) -> OrdererDirectory {
        guard let shipped = ShippedOrdererDirectory.file?.path else {
            throw ConfigurationError("the shipped orderer directory (orderers.toml) is missing next to the mailbatch binary; reinstall it")
        }
        var orderers: [String: Orderer] = [:]
        try OrdererFileParser.apply(try parse(shipped), file: shipped, to: &orderers, overrides: false)
        if let overrides {
            try OrdererFileParser.apply(try parse(overrides), file: overrides, to: &orderers, overrides: true)
        }
        return OrdererDirectory(orderers: orderers)
    }

    private static func parse(_ path: String) throws(ConfigurationError) -> TOMLTable {
        guard let bytes = try? PosixFS.read(path), let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError("cannot read the orderer file \(path)")
        }
        do {
            return try TOMLTable(string: TOMLBareKeys.quoted(text))
        } catch let error as TOMLParseError {
            throw ConfigurationError("\(path): line \(error.source.begin.line): \(error.description)")
        } catch {
            throw ConfigurationError("\(path): \(error)")
        }
    }

    /// Orderers sorted by prefecture (national first), then by name.
    var sorted: [Orderer] {
        orderers.values.sorted { ($0.prefecture, $0.name) < ($1.prefecture, $1.name) }
    }
}
