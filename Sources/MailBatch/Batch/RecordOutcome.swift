/// Where one input file ended up.
enum RecordOutcome: Sendable, Equatable {
    case issued(contractNumber: String, orderer: String)
    /// A crashed run had committed the contract; this run finished queuing its mail.
    case completed(contractNumber: String)
    case paper(reason: String)
    case rejected(reason: String)
    case duplicate(contractNumber: String)
}
