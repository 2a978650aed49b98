import Foundation
package import Model
package import Support

/// The orderer's first view of each certificate version, recorded by the viewer in
/// `verify/viewed/<番号>.json` (the one folder the viewer may write): when and from which client,
/// per version (a key: a reissue makes a new one). Never the key; the version is a prefix of the
/// key's digest.
package struct ViewRecord: Sendable, Codable, Equatable {
    /// Unix time of the first successful view.
    package let at: Int
    package let client: String
    /// Set once the contractor was told (`[notify] contractor_on_view`).
    package var notified: Bool?
}

extension Spool {
    package var views: String { verify + "/viewed" }

    /// The version a key digest names: 16 hex digits of it.
    package static func viewVersion(_ keyDigest: String) -> String { String(keyDigest.dropFirst("sha256:".count).prefix(16)) }

    private func viewFile(_ number: String) -> String { "\(views)/\(number).json" }

    /// Records the view when it is the version's first; true when it was.
    @discardableResult
    package func recordFirstView(number: String, keyDigest: String, client: String, at: Int) throws(FileSystemError) -> Bool {
        try PosixFS.makeDirectory(views)
        let version = Self.viewVersion(keyDigest)
        return try LockedFile.update(viewFile(number)) { bytes throws(FileSystemError) in
            var records = Self.decodeViews(bytes)
            guard records[version] == nil else { return (nil, false) }
            records[version] = ViewRecord(at: at, client: client)
            return (Array(try SpoolJSON.encode(records)), true)
        }
    }

    /// Every version's first view of a contract.
    package func views(of number: String) -> [String: ViewRecord] {
        Self.decodeViews((try? PosixFS.read(viewFile(number))) ?? [])
    }

    /// The first view of the certificate's current version, if the orderer has seen it.
    package func currentView(of certificate: Certificate) -> ViewRecord? {
        views(of: certificate.contractNumber)[Self.viewVersion(certificate.keyDigest)]
    }

    /// The contracts whose certificate was viewed at least once.
    package func viewedContracts() throws(FileSystemError) -> [String] {
        guard PosixFS.isDirectory(views) else { return [] }
        return try PosixFS.list(views).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
    }

    package func markViewNotified(number: String, keyDigest: String) throws(FileSystemError) {
        let version = Self.viewVersion(keyDigest)
        try LockedFile.update(viewFile(number)) { bytes throws(FileSystemError) in
            var records = Self.decodeViews(bytes)
            guard var record = records[version], record.notified != true else { return (nil, ()) }
            record.notified = true
            records[version] = record
            return (Array(try SpoolJSON.encode(records)), ())
        }
    }

    private static func decodeViews(_ bytes: [UInt8]) -> [String: ViewRecord] {
        guard !bytes.isEmpty else { return [:] }
        return (try? JSONDecoder().decode([String: ViewRecord].self, from: Data(bytes))) ?? [:]
    }
}
