/// The 電子証書: what a 保証証書 shows and no more (no premium, no e-mail address), when it was
/// issued, and a digest of the key (never the key).
struct Certificate: Sendable, Codable, Equatable {
    static let schema = "mailbatch.certificate/v1"
    /// Members that say which keys open the certificate: kept in the spool's copy for `verify`, left out
    /// of the signed manifest and of the copy the orderer receives.
    static let credentialMembers: Set<String> = ["key_digest", "revoked_key_digests"]

    /// Whether the certificate stands; `revoke` ends it for good.
    enum State: String, Sendable, Codable {
        case valid, revoked
        /// 解約: ended on the contractor's request with the orderer's consent (a last, signed version).
        case cancelled
    }

    /// 変更第N号 as the certificate states it (the additional premium is not on it).
    struct Amendment: Sendable, Codable, Equatable {
        let number: Int
        let concludedOn: CivilDate
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case number, reason
            case concludedOn = "concluded_on"
        }
    }

    /// One row of a change's 変更内容: the item as the certificate labels it, before and after.
    struct Change: Sendable, Codable, Equatable {
        /// The record's field, e.g. `guarantee.amount`.
        let field: String
        let item: String
        let before: String
        let after: String
    }

    /// An earlier version, as the current one lists it: enough to show the 変更履歴 and to tie an
    /// earlier version's data file to this one by its signature.
    struct Version: Sendable, Codable, Equatable {
        let version: Int
        let issuedAt: String
        var amendment: Amendment?
        var changes: [Change]?
        /// The short fingerprint of that version's signature, when it was signed.
        var fingerprint: String?

        enum CodingKeys: String, CodingKey {
            case version, amendment, changes, fingerprint
            case issuedAt = "issued_at"
        }
    }

    struct Obligee: Sendable, Codable, Equatable {
        let name: String
        let title: String
    }

    /// 保証契約者 as the certificate names it.
    struct Principal: Sendable, Codable, Equatable {
        let name: String
        let representative: String
        let address: String
    }

    struct Project: Sendable, Codable, Equatable {
        let name: String
        let location: String
        let category: ContractRecord.Category
        /// 当初契約日
        let contractOn: CivilDate
        let period: DatePeriod
        let contractAmount: Int64
        /// The orderer's own number for the project; absent (not null) when the record has none.
        var ordererRef: String? = nil

        enum CodingKeys: String, CodingKey {
            case name, location, category, period
            case contractOn = "contract_on"
            case contractAmount = "contract_amount"
            case ordererRef = "orderer_ref"
        }
    }

    struct Guarantee: Sendable, Codable, Equatable {
        let amount: Int64
        let period: DatePeriod
    }

    let schema: String
    let contractNumber: String
    let guaranteeType: ContractRecord.GuaranteeType
    let guaranteeTypeName: String
    let concludedOn: CivilDate
    var issuedAt: String
    let surety: String
    let obligee: Obligee
    let principal: Principal
    let project: Project
    let guarantee: Guarantee
    var keyDigest: String
    var state: State
    /// Digests of keys replaced by `reissue-key`: verify refuses them and says so.
    var revokedKeyDigests: [String]?
    var keyReissuedAt: String?
    var revokedAt: String?
    var revocationReason: String?
    /// 1 for the first issue (absent in certificates issued before versions existed), N+1 for 変更第N号.
    var version: Int?
    var amendment: Amendment?
    /// What this version changed against the one before it.
    var changes: [Change]?
    /// The earlier versions, oldest first.
    var versions: [Version]?
    var cancelledOn: CivilDate?
    var cancellationReason: String?
    var cancelledAt: String?

    var currentVersion: Int { version ?? 1 }

    enum CodingKeys: String, CodingKey {
        case schema, surety, obligee, principal, project, guarantee, state
        case contractNumber = "contract_number"
        case guaranteeType = "guarantee_type"
        case guaranteeTypeName = "guarantee_type_name"
        case concludedOn = "concluded_on"
        case issuedAt = "issued_at"
        case keyDigest = "key_digest"
        case revokedKeyDigests = "revoked_key_digests"
        case keyReissuedAt = "key_reissued_at"
        case revokedAt = "revoked_at"
        case revocationReason = "revocation_reason"
        case version, amendment, changes, versions
        case cancelledOn = "cancelled_on"
        case cancellationReason = "cancellation_reason"
        case cancelledAt = "cancelled_at"
    }

    init(record: ContractRecord, ordererTitle: String, surety: String, issuedAt: String, keyDigest: String) {
        schema = Self.schema
        contractNumber = record.contractNumber
        guaranteeType = record.guaranteeType
        guaranteeTypeName = record.guaranteeType.japaneseName
        concludedOn = record.concludedOn
        self.issuedAt = issuedAt
        self.surety = surety
        obligee = Obligee(name: record.orderer.name, title: ordererTitle)
        let c = record.contractor
        principal = Principal(name: c.name, representative: c.representative, address: c.address)
        let p = record.project
        project = Project(
            name: p.name, location: p.location, category: p.category, contractOn: p.contractOn, period: p.period,
            contractAmount: p.contractAmount, ordererRef: p.ordererRef)
        guarantee = Guarantee(amount: record.guarantee.amount, period: record.guarantee.period)
        self.keyDigest = keyDigest
        state = .valid
    }
}

extension Certificate {
    /// The versions a successor lists: this one's earlier versions, then this one.
    func listedVersions(fingerprint: String?) -> [Version] {
        (versions ?? []) + [Version(version: currentVersion, issuedAt: issuedAt, amendment: amendment, changes: changes, fingerprint: fingerprint)]
    }
}

/// The labels a 保証証書 prints, decided once for documents, mails and `verify`.
extension Certificate {
    var placeLabel: String { project.category == .works ? "工事場所" : "履行場所" }
    var periodLabel: String { project.category == .works ? "工期" : "履行期間" }
    var contractAmountLabel: String { project.category == .works ? "請負代金額" : "業務委託料" }
    /// The row of the orderer's own number: 工事番号, or 業務番号 for consulting.
    var ordererRefLabel: String { project.category == .works ? "工事番号" : "業務番号" }

    /// 保証金額, or 保証金額（前払金額） as advance-payment certificates label it.
    var guaranteeAmountLabel: String {
        switch guaranteeType {
        case .advancePayment: "保証金額（前払金額）"
        case .interimAdvancePayment: "保証金額（中間前払金額）"
        case .contract, .contractReservation: "保証金額"
        }
    }
}

extension JSONValue {
    /// The certificate data as the orderer receives it: without the key digests.
    var withoutCredentials: JSONValue {
        guard case .object(var members) = self else { return self }
        for name in Certificate.credentialMembers { members[name] = nil }
        return .object(members)
    }
}

extension CertificateSigner {
    /// `certificate.json` as written: signed when a key is configured. A failure to sign throws, so a
    /// certificate is never issued unsigned by accident.
    static func document(_ certificate: Certificate, signedBy signer: CertificateSigner?) throws -> JSONValue {
        let plain = try JSONValue.from(certificate)
        guard let signer else { return plain }
        return try CertificateSignature.sign(plain, with: try signer.key())
    }
}
