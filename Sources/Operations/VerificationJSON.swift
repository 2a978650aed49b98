package import Model
import Store
package import Support

/// What `verify --json` prints: the verdict first — which version the key opened, which version is
/// current, and a state that says superseded, cancelled or revoked when it is so — and the signed
/// certificate of the version the key opened, unchanged (so it still verifies offline).
package enum VerificationJSON {
    /// `state` is `valid`, `superseded` (the key opened an earlier version), `cancelled` or `revoked`.
    package static func make(opened: Certificate, document: JSONValue, current: Certificate?) -> JSONValue {
        let latest = current ?? opened
        var state = opened.state.rawValue
        if latest.state == .cancelled {
            state = Certificate.State.cancelled.rawValue
        } else if latest.state == .revoked {
            state = Certificate.State.revoked.rawValue
        } else if latest.currentVersion != opened.currentVersion {
            state = "superseded"
        }
        var out: [String: JSONValue] = [
            "contract_number": .string(opened.contractNumber),
            "state": .string(state),
            "key_version": .number("\(opened.currentVersion)"),
            "current_version": .number("\(latest.currentVersion)"),
            "certificate": document,
        ]
        if let day = latest.cancelledOn { out["cancelled_on"] = .string(day.description) }
        if let reason = latest.cancellationReason { out["cancellation_reason"] = .string(reason) }
        if let at = latest.revokedAt { out["revoked_at"] = .string(at) }
        return .object(out)
    }
}
