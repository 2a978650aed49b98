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
    /// `done`, `refused: …` or `failed: …`.
    package var outcome: String

    package init(
        at: String, actor: String, channel: String, address: String, action: String, contract: String? = nil, target: String? = nil,
        reason: String, outcome: String
    ) {
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
        epochSeconds: Int, actor: OperatorActor, action: String, contract: String? = nil, target: String? = nil, reason: String, outcome: String
    ) {
        self.init(
            at: JST.iso8601(epochSeconds: epochSeconds), actor: actor.name, channel: actor.channel.rawValue, address: actor.address,
            action: action, contract: contract, target: target, reason: reason, outcome: outcome)
    }

    /// The outcome of an action that was done.
    package static let done = "done"
}
