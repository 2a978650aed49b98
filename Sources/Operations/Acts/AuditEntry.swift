import Support

/// One operator action attempt in the audit log: who, when, from where, what, why, and how it ended.
/// Never a key: the actions write only what the operator gave and what the spool answered.
package struct AuditEntry: Codable, Sendable, Equatable {
    /// When, in Japan time (`2026-12-05T16:21:00+09:00`).
    package var at: String
    /// The operator's account or login name.
    package var actor: String
    /// `cli` or `desk`.
    package var channel: String
    /// The client's IP address, or `local`.
    package var address: String
    /// `resend`, `retry`, `reissue-key`, `revoke`, `release`, or what the desk refused (`sign-in`, …).
    package var action: String
    /// The 保証契約番号 acted on, if any.
    package var contract: String?
    /// What within it: the mail and its new addresses, a held record's name.
    package var target: String?
    package var reason: String
    /// `started` (written before the action is done), then `done`, `refused: …` or `failed: …`.
    package var outcome: String
    /// Ties an action's `started` line to its outcome line; nil for an attempt refused before it began.
    package var id: String?

    package init(
        at: String, actor: String, channel: String, address: String, action: String, contract: String? = nil, target: String? = nil,
        reason: String, outcome: String, id: String? = nil
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.channel = channel
        self.address = address
        self.action = action
        self.contract = contract
        self.target = target
        self.reason = reason
        self.outcome = outcome
    }

    package init(
        epochSeconds: Int, actor: OperatorActor, action: String, contract: String? = nil, target: String? = nil, reason: String, outcome: String,
        id: String? = nil
    ) {
        self.init(
            at: JST.iso8601(epochSeconds: epochSeconds), actor: actor.name, channel: actor.channel.rawValue, address: actor.address,
            action: action, contract: contract, target: target, reason: reason, outcome: outcome, id: id)
    }

    /// The outcome of an action that was done.
    package static let done = "done"
    /// The first line of an action, written before anything changes.
    package static let started = "started"
    /// What a reader of the log sees for an action whose outcome line is missing.
    package static let noOutcome =
        "started, no outcome recorded: still running, or the process ended during it (the contract's history says whether it was done)"

    /// A fresh id for an action's two lines.
    package static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 16).leftPadded(to: 16)
    }
}
