package import Model
package import Store

/// Whether a queued message may still go out, decided from the contract's current certificate: the
/// one check the run's delivery pass and the `DeliveryPump` both make (each through `OutboxWorker`)
/// right before a message is sent. A message of a revoked certificate, or of a version a change or a
/// cancellation has since superseded, is withdrawn — unless its role outlives its version (a view
/// notice stays true). What only a withdrawn mail carried (an earlier premium's 計算書 and 領収書)
/// goes with the newer version's mail (`EarlierPapers`), so nothing is lost.
package enum SendPermission: Equatable {
    case send
    case withdraw(String)

    package static func check(_ envelope: Envelope, in spool: Spool) -> Self {
        guard envelope.role.endsWithItsVersion else { return .send }
        let folder = ContractFolder(path: spool.contractFolder(envelope.contractNumber))
        // An unreadable certificate is not this check's to judge: the message goes as queued.
        guard let (current, _, _) = folder.readCertificate() else { return .send }
        if current.state == .revoked {
            return .withdraw("the certificate was revoked (失効) on \(current.revokedAt ?? "?"); its mail is not sent")
        }
        guard envelope.key.version < current.currentVersion else { return .send }
        let by =
            current.state == .cancelled
            ? "the cancellation (解約) from \(current.cancelledOn?.description ?? "?")"
            : (current.amendment.map { "変更第\($0.number)号" } ?? "a later version")
        return .withdraw(
            "superseded before it was sent: version \(envelope.key.version) was replaced by version \(current.currentVersion) (\(by)), whose mail goes instead and carries what only this one had"
        )
    }
}

extension MessageRole {
    /// A key mail is true only for its version; a view or receipt notice stays true after a change.
    package var endsWithItsVersion: Bool { self != .viewNotice && self != .receiptNotice }
}

extension Envelope {
    /// A withdrawn message's name in the contract's `sent/`: `withdrawn.v1.contractor.<time>.json`
    /// (never taken for a sending by `MessageKey.isSentFile`).
    package static func withdrawnName(_ key: MessageKey, epoch: Int) -> String { "withdrawn.\(key.stem).\(epoch).json" }

    package static func isWithdrawnName(_ file: String) -> Bool { file.hasPrefix("withdrawn.") }
}
