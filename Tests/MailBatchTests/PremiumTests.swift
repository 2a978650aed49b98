import Testing

@testable import Issuance
@testable import Model
@testable import Support

@Suite("Premium and the e-Net discount")
struct PremiumTests {
    typealias T = ContractRecord.GuaranteeType

    @Test(
        "200 yen off for e-Net 前払金/中間前払金 of 3,000,000 yen or more; never for 契約保証, never below zero",
        arguments: [
            (T.advancePayment, ContractRecord.Channel.eNet, Int64(3_000_000), Int64(10_000), Int64(200)),
            (.advancePayment, .eNet, 2_999_999, 10_000, 0),
            (.interimAdvancePayment, .eNet, 3_000_000, 10_000, 200),
            (.interimAdvancePayment, .eNet, 2_999_999, 10_000, 0),
            (.contract, .eNet, 50_000_000, 10_000, 0),
            (.advancePayment, .counter, 50_000_000, 10_000, 0),
            (.interimAdvancePayment, .counter, 3_000_000, 10_000, 0),
            (.advancePayment, .eNet, 3_000_000, 150, 150),
            (.advancePayment, .eNet, 3_000_000, 200, 200),
        ])
    func discount(type: T, channel: ContractRecord.Channel, amount: Int64, premium: Int64, discount: Int64) {
        let p = Premium(guaranteeType: type, channel: channel, amount: amount, premium: premium)
        #expect(p.discount == discount)
        #expect(p.total == premium - discount)
        #expect(p.total >= 0)
    }
}
