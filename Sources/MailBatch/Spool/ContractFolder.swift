/// The files of one issued contract under `contracts/<保証契約番号>/`.
struct ContractFolder: Sendable {
    let path: String

    var record: String { path + "/record.json" }
    var source: String { path + "/source.json" }
    var certificate: String { path + "/certificate.json" }
    var key: String { path + "/key" }
    var documents: String { path + "/documents" }
    var messages: String { path + "/messages" }
    var sent: String { path + "/sent" }
    var history: String { path + "/history.log" }
    /// Written once every message of the contract is in the outbox: the contract is fully handled.
    var queuedMarker: String { path + "/queued" }

    func message(_ role: MessageRole) -> String { "\(messages)/\(role).eml" }
    func envelope(_ role: MessageRole) -> String { "\(messages)/\(role).json" }
}
