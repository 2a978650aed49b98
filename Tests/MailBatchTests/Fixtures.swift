import Foundation

/// Records for tests: a valid one, and ways to change one field of it.
enum Fixtures {
    static let validRecordText = """
        {
          "schema": "mailbatch.contract/v1",
          "contract_number": "R07-4621-000123",
          "guarantee_type": "advance_payment",
          "concluded_on": "2025-06-20",
          "application": { "channel": "e-net", "delivery": "electronic" },
          "contractor": { "name": "株式会社日置建設", "representative": "代表取締役 山田 太郎",
                          "address": "鹿児島県日置市伊集院町郡一丁目100番地", "email": "keiri@hioki-kensetsu.example.jp" },
          "orderer": { "name": "日置市", "title": "日置市長" },
          "project": { "name": "市道伊集院北線道路改良工事", "location": "日置市伊集院町大田地内", "category": "works",
                       "public_notice_on": "2025-06-02", "contract_on": "2025-06-18",
                       "period": { "from": "2025-06-19", "to": "2026-03-13" }, "contract_amount": 48400000 },
          "guarantee": { "amount": 19360000, "period": { "from": "2025-06-20", "to": "2026-03-27" }, "premium": 52000 }
        }
        """

    /// The valid record with one literal replaced (the text must occur exactly once).
    static func replacing(_ old: String, with new: String) -> [UInt8] {
        precondition(validRecordText.components(separatedBy: old).count == 2, "fixture text \(old) must occur once")
        return Array(validRecordText.replacingOccurrences(of: old, with: new).utf8)
    }
}
