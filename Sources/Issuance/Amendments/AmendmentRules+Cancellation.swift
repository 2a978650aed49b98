package import Model
package import Support

/// Whether a cancellation (解約) of an issued contract is issued, is a duplicate, or is refused: the
/// rules of docs/amendments.md for cancellations.
extension AmendmentRules {
    package enum CancellationDecision: Equatable {
        /// Issue it as the next version (same key).
        case issue
        case duplicate
        case reject(RecordRejection)
    }

    /// A contract is cancelled once (the same cancellation again is a duplicate), never when revoked,
    /// from a day no earlier than the version it cancels and no later than today (in Japan).
    package static func decide(_ cancellation: Cancellation, current c: Certificate, today: CivilDate) -> CancellationDecision {
        let number = cancellation.contractNumber
        switch c.state {
        case .cancelled:
            if c.cancelledOn == cancellation.concludedOn && c.cancellationReason == cancellation.reason { return .duplicate }
            return .reject(
                RecordRejection(
                    path: "$.concluded_on",
                    "contract \(number) was already cancelled from \(c.cancelledOn?.description ?? "?") (\(c.cancellationReason ?? "no reason given")); a cancellation is issued once"
                ))
        case .revoked:
            return .reject(RecordRejection(path: "$.contract_number", "contract \(number) is revoked (失効); there is nothing to cancel"))
        case .valid: break
        }
        let previousDay = c.amendment?.concludedOn ?? c.concludedOn
        if cancellation.concludedOn < previousDay {
            return .reject(
                RecordRejection(path: "$.concluded_on", "\(cancellation.concludedOn) is before the day of the version it cancels (\(previousDay))"))
        }
        if cancellation.concludedOn > today {
            return .reject(RecordRejection(path: "$.concluded_on", "\(cancellation.concludedOn) is in the future (today is \(today) in Japan)"))
        }
        return .issue
    }
}
