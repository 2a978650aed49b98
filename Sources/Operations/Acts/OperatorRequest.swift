import Support

/// Who asked for an action and why, as the contract's history names them.
package struct OperatorRequest: Sendable, Equatable {
    package let actor: OperatorActor
    package let reason: String

    package init(actor: OperatorActor, reason: String) {
        self.actor = actor
        self.reason = reason
    }

    /// `山田 via desk from 10.0.0.5, reason: 宛先訂正`: one line, whatever the reason holds.
    package var phrase: String { "\(actor.phrase), reason: \(LineLogHandler.oneLine(reason))" }
}
