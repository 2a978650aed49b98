import Issuance
package import Model
package import Store
package import Support

/// A change (変更) or a cancellation (解約) in `incoming/`: decided against the contract's current
/// version (`AmendmentRules`), then issued as the next version, set aside to wait for its predecessor,
/// sent to paper with its contract, or rejected naming the field.
extension RecordProcessor {
    package func processAmendment(_ name: String, _ record: ContractRecord, source: [UInt8]) throws -> RecordOutcome {
        guard let amendment = record.amendment else { return try reject(name, RecordRejection("not a change record")) }
        let number = record.contractNumber
        let folder = ContractFolder(path: spool.contractFolder(number))
        guard PosixFS.exists(folder.path) else { return try notIssuedYet(name, number, what: "変更第\(amendment.number)号") }
        guard let current = Issuer.Current(folder) else {
            return try hold(name, because: "the certificate or record of the issued contract \(number) cannot be read (contracts/\(number)/)")
        }
        let today = JST.components(epochSeconds: now()).date
        let normalized = Array(try SpoolJSON.encode(record))
        let currentVersion = current.certificate.currentVersion
        let decision = AmendmentRules.decide(
            record, normalized: normalized, current: current.certificate, previous: current.record,
            stored: { version in try? PosixFS.read(version == currentVersion ? folder.record : folder.version(version).record) }, today: today)
        switch decision {
        case .duplicate: return try markDuplicate(name, number)
        case .reject(let rejection): return try reject(name, rejection)
        case .wait(let reason): return try wait(name, because: reason)
        case .issue(let changes, let mailOnly):
            let orderer: Orderer
            switch IssuancePolicy.decideChange(
                record, issued: current.certificate, in: directory, today: today, branches: issuer.builder.configuration.branches)
            {
            case .issue(let found, _): orderer = found
            case .reject(let rejection): return try reject(name, rejection)
            case .paper(let reason): return try routeToPaper(name, reason: reason)
            }
            do {
                _ = try issuer.builder.stages.measure("issue") { () throws(Issuer.Failure) in
                    try issuer.amend(record, orderer: orderer, normalized: normalized, source: source, current: current, changes: changes, mailOnly: mailOnly)
                }
            } catch {
                switch error {
                case .fileSystem(let fs): throw fs
                case .template(let message), .unreadable(let message): return try hold(name, because: message)
                case .timestampUnavailable(let message): return postpone(name, because: message)
                case .alreadyIssued: return try hold(name, because: "contract \(number) changed while this change was issued; move the file back to incoming/")
                }
            }
            try finishClaimed(name)
            logger.info("changed", metadata: ["file": "\(name)", "contract": "\(number)", "amendment": "\(amendment.number)"])
            return .amended(contractNumber: number, amendment: amendment.number)
        }
    }

    package func processCancellation(_ name: String, _ cancellation: Cancellation, source: [UInt8]) throws -> RecordOutcome {
        let number = cancellation.contractNumber
        let folder = ContractFolder(path: spool.contractFolder(number))
        guard PosixFS.exists(folder.path) else { return try notIssuedYet(name, number, what: "the cancellation") }
        guard let current = Issuer.Current(folder) else {
            return try hold(name, because: "the certificate or record of the issued contract \(number) cannot be read (contracts/\(number)/)")
        }
        let c = current.certificate
        switch AmendmentRules.decide(cancellation, current: c, today: JST.components(epochSeconds: now()).date) {
        case .duplicate: return try markDuplicate(name, number)
        case .reject(let rejection): return try reject(name, rejection)
        case .issue: break
        }
        let (orderer, _) = IssuancePolicy.decideForIssued(current.record, issued: c, in: directory)
        do {
            _ = try issuer.cancel(cancellation, orderer: orderer, source: source, current: current)
        } catch {
            switch error {
            case .fileSystem(let fs): throw fs
            case .template(let message), .unreadable(let message): return try hold(name, because: message)
            case .timestampUnavailable(let message): return postpone(name, because: message)
            case .alreadyIssued: return try hold(name, because: "contract \(number) changed while it was cancelled; move the file back to incoming/")
            }
        }
        try finishClaimed(name)
        logger.info("cancelled", metadata: ["file": "\(name)", "contract": "\(number)"])
        return .cancelled(contractNumber: number)
    }

    /// The contract is not issued here: a change of a contract that went to paper goes to paper too;
    /// anything else waits for the contract.
    private func notIssuedYet(_ name: String, _ number: String, what: String) throws -> RecordOutcome {
        if let file = spool.paperRecord(of: number) {
            return try routeToPaper(
                name, reason: "保証契約 \(number) は書面で交付しています（paper/\(file)）。変更・解約も書面で行います（当初と同じ方法）")
        }
        return try wait(name, because: "\(what) of \(number) waits for the contract, which is not issued yet")
    }

    /// Sets the file aside in `waiting/`; each run looks at it again (`WaitingRecords`).
    package func wait(_ name: String, because reason: String) throws(FileSystemError) -> RecordOutcome {
        let time = now()
        let days = issuer.builder.configuration.amendmentWaitDays
        let note =
            "file: \(name)\nwaiting since: \(JST.iso8601(epochSeconds: time))\n\nreason: \(reason)\n\nEach run looks at it again and takes it up as soon as what it waits for is issued (in the same run, too). After \(days) days ([amendments] wait_days) it goes to rejected/.\nwaiting-since-epoch: \(time)\n"
        try setAside(name, in: spool.waiting, note: note, suffix: ".wait.txt")
        logger.notice("waiting", metadata: ["file": "\(name)", "reason": "\(reason)"])
        return .waiting(reason: reason)
    }

    private func finishClaimed(_ name: String) throws(FileSystemError) {
        try PosixFS.remove("\(spool.processing)/\(name)")
        try PosixFS.syncDirectory(spool.processing)
    }
}

extension Spool {
    /// The file in `paper/` that holds this contract, if one does (read only when a change or a
    /// cancellation names a contract that is not issued, which is rare).
    package func paperRecord(of number: String) -> String? {
        for file in (try? PosixFS.list(paper)) ?? [] where !file.hasPrefix(".") && !file.hasSuffix(".txt") {
            guard case .bytes(let bytes)? = try? PosixFS.readRegularFile("\(paper)/\(file)", limit: ContractValidator.maximumFileSize),
                case .object(let top)? = try? StrictJSONParser.parse(bytes), case .string(number)? = top["contract_number"]
            else { continue }
            return file
        }
        return nil
    }
}
