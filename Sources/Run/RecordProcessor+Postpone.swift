extension RecordProcessor {
    /// The time-stamp authority did not answer: nothing was committed, so the claimed file stays in
    /// `processing/`, where the next run takes it up first. No unsigned document goes out meanwhile.
    package func postpone(_ name: String, because reason: String) -> RecordOutcome {
        logger.error("held for the time-stamp authority; the next run issues it", metadata: ["file": "\(name)", "error": "\(reason)"])
        return .postponed(reason: reason)
    }
}
