import Foundation
package import Model
package import Support

/// One message's delivery bookkeeping in `outbox/`: who it goes to, where its bytes are, and every
/// attempt with the server's reply. The message bytes themselves stay in the contract's folder, so a
/// re-send carries exactly what was issued, Message-ID included.
package struct Envelope: Sendable, Codable, Equatable {
    package struct Attempt: Sendable, Codable, Equatable {
        package enum Outcome: String, Sendable, Codable {
            case sent, deferred, failed
            /// Not sent: its version was superseded or its certificate revoked first (`SendPermission`).
            case withdrawn
        }

        package let at: String
        package let outcome: Outcome
        package let reply: String

        package init(at: String, outcome: Outcome, reply: String) {
            self.at = at
            self.outcome = outcome
            self.reply = reply
        }
    }

    /// A report that came back after the message was accepted (docs/bounces.md).
    package struct Bounce: Sendable, Codable, Equatable {
        package let at: String
        /// The recipient the report named as failed.
        package let recipient: String
        /// The enhanced status code, e.g. 5.1.1.
        package let status: String
        package let diagnostic: String
        /// The report's file name in the Maildir's `cur/` or the spool's `bounces/cur/`.
        package let report: String
        /// Why, in sisimai's words (`userunknown`, `mailboxfull`, …); absent in older envelopes.
        package var reason: String?

        package init(at: String, recipient: String, status: String, diagnostic: String, report: String, reason: String? = nil) {
            self.at = at
            self.recipient = recipient
            self.status = status
            self.diagnostic = diagnostic
            self.report = report
            self.reason = reason
        }
    }

    package let messageID: String
    package let contractNumber: String
    package let role: MessageRole
    /// The contract version the message belongs to; absent for version 1 (the first issue).
    package var version: Int? = nil
    package var mailFrom: String
    /// Every envelope recipient, To first, then Cc.
    package var recipients: [String]
    /// The Cc among `recipients` (absent in envelopes written before it was kept apart).
    package var cc: [String]?
    /// The recipients still to be tried when the server took the message for the others and put
    /// these off (4xx or 552 on RCPT); nil when the next try goes to every recipient.
    package var pending: [String]?
    /// Recipients the server refused for good while it took the message for the others.
    package var refused: [RecipientRefusal]?
    /// Delivery reports against one recipient (a Cc) of a message the others received.
    package var recipientBounces: [Bounce]?
    /// Reports of a soft failure (mailbox full, …) after which the message was queued again.
    package var returned: [Bounce]?
    /// Relative to the spool root, e.g. `contracts/R07-4621-000123/messages/contractor.plan`: a plan
    /// composed when sent, or a whole `.eml` (spools of format 2, notices) sent as stored.
    package let messagePath: String
    /// The SHA-256 (hex) of the bytes last composed and handed to the server for this sending.
    package var messageSHA256: String?
    package var queuedAt: Int
    package var nextAttemptAt: Int
    package var attempts: [Attempt]
    /// The per-sending identifier in the VERP return path of an earlier mailbatch (one for every
    /// recipient of a sending); kept so that reports of mail sent before an upgrade still match.
    package var token: String?
    /// The VERP token of each recipient of this sending (`ReturnPath.newToken`); a new set for every
    /// re-send. Each recipient's copy is sent in its own transaction with its own return path.
    package var tokens: [String: String]?
    /// Set when a delivery report said the message failed after it was accepted.
    package var bounce: Bounce?
    /// The envelope's schema version (`SpoolFormat.envelopeSchema`); absent in spools of format 0.
    package var schema: Int? = SpoolFormat.envelopeSchema

    package enum CodingKeys: String, CodingKey {
        case role, recipients, cc, pending, refused, attempts, token, tokens, bounce, schema, returned, version
        case recipientBounces = "recipient_bounces"
        case messageID = "message_id"
        case contractNumber = "contract_number"
        case mailFrom = "mail_from"
        case messagePath = "message_path"
        case messageSHA256 = "message_sha256"
        case queuedAt = "queued_at"
        case nextAttemptAt = "next_attempt_at"
    }

    /// The To recipients.
    package var to: [String] { recipients.filter { r in !(cc ?? []).contains(r) } }

    /// Whether the address is one of the Cc (case-insensitive, as mail servers compare).
    package func isCc(_ address: String) -> Bool { (cc ?? []).contains { $0.lowercased() == address.lowercased() } }

    /// The recipients that took the message (everyone but the refused and the still pending).
    package var delivered: [String] {
        recipients.filter { r in !(refused ?? []).contains { $0.recipient == r } && !(pending ?? []).contains(r) }
    }

    /// The recipient a return-path token of this sending was given to; every recipient for a token
    /// of an earlier mailbatch (one per sending); nil when the token is not this sending's.
    package func recipients(ofToken given: String) -> [String]? {
        if let tokens { return tokens.first { $0.value == given }.map { [$0.key] } }
        return token == given ? recipients : nil
    }

    /// Which message this is: it names the outbox entry and the stored files.
    package var key: MessageKey { MessageKey(contract: contractNumber, version: version ?? 1, role: role) }

    /// The outbox file name: `R07-4621-000123.contractor.json`, `R07-4621-000123.v2.contractor.json`.
    package var fileName: String { key.queueName }

    package func encoded() throws(FileSystemError) -> [UInt8] { Array(try SpoolJSON.encode(self)) }

    /// An envelope written by a newer mailbatch: not guessed at.
    package struct NewerSchema: Error, CustomStringConvertible {
        package let schema: Int
        package var description: String { "the envelope is schema \(schema), newer than this mailbatch knows (\(SpoolFormat.envelopeSchema))" }

        package init(schema: Int) {
            self.schema = schema
        }
    }

    package static func decode(_ bytes: [UInt8]) throws -> Envelope {
        let envelope = try JSONDecoder().decode(Envelope.self, from: Data(bytes))
        if let schema = envelope.schema, schema > SpoolFormat.envelopeSchema { throw NewerSchema(schema: schema) }
        return envelope
    }
}
