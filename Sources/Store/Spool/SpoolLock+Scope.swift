extension Spool {
    /// Runs a change to the spool while holding the run lock, taken without waiting (another holder:
    /// `SpoolLock.Failure.heldByAnotherRun`), so it never races a `mailbatch run`; like a run, it
    /// refuses a spool whose format is not this version's (`upgrade` and `backup` do not ask).
    package func withLock<T>(checkFormat: Bool = true, _ body: () throws -> T) throws -> T {
        let lock = try SpoolLock(path: lockFile)
        return try withExtendedLifetime(lock) {
            if checkFormat { try SpoolFormat.check(self) }
            return try body()
        }
    }
}
