import Foundation
package import Model
package import Support

/// The orderer's confirmation of receipt, per certificate version, in `verify/receipts/<番号>.json`
/// (the viewer's folder): when, from which client, and the clerk field as typed. Never the key and
/// never a link's secret; the version is a prefix of the key's digest, as for first views.
package struct ReceiptRecord: Sendable, Codable, Equatable {
    package let at: Int
    package let client: String
    package let clerk: String
    /// Set once the contractor's mail 「…様が電子証書の受領を確認しました」 was queued.
    package var notified: Bool?

    package init(at: Int, client: String, clerk: String, notified: Bool? = nil) {
        self.at = at
        self.client = client
        self.clerk = clerk
        self.notified = notified
    }
}

/// A one-time confirmation link, stored under the SHA-256 of its secret
/// (`verify/receipts/links/<hash>.json`): the secret itself is only in the orderer's mail.
package struct ReceiptLink: Sendable, Codable, Equatable {
    package let contract: String
    /// The certificate version it confirms (`Spool.viewVersion` of the key digest).
    package let version: String
    package let requestedAt: Int
    package let expiresAt: Int
    package let clerk: String
    package var usedAt: Int?

    package enum CodingKeys: String, CodingKey {
        case contract, version, clerk
        case requestedAt = "requested_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
    }

    package init(contract: String, version: String, requestedAt: Int, expiresAt: Int, clerk: String, usedAt: Int? = nil) {
        self.contract = contract
        self.version = version
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
        self.clerk = clerk
        self.usedAt = usedAt
    }
}

extension Spool {
    package var receipts: String { verify + "/receipts" }
    package var receiptLinks: String { receipts + "/links" }

    private func receiptFile(_ number: String) -> String { "\(receipts)/\(number).json" }

    /// The file of a link: named by the digest of its secret, which is all that is kept of it.
    private func linkFile(secret: String) -> String? {
        // A secret is hex (ReceiptSecret); anything else names no link and no file.
        guard secret.count == ReceiptSecret.length, secret.allSatisfy(\.isHexDigit) else { return nil }
        return "\(receiptLinks)/\(SHA256Hex.of(Array(secret.utf8))).json"
    }

    package func storeReceiptLink(secret: String, _ link: ReceiptLink) throws(FileSystemError) {
        guard let file = linkFile(secret: secret) else { throw FileSystemError("store the receipt link of", receiptLinks) }
        try PosixFS.makeDirectory(receipts)
        try PosixFS.makeDirectory(receiptLinks)
        try PosixFS.writeNew(Array(try SpoolJSON.encode(link)), to: file, sync: true)
    }

    /// The links of one certificate version still open at `now` (not used, not expired), oldest first:
    /// the viewer mails no more than a few at a time, so the key alone cannot flood the orderer's inbox.
    package func openReceiptLinks(contract: String, version: String, now: Int) -> [ReceiptLink] {
        let files = (try? PosixFS.list(receiptLinks)) ?? []
        return files.compactMap { file -> ReceiptLink? in
            guard file.hasSuffix(".json"), let bytes = try? PosixFS.read("\(receiptLinks)/\(file)") else { return nil }
            return try? JSONDecoder().decode(ReceiptLink.self, from: Data(bytes))
        }
        .filter { $0.contract == contract && $0.version == version && $0.usedAt == nil && $0.expiresAt > now }
        .sorted { $0.requestedAt < $1.requestedAt }
    }

    package func receiptLink(secret: String) -> ReceiptLink? {
        guard let file = linkFile(secret: secret), let bytes = try? PosixFS.read(file) else { return nil }
        return try? JSONDecoder().decode(ReceiptLink.self, from: Data(bytes))
    }

    /// Marks the link used; false when it was used already (two clicks, two tabs: one wins).
    package func useReceiptLink(secret: String, at: Int) throws(FileSystemError) -> Bool {
        guard let file = linkFile(secret: secret), PosixFS.exists(file) else { return false }
        return try LockedFile.update(file) { bytes throws(FileSystemError) in
            guard var link = try? JSONDecoder().decode(ReceiptLink.self, from: Data(bytes)), link.usedAt == nil else { return (nil, false) }
            link.usedAt = at
            return (Array(try SpoolJSON.encode(link)), true)
        }
    }

    /// Records the receipt of a version when it is the first; true when it was.
    @discardableResult
    package func recordReceipt(number: String, version: String, _ record: ReceiptRecord) throws(FileSystemError) -> Bool {
        try PosixFS.makeDirectory(receipts)
        return try LockedFile.update(receiptFile(number)) { bytes throws(FileSystemError) in
            var records = Self.decodeReceipts(bytes)
            guard records[version] == nil else { return (nil, false) }
            records[version] = record
            return (Array(try SpoolJSON.encode(records)), true)
        }
    }

    /// The receipt of the certificate's current version, once the orderer confirmed it.
    package func currentReceipt(of certificate: Certificate) -> ReceiptRecord? {
        Self.decodeReceipts((try? PosixFS.read(receiptFile(certificate.contractNumber))) ?? [])[Self.viewVersion(certificate.keyDigest)]
    }

    /// The contracts with at least one confirmed receipt.
    package func confirmedContracts() throws(FileSystemError) -> [String] {
        guard PosixFS.isDirectory(receipts) else { return [] }
        return try PosixFS.list(receipts).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }
    }

    package func markReceiptNotified(number: String, keyDigest: String) throws(FileSystemError) {
        let version = Self.viewVersion(keyDigest)
        try LockedFile.update(receiptFile(number)) { bytes throws(FileSystemError) in
            var records = Self.decodeReceipts(bytes)
            guard var record = records[version], record.notified != true else { return (nil, ()) }
            record.notified = true
            records[version] = record
            return (Array(try SpoolJSON.encode(records)), ())
        }
    }

    private static func decodeReceipts(_ bytes: [UInt8]) -> [String: ReceiptRecord] {
        guard !bytes.isEmpty else { return [:] }
        return (try? JSONDecoder().decode([String: ReceiptRecord].self, from: Data(bytes))) ?? [:]
    }
}

/// The secret of a one-time link: 32 random bytes as hex.
package enum ReceiptSecret {
    package static let length = 64

    package static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
