package import MIME
package import Model
package import Store
import Support

/// The premium papers (保証料計算書, 保証料領収書) of earlier versions whose contractor mail was never
/// sent: that mail is withdrawn at delivery (`SendPermission`), so the next version's contractor mail
/// carries them and no receipt is lost. A copy the contractor may get twice (a mail that was going out
/// as the change came) costs nothing; a receipt never received costs a phone call.
package enum EarlierPapers {
    package static func unsent(in folder: ContractFolder, current: Certificate) -> [MailMessage.Attachment] {
        let sent = (try? PosixFS.list(folder.sent)) ?? []
        var out: [MailMessage.Attachment] = []
        for version in 1...current.currentVersion {
            let key = MessageKey(contract: current.contractNumber, version: version, role: .contractor)
            if sent.contains(where: key.isSentFile) { continue }
            let place = version == current.currentVersion ? folder : folder.version(version)
            guard let (c, _, _) = place.readCertificate() else { continue }
            for kind in [DocumentKind.premiumStatement, .receipt] {
                guard let bytes = try? PosixFS.read("\(place.documents)/\(kind.fileName)") else { continue }
                let reference = DocumentReference(version: version, file: kind.fileName, size: bytes.count, sha256: SHA256Hex.of(bytes))
                out.append(.init(filename: kind.attachmentName(for: c), contentType: "application/pdf", bytes: bytes, reference: reference))
            }
        }
        return out
    }
}
