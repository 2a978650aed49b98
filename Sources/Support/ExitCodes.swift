/// The exit codes mailbatch promises (README.md, the table of exit codes of `mailbatch run`).
package enum ExitCodes {
    package static let success: Int32 = 0
    /// Something needs a person: a record was rejected, a message failed for good.
    package static let attention: Int32 = 1
    /// Usage or configuration error; no input was consumed.
    package static let usage: Int32 = 2
    /// Temporary (EX_TEMPFAIL): locked, deferred, or the spool could not be written; run again later.
    package static let temporary: Int32 = 75
}
