/// The 電子証書: every fact a 保証証書 shows, when it was issued, and a digest of the key (never the key).
struct Certificate: Sendable, Codable, Equatable {
    static let schema = "mailbatch.certificate/v1"

    struct Obligee: Sendable, Codable, Equatable {
        let name: String
        let title: String
    }

    let schema: String
    let contractNumber: String
    let guaranteeType: ContractRecord.GuaranteeType
    let guaranteeTypeName: String
    let concludedOn: CivilDate
    let issuedAt: String
    let surety: String
    let obligee: Obligee
    let principal: ContractRecord.Contractor
    let project: ContractRecord.Project
    let guarantee: ContractRecord.Guarantee
    var keyDigest: String
    /// `valid` or `revoked`.
    var state: String
    /// Digests of keys replaced by `reissue-key`: verify refuses them and says so.
    var revokedKeyDigests: [String]?
    var keyReissuedAt: String?
    var revokedAt: String?
    var revocationReason: String?

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
        principal = record.contractor
        project = record.project
        guarantee = record.guarantee
        self.keyDigest = keyDigest
        state = "valid"
    }
}
