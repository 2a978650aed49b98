package import Model
package import Store
package import Support

/// What `show` and `status` say of the orderer's confirmations of receipt.
package enum ReceiptReport {
    /// `show`: 「発注者受領確認: 令和…（client、clerk）」 or 未確認.
    package static func line(_ spool: Spool, _ c: Certificate) -> String {
        guard let receipt = spool.currentReceipt(of: c) else { return "発注者受領確認: 未確認\n" }
        let clerk = receipt.clerk.isEmpty ? "" : "、\(receipt.clerk)"
        return "発注者受領確認: \(JapaneseFormat.warekiHoursMinutes(epochSeconds: receipt.at))（\(receipt.client)\(clerk)）\n"
    }

    /// `status`: confirmed and unconfirmed certificates (the current version of each), and those
    /// mailed to the orderer and unconfirmed after `[notify] unconfirmed_after_days`.
    package static func count(
        _ spool: Spool, scan: ContractScan? = nil, into inventory: inout SpoolInventory, unconfirmedAfterSeconds: Int?, now: Int
    ) throws(FileSystemError) {
        for number in try spool.confirmedContracts() {
            if let (c, _, _) = ContractFolder(path: spool.contractFolder(number)).readCertificate(), spool.currentReceipt(of: c) != nil {
                inventory.receiptConfirmed += 1
            }
        }
        inventory.receiptUnconfirmed = max(0, inventory.issued - inventory.receiptConfirmed)
        guard let after = unconfirmedAfterSeconds else { return }
        inventory.unconfirmedOverdue = try overdue(spool, scan: scan, afterSeconds: after, now: now)
    }

    /// Mailed to the orderer (the current version's mail, its latest sending) `afterSeconds` ago or
    /// more, still valid, and not confirmed.
    package static func overdue(_ spool: Spool, scan: ContractScan? = nil, afterSeconds: Int, now: Int) throws(FileSystemError) -> [UnviewedCertificates.Entry]
    {
        var out: [UnviewedCertificates.Entry] = []
        for contract in try ContractScan.reuse(scan, of: spool).entries {
            let folder = contract.folder
            guard let (file, latest) = contract.latestOrdererSending, now - latest >= afterSeconds,
                let (c, _, _) = folder.readCertificate(), c.state == .valid, spool.currentReceipt(of: c) == nil
            else { continue }
            let envelope = try? Envelope.decode(PosixFS.read("\(folder.sent)/\(file)"))
            out.append(UnviewedCertificates.Entry(contractNumber: contract.number, sentAt: JST.iso8601(epochSeconds: latest), to: envelope?.to ?? []))
        }
        return out
    }

    /// The lines `status` prints.
    package static func text(_ inventory: SpoolInventory) -> String {
        let count = String(inventory.receiptConfirmed).leftPadded(to: 6, with: " ")
        var out = "  \("confirmed".padding(toLength: 12))\(count)  (receipt confirmed by the orderer; unconfirmed \(inventory.receiptUnconfirmed))\n"
        for entry in inventory.unconfirmedOverdue {
            out +=
                "  not confirmed: \(entry.contractNumber), mailed to \(entry.to.joined(separator: ", ")) at \(entry.sentAt); ask the orderer whether it arrived\n"
        }
        return out
    }
}
