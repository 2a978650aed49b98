import Support

/// The spool's format version (`spool/VERSION`) and the schema version of each envelope: a run
/// refuses a spool newer than it knows, and says when an older one needs `mailbatch upgrade`.
///
/// Format 3: a contract's messages are stored as plans (`messages/<stem>.plan`, `MessagePlan`) that
/// name the committed documents instead of holding their base64; the sender composes them. A format-2
/// mailbatch would send a plan as it is, so it refuses the spool. `.eml` messages of format 2 stay and
/// are sent as stored.
/// Format 2: contract folders may hold earlier versions (`versions/<n>/`), messages of later versions
/// (`v2.contractor.eml`, `R07-….v2.contractor.json`) and `waiting/`; a format-1 mailbatch would misread
/// them, so it refuses the spool. Format 1: `VERSION` holds `1`; every envelope carries `"schema": 1`.
/// Format 0 is every spool made before versions existed (no `VERSION` file, envelopes without `schema`).
package enum SpoolFormat {
    package static let current = 3
    package static let envelopeSchema = 1

    package enum Problem: Error, CustomStringConvertible {
        case newer(found: Int, path: String)
        case needsUpgrade(found: Int, path: String)
        case unreadable(String, path: String)

        package var description: String {
            switch self {
            case .newer(let found, let path):
                "the spool \(path) is format \(found), newer than this mailbatch knows (format \(SpoolFormat.current)); run the newer mailbatch that wrote it"
            case .needsUpgrade(let found, let path):
                "the spool \(path) is format \(found) and this mailbatch writes format \(SpoolFormat.current); run `mailbatch upgrade` (it takes the run lock and can be repeated)"
            case .unreadable(let text, let path):
                "\(path)/VERSION holds \"\(text)\", not a format number; it should hold \(SpoolFormat.current)"
            }
        }
    }

    package static func versionFile(_ spool: Spool) -> String { spool.root + "/VERSION" }

    /// The spool's format: the number in VERSION, 0 for an old spool without one, nil for a new empty spool.
    package static func found(_ spool: Spool) throws(Problem) -> Int? {
        if let bytes = try? PosixFS.read(versionFile(spool)) {
            let text = String(decoding: bytes, as: UTF8.self).trimmingSuffix { $0 == "\n" || $0 == " " }
            guard let n = Int(text) else { throw .unreadable(String(text.prefix(40)), path: spool.root) }
            return n
        }
        let hasContent = [spool.contracts, spool.outbox, spool.failed].contains { !((try? PosixFS.list($0)) ?? []).isEmpty }
        return hasContent ? 0 : nil
    }

    /// Called by every run: a new spool gets the current VERSION; any other must already be current.
    package static func check(_ spool: Spool) throws(Problem) {
        switch try found(spool) {
        case nil: try? spool.write("\(current)\n", to: versionFile(spool))
        case let n? where n > current: throw .newer(found: n, path: spool.root)
        case let n? where n < current: throw .needsUpgrade(found: n, path: spool.root)
        default: break
        }
    }
}
