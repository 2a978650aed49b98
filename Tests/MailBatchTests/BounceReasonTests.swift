import Testing

@testable import MIME
@testable import Support
@testable import Transport

@Suite("Bounce reasons")
struct BounceReasonTests {
    @Test(
        "a reason from the status and the server's words, when sisimai did not read the report",
        arguments: [
            ("5.1.1", "", "userunknown"), ("5.1.2", "", "hostunknown"), ("4.2.2", "", "mailboxfull"), ("5.2.2", "", "mailboxfull"),
            ("5.0.0", "550 Unknown user x@example.jp", "userunknown"), ("5.0.0", "552 Mailbox full", "mailboxfull"),
            ("4.4.1", "connection timed out", "networkerror"), ("5.4.7", "", "expired"), ("5.7.1", "", "rejected"),
            ("5.7.1", "blocked using zen.spamhaus.example", "blocked"), ("5.3.4", "", "mesgtoobig"), ("5.9.9", "", "undefined"),
        ])
    func derived(_ status: String, _ diagnostic: String, _ reason: String) {
        #expect(BounceReason.derive(status: status, diagnostic: diagnostic) == reason)
    }

    @Test(
        "hard reasons mark the message bounced; soft ones queue it again",
        arguments: [
            ("userunknown", "5.1.1", false), ("hostunknown", "5.1.2", false), ("filtered", "5.0.0", false), ("spamdetected", "5.7.1", false),
            ("mailboxfull", "5.2.2", true), ("mailboxfull", "4.2.2", true), ("blocked", "5.7.1", true), ("toomanyconn", "4.7.0", true),
            ("undefined", "4.0.0", true), ("undefined", "5.0.0", false), ("", "4.4.1", true),
        ])
    func softOrHard(_ reason: String, _ status: String, _ soft: Bool) {
        #expect(BounceReason.isSoft(reason, status: status) == soft)
    }

    @Test("sisimai's reading of a non-standard report replaces mailbatch's; of a standard one, it adds the reason")
    func merging() {
        let result = SisimaiReader.Result(
            recipient: "a@example.jp", status: "5.0.922", reason: "mailboxfull", diagnostic: "As their mailbox is full.", action: "",
            messageID: "<m@example.jp>")
        let own = ReturnedMail(kind: .notAReport("neither"))
        let merged = own.merged(with: [result])
        #expect(merged.kind == .report(standard: false))
        #expect(
            merged.recipients == [
                .init(address: "a@example.jp", action: .failed, status: "5.0.0", diagnostic: "As their mailbox is full.", reason: "mailboxfull")
            ])
        #expect(merged.originalMessageID == "m@example.jp")
        var standard = ReturnedMail(kind: .report(standard: true))
        standard.recipients = [.init(address: "A@example.jp", action: .failed, status: "5.2.2", diagnostic: "full")]
        #expect(standard.merged(with: [result]).recipients.first?.reason == "mailboxfull")
        #expect(standard.merged(with: [result]).recipients.first?.status == "5.2.2")
        // A vacation reply stays an auto-reply; feedback loops are no failure.
        let vacation = ReturnedMail(kind: .autoReply("Auto-Submitted"))
        let onhold = SisimaiReader.Result(recipient: "a@example.jp", status: "", reason: "onhold", diagnostic: "", action: "", messageID: "")
        #expect(vacation.merged(with: [onhold]).kind == .autoReply("Auto-Submitted"))
        let feedback = SisimaiReader.Result(recipient: "a@example.jp", status: "", reason: "feedback", diagnostic: "", action: "", messageID: "")
        #expect(own.merged(with: [feedback]).kind == .notAReport("neither"))
    }
}
