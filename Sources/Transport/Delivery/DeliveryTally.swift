/// What one delivery pass did.
package struct DeliveryTally: Sendable, Equatable {
    package var sent = 0
    package var deferred = 0
    package var failed = 0
    /// Messages not yet due (waiting for their next attempt time).
    package var waiting = 0
    /// Envelopes that could not be read and were set aside in `held/`.
    package var held = 0
    /// Messages of a superseded version or a revoked certificate, withdrawn instead of sent.
    package var withdrawn = 0
    /// The server could not be reached often enough in a row that the pass gave up.
    package var serverUnreachable = false

    package init(sent: Int = 0, deferred: Int = 0, failed: Int = 0, waiting: Int = 0, held: Int = 0, withdrawn: Int = 0, serverUnreachable: Bool = false) {
        self.sent = sent
        self.deferred = deferred
        self.failed = failed
        self.waiting = waiting
        self.held = held
        self.withdrawn = withdrawn
        self.serverUnreachable = serverUnreachable
    }
}
