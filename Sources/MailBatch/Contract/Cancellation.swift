/// 解約: the contractor's request to end the guarantee, with the orderer's consent (保証事業法 §18),
/// as upstream drops it into `incoming/` (`mailbatch.cancellation/v1`).
struct Cancellation: Sendable, Hashable, Codable {
    static let schema = "mailbatch.cancellation/v1"

    var schema = Cancellation.schema
    let contractNumber: String
    /// The day the cancellation was agreed: the guarantee ends from this day.
    let concludedOn: CivilDate
    var reason: String? = nil

    enum CodingKeys: String, CodingKey {
        case schema, reason
        case contractNumber = "contract_number"
        case concludedOn = "concluded_on"
    }
}

/// What a file in `incoming/` can be: a contract (first issue or a change of one) or a cancellation.
enum IncomingRecord: Sendable {
    case contract(ContractRecord)
    case cancellation(Cancellation)

    var contractNumber: String {
        switch self {
        case .contract(let record): record.contractNumber
        case .cancellation(let cancellation): cancellation.contractNumber
        }
    }
}
