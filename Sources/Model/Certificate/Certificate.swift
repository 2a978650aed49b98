package import Support

/// The 電子証書: what a 保証証書 shows and no more (no premium, no e-mail address), when it was
/// issued, and a digest of the key (never the key).
package struct Certificate: Sendable, Codable, Equatable {
    package static let schema = "mailbatch.certificate/v1"
    /// Members that say which keys open the certificate: kept in the spool's copy for `verify`, left out
    /// of the signed manifest and of the copy the orderer receives.
    package static let credentialMembers: Set<String> = ["key_digest", "revoked_key_digests"]

    /// Whether the certificate stands; `revoke` ends it for good.
    package enum State: String, Sendable, Codable {
        case valid, revoked
        /// 解約: ended on the contractor's request with the orderer's consent (a last, signed version).
        case cancelled
    }

    /// 変更第N号 as the certificate states it (the additional premium is not on it).
    package struct Amendment: Sendable, Codable, Equatable {
        package let number: Int
        package let concludedOn: CivilDate
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case number, reason
            case concludedOn = "concluded_on"
        }

        package init(number: Int, concludedOn: CivilDate, reason: String? = nil) {
            self.number = number
            self.concludedOn = concludedOn
            self.reason = reason
        }
    }

    /// One row of a change's 変更内容: the item as the certificate labels it, before and after.
    package struct Change: Sendable, Codable, Equatable {
        /// The record's field, e.g. `guarantee.amount`.
        package let field: String
        package let item: String
        package let before: String
        package let after: String

        package init(field: String, item: String, before: String, after: String) {
            self.field = field
            self.item = item
            self.before = before
            self.after = after
        }
    }

    /// An earlier version, as the current one lists it: enough to show the 変更履歴 and to tie an
    /// earlier version's data file to this one by its signature.
    package struct Version: Sendable, Codable, Equatable {
        package let version: Int
        package let issuedAt: String
        package var amendment: Amendment?
        package var changes: [Change]?
        /// The short fingerprint of that version's signature, when it was signed.
        package var fingerprint: String?

        package enum CodingKeys: String, CodingKey {
            case version, amendment, changes, fingerprint
            case issuedAt = "issued_at"
        }

        package init(version: Int, issuedAt: String, amendment: Amendment? = nil, changes: [Change]? = nil, fingerprint: String? = nil) {
            self.version = version
            self.issuedAt = issuedAt
            self.amendment = amendment
            self.changes = changes
            self.fingerprint = fingerprint
        }
    }

    package struct Obligee: Sendable, Codable, Equatable {
        package let name: String
        package let title: String

        package init(name: String, title: String) {
            self.name = name
            self.title = title
        }
    }

    /// 保証契約者 as the certificate names it.
    package struct Principal: Sendable, Codable, Equatable {
        package let name: String
        package let representative: String
        package let address: String

        package init(name: String, representative: String, address: String) {
            self.name = name
            self.representative = representative
            self.address = address
        }
    }

    package struct Project: Sendable, Codable, Equatable {
        package let name: String
        package let location: String
        package let category: ContractRecord.Category
        /// 当初契約日
        package let contractOn: CivilDate
        package let period: DatePeriod
        package let contractAmount: Int64
        /// The orderer's own number for the project; absent (not null) when the record has none.
        package var ordererRef: String? = nil

        package enum CodingKeys: String, CodingKey {
            case name, location, category, period
            case contractOn = "contract_on"
            case contractAmount = "contract_amount"
            case ordererRef = "orderer_ref"
        }

        package init(
            name: String, location: String, category: ContractRecord.Category, contractOn: CivilDate, period: DatePeriod, contractAmount: Int64,
            ordererRef: String? = nil
        ) {
            self.name = name
            self.location = location
            self.category = category
            self.contractOn = contractOn
            self.period = period
            self.contractAmount = contractAmount
            self.ordererRef = ordererRef
        }
    }

    package struct Guarantee: Sendable, Codable, Equatable {
        package let amount: Int64
        package let period: DatePeriod

        package init(amount: Int64, period: DatePeriod) {
            self.amount = amount
            self.period = period
        }
    }

    package let schema: String
    package let contractNumber: String
    package let guaranteeType: ContractRecord.GuaranteeType
    package let guaranteeTypeName: String
    package let concludedOn: CivilDate
    package var issuedAt: String
    package let surety: String
    package let obligee: Obligee
    package let principal: Principal
    package let project: Project
    package let guarantee: Guarantee
    package var keyDigest: String
    package var state: State
    /// Digests of keys replaced by `reissue-key`: verify refuses them and says so.
    package var revokedKeyDigests: [String]?
    package var keyReissuedAt: String?
    package var revokedAt: String?
    package var revocationReason: String?
    /// 1 for the first issue (absent in certificates issued before versions existed), N+1 for 変更第N号.
    package var version: Int?
    package var amendment: Amendment?
    /// What this version changed against the one before it.
    package var changes: [Change]?
    /// The earlier versions, oldest first.
    package var versions: [Version]?
    package var cancelledOn: CivilDate?
    package var cancellationReason: String?
    package var cancelledAt: String?

    package var currentVersion: Int { version ?? 1 }

    package enum CodingKeys: String, CodingKey {
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

    package init(record: ContractRecord, ordererTitle: String, surety: String, issuedAt: String, keyDigest: String) {
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
    package func listedVersions(fingerprint: String?) -> [Version] {
        (versions ?? []) + [Version(version: currentVersion, issuedAt: issuedAt, amendment: amendment, changes: changes, fingerprint: fingerprint)]
    }
}

/// The labels a 保証証書 prints, decided once for documents, mails and `verify`.
extension Certificate {
    package var placeLabel: String { project.category == .works ? "工事場所" : "履行場所" }
    package var periodLabel: String { project.category == .works ? "工期" : "履行期間" }
    package var contractAmountLabel: String { project.category == .works ? "請負代金額" : "業務委託料" }
    /// The row of the orderer's own number: 工事番号, or 業務番号 for consulting.
    package var ordererRefLabel: String { project.category == .works ? "工事番号" : "業務番号" }

    /// 保証金額, or 保証金額（前払金額） as advance-payment certificates label it.
    package var guaranteeAmountLabel: String {
        switch guaranteeType {
        case .advancePayment: "保証金額（前払金額）"
        case .interimAdvancePayment: "保証金額（中間前払金額）"
        case .contract, .contractReservation: "保証金額"
        }
    }
}

extension JSONValue {
    /// The certificate data as the orderer receives it: without the key digests.
    package var withoutCredentials: JSONValue {
        guard case .object(var members) = self else { return self }
        for name in Certificate.credentialMembers { members[name] = nil }
        return .object(members)
    }
}

extension CertificateSigner {
    /// `certificate.json` as written: signed when a key is configured. A failure to sign throws, so a
    /// certificate is never issued unsigned by accident.
    package static func document(_ certificate: Certificate, signedBy signer: CertificateSigner?) throws -> JSONValue {
        let plain = try JSONValue.from(certificate)
        guard let signer else { return plain }
        return try CertificateSignature.sign(plain, with: try signer.key())
    }
}
