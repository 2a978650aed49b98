/// The four PDFs issued for each contract: their template, file in the spool, and attachment name.
package enum DocumentKind: String, CaseIterable, Sendable {
    case keyNotice = "key-notice"
    case certificate = "certificate"
    case premiumStatement = "premium-statement"
    case receipt = "receipt"

    package var template: String { "document-\(rawValue)" }
    package var fileName: String { "\(rawValue).pdf" }

    package func title(for certificate: Certificate) -> String {
        let base =
            switch self {
            case .keyNotice: "電子証書閲覧用「認証キー」等のお知らせ"
            case .certificate: "\(certificate.guaranteeTypeName)証書"
            case .premiumStatement: "保証料計算書"
            case .receipt: "保証料領収書"
            }
        return base + (certificate.amendment.map { "（変更第\($0.number)号）" } ?? "")
    }

    /// The Japanese attachment name, e.g. `保証証書_R07-4621-000123.pdf`.
    package func attachmentName(for certificate: Certificate) -> String {
        let stem =
            switch self {
            case .keyNotice: "電子証書閲覧用「認証キー」等のお知らせ"
            case .certificate: "保証証書"
            case .premiumStatement: "保証料計算書"
            case .receipt: "保証料領収書"
            }
        return "\(stem)_\(certificate.contractNumber)\(certificate.amendment.map { "_変更第\($0.number)号" } ?? "").pdf"
    }

    /// The certificate data's attachment name; a change's carries its number, so the files of each
    /// version saved into one folder never overwrite each other.
    package static func dataAttachmentName(for certificate: Certificate) -> String {
        "電子証書データ_\(certificate.contractNumber)\(certificate.amendment.map { "_変更第\($0.number)号" } ?? "").json"
    }
}
