/// How an orderer wants the arrival of the key notice confirmed, and whose certificates it takes.
extension Orderer {
    /// `arrival_confirmation`: the contractor phones after sending (津市, 四国中央市, 本巣市), or the
    /// orderer's clerk confirms receipt in the viewer and the contractor is mailed.
    package enum ArrivalConfirmation: Sendable, Equatable {
        case phone(String)
        case viewer
    }

    /// The values `arrival-confirmation.mustache` reads: one sentence for the contractor's mail.
    package var arrivalContext: [String: Any] {
        switch arrival {
        case .phone(let number): ["arrival_phone": number]
        case .viewer: ["arrival_viewer": true]
        case nil: [:]
        }
    }

    /// Whether the orderer accepts certificates of `surety` (the operator's `[mail] surety_name`):
    /// an orderer that names no surety takes any; a name matches when the surety's name contains it.
    package func accepts(surety: String?) -> Bool {
        guard let surety, !sureties.isEmpty else { return true }
        return sureties.contains { surety.contains($0) }
    }
}
