import Foundation

/// One message's delivery bookkeeping in `outbox/`: who it goes to, where its bytes are, and every
/// attempt with the server's reply. The message bytes themselves stay in the contract's folder, so a
/// re-send carries exactly what was issued, Message-ID included.
struct Envelope: Sendable, Codable, Equatable {
    struct Attempt: Sendable, Codable, Equatable {
        enum Outcome: String, Sendable, Codable {
            case sent, deferred, failed
        }

        let at: String
        let outcome: Outcome
        let reply: String
    }

    /// A report that came back after the message was accepted (README: Bounces).
    struct Bounce: Sendable, Codable, Equatable {
        let at: String
        /// The recipient the report named as failed.
        let recipient: String
        /// The enhanced status code, e.g. 5.1.1.
        let status: String
        let diagnostic: String
        /// The report's file name in the Maildir's `cur/` or the spool's `bounces/cur/`.
        let report: String
    }

    let messageID: String
    let contractNumber: String
    let role: MessageRole
    var mailFrom: String
    let recipients: [String]
    /// Relative to the spool root, e.g. `contracts/R07-4621-000123/messages/contractor.eml`.
    let messagePath: String
    var queuedAt: Int
    var nextAttemptAt: Int
    var attempts: [Attempt]
    /// The per-sending identifier in the VERP return path; a new one for every re-send.
    var token: String?
    /// Set when a delivery report said the message failed after it was accepted.
    var bounce: Bounce?
    /// The envelope's schema version (`SpoolFormat.envelopeSchema`); absent in spools of format 0.
    var schema: Int? = SpoolFormat.envelopeSchema

    enum CodingKeys: String, CodingKey {
        case role, recipients, attempts, token, bounce, schema
        case messageID = "message_id"
        case contractNumber = "contract_number"
        case mailFrom = "mail_from"
        case messagePath = "message_path"
        case queuedAt = "queued_at"
        case nextAttemptAt = "next_attempt_at"
    }

    /// The outbox file name: `R07-4621-000123.contractor.json`.
    var fileName: String { Spool.queueName(number: contractNumber, role: role) }

    func encoded() throws(FileSystemError) -> [UInt8] { Array(try SpoolJSON.encode(self)) }

    /// An envelope written by a newer mailbatch: not guessed at.
    struct NewerSchema: Error, CustomStringConvertible {
        let schema: Int
        var description: String { "the envelope is schema \(schema), newer than this mailbatch knows (\(SpoolFormat.envelopeSchema))" }
    }

    static func decode(_ bytes: [UInt8]) throws -> Envelope {
        let envelope = try JSONDecoder().decode(Envelope.self, from: Data(bytes))
        if let schema = envelope.schema, schema > SpoolFormat.envelopeSchema { throw NewerSchema(schema: schema) }
        return envelope
    }
}
