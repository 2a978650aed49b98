/// One concluded guarantee contract, as validated from a `mailbatch.contract/v1` file.
struct ContractRecord: Sendable, Hashable, Codable {
    static let schema = "mailbatch.contract/v1"

    enum GuaranteeType: String, Sendable, Hashable, Codable, CaseIterable {
        case advancePayment = "advance_payment"
        case interimAdvancePayment = "interim_advance_payment"
        case contract = "contract"
        case contractReservation = "contract_reservation"

        /// The name printed on documents: 前払金保証, 中間前払金保証, 契約保証, 契約保証予約.
        var japaneseName: String {
            switch self {
            case .advancePayment: "前払金保証"
            case .interimAdvancePayment: "中間前払金保証"
            case .contract: "契約保証"
            case .contractReservation: "契約保証予約"
            }
        }

        var isEligibleForElectronicDelivery: Bool { self != .contractReservation }
    }

    enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        case eNet = "e-net"
        case counter
    }

    enum Delivery: String, Sendable, Hashable, Codable, CaseIterable {
        case electronic
        case paper
    }

    enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        case works
        case consulting

        /// 工事 or 業務: what the project is called on documents.
        var projectLabel: String { self == .works ? "工事" : "業務" }
    }

    struct Application: Sendable, Hashable, Codable {
        let channel: Channel
        let delivery: Delivery
    }

    struct Contractor: Sendable, Hashable, Codable {
        let name: String
        let representative: String
        let address: String
        let email: String
        /// Who at the contractor the orderer's clerk can call (三重県 asks for it in the mail).
        var contactPerson: String? = nil
        var phone: String? = nil

        enum CodingKeys: String, CodingKey {
            case name, representative, address, email, phone
            case contactPerson = "contact_person"
        }
    }

    struct Orderer: Sendable, Hashable, Codable {
        let name: String
        let title: String?
    }

    struct Project: Sendable, Hashable, Codable {
        let name: String
        let location: String
        let category: Category
        let publicNoticeOn: CivilDate?
        let contractOn: CivilDate
        let period: DatePeriod
        let contractAmount: Int64
        /// The orderer's own number for the project (工事番号, 施行番号, 「第12号」), up to 40 characters.
        var ordererRef: String? = nil

        enum CodingKeys: String, CodingKey {
            case name, location, category, period
            case ordererRef = "orderer_ref"
            case publicNoticeOn = "public_notice_on"
            case contractOn = "contract_on"
            case contractAmount = "contract_amount"
        }
    }

    struct Guarantee: Sendable, Hashable, Codable {
        let amount: Int64
        let period: DatePeriod
        let premium: Int64
        /// The day the premium was received (the receipt's date); `concluded_on` when not given.
        var premiumPaidOn: CivilDate? = nil

        enum CodingKeys: String, CodingKey {
            case amount, period, premium
            case premiumPaidOn = "premium_paid_on"
        }
    }

    var schema = ContractRecord.schema
    let contractNumber: String
    let guaranteeType: GuaranteeType
    let concludedOn: CivilDate
    let application: Application
    let contractor: Contractor
    let orderer: Orderer
    let project: Project
    let guarantee: Guarantee
    /// The office named in `[branches."…"]` that answers for this contract; the `[branch]` one when nil.
    var branch: String? = nil
    /// Set when the record is a change (変更) of an issued contract: its complete new state plus this.
    var amendment: Amendment? = nil

    enum CodingKeys: String, CodingKey {
        case contractNumber = "contract_number"
        case guaranteeType = "guarantee_type"
        case concludedOn = "concluded_on"
        case schema, application, contractor, orderer, project, guarantee, branch, amendment
    }

    /// 変更第N号: what a change record adds to the contract's new state.
    struct Amendment: Sendable, Hashable, Codable {
        /// 1, 2, … consecutive per contract; the version it makes is `number + 1`.
        let number: Int
        /// The day the change was agreed.
        let concludedOn: CivilDate
        var reason: String? = nil
        /// 追加保証料 in whole yen, 0 when none.
        let premium: Int64

        enum CodingKeys: String, CodingKey {
            case number, reason, premium
            case concludedOn = "concluded_on"
        }
    }
}
