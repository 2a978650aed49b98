package import Config
import Foundation
import Model
package import Store
import Support

/// The operator's actions on the spool, one entry point for the command line and the desk: each
/// checks its input, takes the spool lock without waiting, does what `Requeue`, `KeyReissue` or the
/// store does, names the operator and the reason in the contract's history, and writes one line to
/// the audit log for every attempt, done, refused or failed.
package struct OperatorActions: Sendable {
    package let configuration: Configuration
    package let actor: OperatorActor
    package let now: @Sendable () -> Int

    package init(configuration: Configuration, actor: OperatorActor, now: @escaping @Sendable () -> Int = { WallClock.epochSeconds() }) {
        self.configuration = configuration
        self.actor = actor
        self.now = now
    }

    private var spool: Spool { configuration.spool }

    /// Queues a contract's notification(s) again; with `address`, to that corrected address.
    package func resend(_ number: String, to target: Requeue.Target, address: String?, cc: Requeue.CcChange?, reason: String) throws(OperatorActionError)
        -> [String]
    {
        var what = target.rawValue
        if let address { what += " to \(address)" }
        switch cc {
        case .replace(let copy)?: what += " cc \(copy)"
        case .drop?: what += " without cc"
        case nil: break
        }
        return try act("resend", contract: number, target: what, reason: reason) { (request: OperatorRequest) throws(OperatorActionError) -> [String] in
            try requireContract(number)
            if case .replace(let copy)? = cc { try requireAddress(copy, as: "Cc") }
            if let address { try requireAddress(address, as: "corrected") }
            if address != nil || cc != nil, target == .all {
                throw .refused("a corrected address or Cc applies to one mail: choose the contractor's or the orderer's (--to contractor or --to orderer)")
            }
            return try locked { try Requeue(spool: spool, now: now).resend(number, to: target, address: address, cc: cc, by: request) }
        }
    }

    /// Makes deferred mail due now and puts failed mail back in the outbox: one contract's, or all (nil).
    package func retry(_ number: String?, reason: String) throws(OperatorActionError) -> [String] {
        try act("retry", contract: number, target: number == nil ? "all" : nil, reason: reason) {
            (request: OperatorRequest) throws(OperatorActionError) -> [String] in
            if let number { try requireContract(number) }
            return try locked { try Requeue(spool: spool, now: now).retry(number, by: request) }
        }
    }

    /// A new key (and key notice and mails) for the current version; the previous key is revoked.
    package func reissueKey(_ number: String, reason: String) throws(OperatorActionError) -> [String] {
        try act("reissue-key", contract: number, reason: reason) { (request: OperatorRequest) throws(OperatorActionError) -> [String] in
            try requireContract(number)
            return try locked { try KeyReissue(configuration: configuration, now: now).reissue(number, by: request) }
        }
    }

    /// Revokes (失効) the certificate; its queued mail is dropped.
    package func revoke(_ number: String, reason: String) throws(OperatorActionError) -> [String] {
        try act("revoke", contract: number, reason: reason) { (request: OperatorRequest) throws(OperatorActionError) -> [String] in
            try requireContract(number)
            return try locked { try KeyReissue(configuration: configuration, now: now).revoke(number, by: request) }
        }
    }

    /// Takes a held record back after its cause was corrected: the record to `incoming/` (the next run
    /// reads it again), its note to `released/`.
    package func releaseHeld(_ name: String, reason: String) throws(OperatorActionError) -> [String] {
        try act("release", contract: nil, target: name, reason: reason) { (request: OperatorRequest) throws(OperatorActionError) -> [String] in
            let store = ContractStore(spool: spool)
            switch store.heldEntry(name) {
            case .badName:
                throw .refused(
                    "give the name of a file in \(spool.held)/ as `mailbatch status` and the run's summary show it (no `/`, no `..`, not the .error.txt note)")
            case .notHeld:
                throw .refused("nothing is held as \(LineLogHandler.oneLine(name)); `ls \(spool.held)` lists what is held")
            case .envelope:
                throw .refused(
                    "held/\(name) is a mail envelope that could not be read, not a record; `mailbatch resend <番号>` queues that contract's stored mail again")
            case .record: break
            }
            let released = try locked { () throws -> ContractStore.Released in
                // Checked again under the lock: a run or another operator may have moved it meanwhile.
                guard store.heldEntry(name) == .record else { throw OperatorActionError.refused("held/\(name) was taken back meanwhile; nothing to do") }
                return try store.release(name, now: now())
            }
            var lines = ["held/\(name) is back in incoming/\(released.incoming); the next run reads it again"]
            if let note = released.note { lines.append("its note is kept as released/\(note)") }
            return lines
        }
    }

    /// The contract's current 認証キー, for an operator who must read it out (`show --reveal-key`): the
    /// reveal is in the history and the audit log before the key is handed back; the key itself is in
    /// neither. Takes no lock (it changes nothing but appends to the history), so it works during a run.
    package func revealKey(_ number: String, reason: String) throws(OperatorActionError) -> String {
        let lines = try act("reveal-key", contract: number, reason: reason) { (request: OperatorRequest) throws(OperatorActionError) -> [String] in
            try requireContract(number)
            let folder = ContractFolder(path: spool.contractFolder(number))
            do {
                let key = String(decoding: try PosixFS.read(folder.key), as: UTF8.self).trimmingSuffix { $0 == "\n" }
                try PosixFS.appendLine("\(JST.iso8601(epochSeconds: now())) key revealed to \(request.phrase)", to: folder.history)
                return [String(key)]
            } catch {
                throw .failed(error)
            }
        }
        return lines.joined()
    }

    // MARK: - The steps every action shares

    /// The reason recorded when the command line gave none, so that scripts from before reasons keep working.
    package static func reasonNotGiven(_ command: String) -> String { "not given (mailbatch \(command))" }

    /// The longest reason accepted, in characters.
    package static let reasonLimit = 500

    /// Why a reason is refused, if it is: empty, too long, or more than one line.
    package static func reasonProblem(_ reason: String) -> String? {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return "give a reason (why this is done); it is recorded in the contract's history and the audit log"
        }
        if let bad = reason.unicodeScalars.first(where: FieldReader.isForbidden) {
            return
                "the reason contains a line break or control character (U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4))); write it on one line"
        }
        if reason.count > reasonLimit { return "the reason is \(reason.count) characters long; at most \(reasonLimit) are kept: shorten it" }
        return nil
    }

    /// Runs one action: the reason checked, a `started` line written (no line, no action), the body
    /// run, and its outcome written under the same id whatever happened.
    private func act(
        _ action: String, contract: String?, target: String? = nil, reason: String,
        _ body: (OperatorRequest) throws(OperatorActionError) -> [String]
    ) throws(OperatorActionError) -> [String] {
        // Bounded fields keep each line a few KiB, one write(2) however hostile the input.
        func entry(_ reason: String, _ outcome: String, id: String?) -> AuditEntry {
            AuditEntry(
                epochSeconds: now(), actor: actor, action: action, contract: contract.map { String($0.prefix(64)) },
                target: target.map { String($0.prefix(300)) }, reason: reason, outcome: String(outcome.prefix(1000)), id: id)
        }
        func write(_ line: AuditEntry, after outcome: String) throws(OperatorActionError) {
            do {
                try AuditLog(spool: spool).append(line)
            } catch {
                throw .failed(AuditFailure(action: action, outcome: outcome, path: spool.auditLog, error: error))
            }
        }
        var refusal: (problem: String, audited: String)?
        if let problem = Self.reasonProblem(reason) {
            refusal = (problem, Self.auditedReason(reason))
        } else if KeyShape.containsKey(reason) || contract.map({ holdsKey(reason, of: $0) }) == true {
            refusal = (
                "the reason holds what looks like a 認証キー (20 letters and digits such as 7KQ4-MZ2D-…); a key is never written down: give the reason without it",
                "(withheld: it held what looks like a 認証キー)"
            )
        }
        if let refusal {
            let error = OperatorActionError.refused(refusal.problem)
            try write(entry(refusal.audited, error.outcome, id: nil), after: error.outcome)
            throw error
        }
        let id = AuditEntry.newID()
        try write(entry(reason, AuditEntry.started, id: id), after: "not started, nothing was changed")
        let result: Result<[String], OperatorActionError>
        do throws(OperatorActionError) {
            result = .success(try body(OperatorRequest(actor: actor, reason: reason)))
        } catch {
            result = .failure(error)
        }
        let outcome: String
        switch result {
        case .success: outcome = AuditEntry.done
        case .failure(let error): outcome = error.outcome
        }
        try write(entry(reason, outcome, id: id), after: outcome)
        return try result.get()
    }

    /// The reason as the audit log keeps it: at most the limit, one line.
    private static func auditedReason(_ reason: String) -> String {
        reason.count > reasonLimit ? String(reason.prefix(reasonLimit)) + "…(\(reason.count) characters)" : reason
    }

    /// Whether the text holds the contract's current 認証キー (with or without its hyphens), also inside
    /// a longer run of letters and digits that `KeyShape.containsKey` would not single out.
    private func holdsKey(_ text: String, of number: String) -> Bool {
        guard let folder = spool.issuedContract(number), let bytes = try? PosixFS.read(folder.key) else { return false }
        // NFKC first: a key typed in full-width letters and digits (as an IME gives them) is the same key.
        let key = String(decoding: bytes, as: UTF8.self).precomposedStringWithCompatibilityMapping.uppercased().filter { $0.isLetter || $0.isNumber }
        guard key.count >= 8 else { return false }
        return text.precomposedStringWithCompatibilityMapping.uppercased().filter { $0.isLetter || $0.isNumber }.contains(key)
    }

    private func requireContract(_ number: String) throws(OperatorActionError) {
        guard spool.issuedContract(number) != nil else {
            throw .refused(
                "no contract \(LineLogHandler.oneLine(number)) in the spool; check the number with `mailbatch status` or the desk's search (a contract in waiting/, rejected/ or paper/ is not issued)"
            )
        }
    }

    private func requireAddress(_ address: String, as what: String) throws(OperatorActionError) {
        guard EmailAddress.isPlainAddrSpec(address) else {
            throw .refused("the \(what) address \(LineLogHandler.oneLine(address)) is not a plain e-mail address (name@example.jp, no name or <>)")
        }
    }

    /// Runs the body under the spool lock, taken without waiting, after the spool's format check.
    private func locked<T>(_ body: () throws -> T) throws(OperatorActionError) -> T {
        do {
            return try spool.withLock(body)
        } catch let error as OperatorActionError {
            throw error
        } catch SpoolLock.Failure.heldByAnotherRun {
            throw .busy
        } catch let error as Spool.NotIssued {
            throw .refused(error.description)
        } catch let error as Requeue.Failure {
            throw .refused(error.description)
        } catch let error as KeyReissue.Failure {
            throw .refused(error.description)
        } catch {
            throw .failed(error)
        }
    }
}

/// An action whose audit line could not be written: the action's own outcome is in the message.
package struct AuditFailure: Error, CustomStringConvertible {
    package let action: String
    package let outcome: String
    package let path: String
    package let error: any Error

    package var description: String {
        "\(action): \(outcome); but the audit log \(path) could not be written (\(error)): make it writable by the user running mailbatch"
    }
}
