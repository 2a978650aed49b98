package import Support

/// 解約: the contractor's request to end the guarantee, with the orderer's consent (保証事業法 §18),
/// as upstream drops it into `incoming/` (`mailbatch.cancellation/v1`).
package struct Cancellation: Sendable, Hashable, Codable {
    package static let schema = "mailbatch.cancellation/v1"

    package var schema = Cancellation.schema
    package let contractNumber: String
    /// The day the cancellation was agreed: the guarantee ends from this day.
    package let concludedOn: CivilDate
    package var reason: String? = nil

    package enum CodingKeys: String, CodingKey {
        case schema, reason
        case contractNumber = "contract_number"
        case concludedOn = "concluded_on"
    }
}

/// What a file in `incoming/` can be: a contract (first issue or a change of one) or a cancellation.
package enum IncomingRecord: Sendable {
    case contract(ContractRecord)
    case cancellation(Cancellation)

    package var contractNumber: String {
        switch self {
        case .contract(let record): record.contractNumber
        case .cancellation(let cancellation): cancellation.contractNumber
        }
    }
}
