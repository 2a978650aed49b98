/// What one delivery pass did.
struct DeliveryTally: Sendable, Equatable {
    var sent = 0
    var deferred = 0
    var failed = 0
    /// Messages not yet due (waiting for their next attempt time).
    var waiting = 0
    /// Envelopes that could not be read and were set aside in `held/`.
    var held = 0
    /// Messages of a superseded version or a revoked certificate, withdrawn instead of sent.
    var withdrawn = 0
    /// The server could not be reached often enough in a row that the pass gave up.
    var serverUnreachable = false
}
