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

    package static func find(_ spool: Spool, afterSeconds: Int, now: Int) throws(FileSystemError) -> [Entry] {
        var out: [Entry] = []
        for number in try PosixFS.list(spool.contracts).filter({ !$0.hasPrefix(".") }).sorted() {
            let folder = ContractFolder(path: spool.contractFolder(number))
            // The current version's orderer mail (`orderer.<epoch>.json`, `v2.orderer.<epoch>.json`): its latest sending.
            // Only a contract with earlier versions needs its certificate read to know which version is current.
            let version = PosixFS.isDirectory(folder.versions) ? folder.currentVersion : 1
            let key = MessageKey(contract: number, version: version, role: .orderer)
            let sent = ((try? PosixFS.list(folder.sent)) ?? []).filter(key.isSentFile)
            guard let latest = sent.map(MessageKey.sentEpoch).max(), now - latest >= afterSeconds,
                let file = sent.first(where: { MessageKey.sentEpoch($0) == latest })
            else { continue }
            guard let (certificate, _, _) = folder.readCertificate(), certificate.state == .valid, spool.currentView(of: certificate) == nil
            else { continue }
            let envelope = try? Envelope.decode(PosixFS.read("\(folder.sent)/\(file)"))
            out.append(Entry(contractNumber: number, sentAt: JST.iso8601(epochSeconds: latest), to: envelope?.to ?? []))
        }
        return out
    }
}
