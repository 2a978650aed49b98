/// Where one input file ended up.
package enum RecordOutcome: Sendable, Equatable {
    case issued(contractNumber: String, orderer: String)
    /// A crashed run had committed the contract; this run finished queuing its mail.
    case completed(contractNumber: String)
    case paper(reason: String)
    case rejected(reason: String)
    case duplicate(contractNumber: String)
    /// Building its certificate, documents or mails failed for this record: set aside in `held/`
    /// with the error; nothing was issued, and the run went on with the others.
    case held(reason: String)
    /// A change (変更第N号) was issued as a new version.
    case amended(contractNumber: String, amendment: Int)
    /// The contract's certificate is now 解約.
    case cancelled(contractNumber: String)
    /// A change or cancellation whose predecessor is not issued yet: set aside in `waiting/`.
    case waiting(reason: String)
    /// Its signatures could not be timestamped (the TSA did not answer): nothing was issued, the file
    /// stays in `processing/`, and the next run issues it.
    case postponed(reason: String)
}

extension RecordOutcome {
    /// The contract whose new version (and its mail) this outcome committed and queued.
    package var committedContract: String? {
        switch self {
        case .issued(let number, _), .completed(let number), .amended(let number, _), .cancelled(let number): number
        default: nil
        }
    }
}
