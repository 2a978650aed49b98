/// Why an operator action did not happen; the command line maps it to an exit code, the desk to a page.
package enum OperatorActionError: Error, CustomStringConvertible {
    /// Bad input (no reason, an unknown contract, not an address, nothing held by that name): what to do instead.
    case refused(String)
    /// A `mailbatch run` (or another action) holds the spool lock.
    case busy
    /// The underlying operation failed.
    case failed(any Error)

    package var description: String {
        switch self {
        case .refused(let message): message
        case .busy: "a mailbatch run (or another operator action) holds the spool lock; nothing was changed; try again in a minute"
        case .failed(let error): "\(error)"
        }
    }

    /// The audit log's outcome for this error.
    package var outcome: String {
        switch self {
        case .refused, .busy: "refused: \(description)"
        case .failed: "failed: \(description)"
        }
    }
}
