package import Model

/// The premium as the 保証料計算書 states it: the base premium, the e-Net discount, the total due.
///
/// Applications through e-Net get 200 yen off, once per application, for a 前払金保証 (中間前払金
/// included) whose guarantee amount is 3,000,000 yen or more; never for 契約保証, and never below zero.
package struct Premium: Sendable, Equatable, Codable {
    package static let eNetDiscount: Int64 = 200
    package static let eNetThreshold: Int64 = 3_000_000

    package let base: Int64
    package let discount: Int64
    package var total: Int64 { base - discount }

    package init(base: Int64, discount: Int64) {
        self.base = base
        self.discount = discount
    }

    package init(guaranteeType: ContractRecord.GuaranteeType, channel: ContractRecord.Channel, amount: Int64, premium: Int64) {
        let qualifies =
            channel == .eNet
            && (guaranteeType == .advancePayment || guaranteeType == .interimAdvancePayment)
            && amount >= Self.eNetThreshold
        self.init(base: premium, discount: qualifies ? min(Self.eNetDiscount, premium) : 0)
    }

    package init(_ record: ContractRecord) {
        self.init(
            guaranteeType: record.guaranteeType, channel: record.application.channel, amount: record.guarantee.amount,
            premium: record.guarantee.premium)
    }
}
