package import Support

/// One concluded guarantee contract, as validated from a `mailbatch.contract/v1` file.
package struct ContractRecord: Sendable, Hashable, Codable {
    package static let schema = "mailbatch.contract/v1"

    package enum GuaranteeType: String, Sendable, Hashable, Codable, CaseIterable {
        case advancePayment = "advance_payment"
        case interimAdvancePayment = "interim_advance_payment"
        case contract = "contract"
        case contractReservation = "contract_reservation"

        /// The name printed on documents: 前払金保証, 中間前払金保証, 契約保証, 契約保証予約.
        package var japaneseName: String {
            switch self {
            case .advancePayment: "前払金保証"
            case .interimAdvancePayment: "中間前払金保証"
            case .contract: "契約保証"
            case .contractReservation: "契約保証予約"
            }
        }

        package var isEligibleForElectronicDelivery: Bool { self != .contractReservation }
    }

    package enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        case eNet = "e-net"
        case counter
    }

    package enum Delivery: String, Sendable, Hashable, Codable, CaseIterable {
        case electronic
        case paper
    }

    package enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        case works
        case consulting

        /// 工事 or 業務: what the project is called on documents.
        package var projectLabel: String { self == .works ? "工事" : "業務" }
    }

    package struct Application: Sendable, Hashable, Codable {
        package let channel: Channel
        package let delivery: Delivery

        package init(channel: Channel, delivery: Delivery) {
            self.channel = channel
            self.delivery = delivery
        }
    }

    package struct Contractor: Sendable, Hashable, Codable {
        package let name: String
        package let representative: String
        package let address: String
        package let email: String
        /// Who at the contractor the orderer's clerk can call (三重県 asks for it in the mail).
        package var contactPerson: String? = nil
        package var phone: String? = nil

        package enum CodingKeys: String, CodingKey {
            case name, representative, address, email, phone
            case contactPerson = "contact_person"
        }

        package init(name: String, representative: String, address: String, email: String, contactPerson: String? = nil, phone: String? = nil) {
            self.name = name
            self.representative = representative
            self.address = address
            self.email = email
            self.contactPerson = contactPerson
            self.phone = phone
        }
    }

    package struct Orderer: Sendable, Hashable, Codable {
        package let name: String
        package let title: String?

        package init(name: String, title: String?) {
            self.name = name
            self.title = title
        }
    }

    package struct Project: Sendable, Hashable, Codable {
        package let name: String
        package let location: String
        package let category: Category
        package let publicNoticeOn: CivilDate?
        package let contractOn: CivilDate
        package let period: DatePeriod
        package let contractAmount: Int64
        /// The orderer's own number for the project (工事番号, 施行番号, 「第12号」), up to 40 characters.
        package var ordererRef: String? = nil

        package enum CodingKeys: String, CodingKey {
            case name, location, category, period
            case ordererRef = "orderer_ref"
            case publicNoticeOn = "public_notice_on"
            case contractOn = "contract_on"
            case contractAmount = "contract_amount"
        }

        package init(
            name: String, location: String, category: Category, publicNoticeOn: CivilDate?, contractOn: CivilDate, period: DatePeriod, contractAmount: Int64,
            ordererRef: String? = nil
        ) {
            self.name = name
            self.location = location
            self.category = category
            self.publicNoticeOn = publicNoticeOn
            self.contractOn = contractOn
            self.period = period
            self.contractAmount = contractAmount
            self.ordererRef = ordererRef
        }
    }

    package struct Guarantee: Sendable, Hashable, Codable {
        package let amount: Int64
        package let period: DatePeriod
        package let premium: Int64
        /// The day the premium was received (the receipt's date); `concluded_on` when not given.
        package var premiumPaidOn: CivilDate? = nil

        package enum CodingKeys: String, CodingKey {
            case amount, period, premium
            case premiumPaidOn = "premium_paid_on"
        }

        package init(amount: Int64, period: DatePeriod, premium: Int64, premiumPaidOn: CivilDate? = nil) {
            self.amount = amount
            self.period = period
            self.premium = premium
            self.premiumPaidOn = premiumPaidOn
        }
    }

    package var schema = ContractRecord.schema
    package let contractNumber: String
    package let guaranteeType: GuaranteeType
    package let concludedOn: CivilDate
    package let application: Application
    package let contractor: Contractor
    package let orderer: Orderer
    package let project: Project
    package let guarantee: Guarantee
    /// The office named in `[branches."…"]` that answers for this contract; the `[branch]` one when nil.
    package var branch: String? = nil
    /// Set when the record is a change (変更) of an issued contract: its complete new state plus this.
    package var amendment: Amendment? = nil

    package enum CodingKeys: String, CodingKey {
        case contractNumber = "contract_number"
        case guaranteeType = "guarantee_type"
        case concludedOn = "concluded_on"
        case schema, application, contractor, orderer, project, guarantee, branch, amendment
    }

    /// 変更第N号: what a change record adds to the contract's new state.
    package struct Amendment: Sendable, Hashable, Codable {
        /// 1, 2, … consecutive per contract; the version it makes is `number + 1`.
        package let number: Int
        /// The day the change was agreed.
        package let concludedOn: CivilDate
        package var reason: String? = nil
        /// 追加保証料 in whole yen, 0 when none.
        package let premium: Int64

        package enum CodingKeys: String, CodingKey {
            case number, reason, premium
            case concludedOn = "concluded_on"
        }

        package init(number: Int, concludedOn: CivilDate, reason: String? = nil, premium: Int64) {
            self.number = number
            self.concludedOn = concludedOn
            self.reason = reason
            self.premium = premium
        }
    }
}
