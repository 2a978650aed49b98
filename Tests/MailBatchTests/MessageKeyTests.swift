import Testing

@testable import Model
@testable import Support

/// One key per message: every name it has in the spool, and parsing its Message-ID and VERP token back.
@Suite struct MessageKeyTests {
    @Test func firstIssueKeepsTheNamesOfEarlierReleases() {
        let key = MessageKey(contract: "R07-4621-000123", role: .contractor)
        #expect(key.emlName == "contractor.eml")
        #expect(key.queueName == "R07-4621-000123.contractor.json")
        #expect(key.messagePath == "contracts/R07-4621-000123/messages/contractor.plan")
        #expect(key.sentName(epoch: 1_700_000_000) == "contractor.1700000000.json")
    }

    @Test func aLaterVersionNeverCollidesWithTheFirst() {
        let first = MessageKey(contract: "R07-4621-000123", role: .orderer)
        let second = MessageKey(contract: "R07-4621-000123", version: 2, role: .orderer)
        #expect(second.queueName == "R07-4621-000123.v2.orderer.json")
        #expect(second.emlName == "v2.orderer.eml")
        #expect(first.queueName != second.queueName && first.emlName != second.emlName)
        #expect(first.isSentFile("orderer.1700000000.json") && !first.isSentFile("v2.orderer.1700000000.json"))
        #expect(second.isSentFile("v2.orderer.1700000000.json") && !second.isSentFile("orderer.1700000000.json"))
        #expect(MessageKey.sentEpoch("v2.orderer.1700000000.json") == 1_700_000_000)
    }

    @Test(arguments: [1, 2, 17])
    func messageIDsAndTokensParseBack(version: Int) {
        let key = MessageKey(contract: "R07-4621-000123", version: version, role: .viewNotice)
        #expect(MessageKey.parse(messageID: key.messageID(domain: "example.jp")) == key)
        // A token of an earlier mailbatch (a Message-ID's local part) still names its sending.
        #expect(ReturnPath.parse(token: key.unique()) == .sending(key))
    }

    @Test(arguments: [
        "R07-4621-000123.contractor.xyz@example.jp", "R07-4621-000123.v1.contractor.00112233aabbccdd@example.jp",
        "R07-4621-000123.vx.contractor.00112233aabbccdd@example.jp", "bad number.contractor.00112233aabbccdd@example.jp",
        "R07-4621-000123.someone.00112233aabbccdd@example.jp", "R07-4621-000123.contractor.00112233aabbccdd",
    ])
    func foreignIDsAreNotMailbatchs(id: String) {
        #expect(MessageKey.parse(messageID: id) == nil)
    }
}
