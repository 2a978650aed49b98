import Model
package import Store
package import Support

/// Certificates whose key notice was e-mailed to the orderer but that the orderer has not viewed
/// `afterSeconds` after that mail was sent: `status` lists them, the operator summary reports each
/// once (docs/orderers.md: A confirmed arrival).
package enum UnviewedCertificates {
    package struct Entry: Sendable, Codable, Equatable {
        package let contractNumber: String
        /// When the orderer's mail of the current version was accepted.
        package let sentAt: String
        package let to: [String]

        package enum CodingKeys: String, CodingKey {
            case to
            case contractNumber = "contract_number"
            case sentAt = "sent_at"
        }

        package init(contractNumber: String, sentAt: String, to: [String]) {
            self.contractNumber = contractNumber
            self.sentAt = sentAt
            self.to = to
        }
    }

    /// - Parameter scan: the run's one pass over `contracts/`, when it has one.
    package static func find(_ spool: Spool, scan: ContractScan? = nil, afterSeconds: Int, now: Int) throws(FileSystemError) -> [Entry] {
        var out: [Entry] = []
        for contract in try ContractScan.reuse(scan, of: spool).entries {
            // The current version's orderer mail (`orderer.<epoch>.json`, `v2.orderer.<epoch>.json`): its latest sending.
            guard let (file, latest) = contract.latestOrdererSending, now - latest >= afterSeconds else { continue }
            let folder = contract.folder
            guard let (certificate, _, _) = folder.readCertificate(), certificate.state == .valid, spool.currentView(of: certificate) == nil
            else { continue }
            let envelope = try? Envelope.decode(PosixFS.read("\(folder.sent)/\(file)"))
            out.append(Entry(contractNumber: contract.number, sentAt: JST.iso8601(epochSeconds: latest), to: envelope?.to ?? []))
        }
        return out
    }
}
