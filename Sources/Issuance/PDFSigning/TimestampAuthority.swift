import CPAdES

/// The company's RFC 3161 time-stamp authority, over HTTP through libcurl. A batch of requests goes out
/// at once (one curl multi handle), so a contract's documents wait for one round trip, not several.
package struct TimestampAuthority: Sendable {
    package let url: String
    package let timeoutSeconds: Int
    package let caFile: String?

    /// Why the TSA gave no usable answer: a temporary failure, tried again by the next run.
    package struct Unavailable: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// One reply per query, in order; throws when any of them got none.
    package func post(_ queries: [[UInt8]]) throws(Unavailable) -> [[UInt8]] {
        if queries.isEmpty { return [] }
        let count = queries.count
        let reasonLength = 256
        var reasons = [CChar](repeating: 0, count: count * reasonLength)
        var replies = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: count)
        var replyLengths = [Int](repeating: 0, count: count)
        let copies = queries.map { query -> UnsafeMutablePointer<UInt8> in
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, query.count))
            copy.initialize(from: query, count: query.count)
            return copy
        }
        defer { copies.forEach { $0.deallocate() } }
        let pointers: [UnsafePointer<UInt8>?] = copies.map { UnsafePointer($0) }
        let lengths = queries.map(\.count)
        _ = mb_tsa_post_all(url, timeoutSeconds, pointers, lengths, count, &replies, &replyLengths, &reasons, reasonLength)
        defer { replies.forEach { mb_pades_free($0) } }
        var out: [[UInt8]] = []
        for i in 0..<count {
            guard let reply = replies[i] else {
                let reason = Self.text(Array(reasons[(i * reasonLength)..<((i + 1) * reasonLength)]))
                throw Unavailable(description: "the time-stamp authority \(url) did not answer: \(reason)")
            }
            out.append(Array(UnsafeBufferPointer(start: reply, count: replyLengths[i])))
        }
        return out
    }

    /// For `doctor`: a probe request answered and checked (and verified against `tsa_ca_file` when set).
    package func probe() -> String? {
        var query: UnsafeMutablePointer<UInt8>?
        var queryLength = 0
        var reason = [CChar](repeating: 0, count: 512)
        guard mb_pades_probe_query(&query, &queryLength, &reason, reason.count) == 1, let query else { return Self.text(reason) }
        defer { mb_pades_free(query) }
        let bytes = Array(UnsafeBufferPointer(start: query, count: queryLength))
        let reply: [UInt8]
        do {
            reply = try post([bytes])[0]
        } catch {
            return error.description
        }
        let ok = bytes.withUnsafeBufferPointer { q in
            reply.withUnsafeBufferPointer { r in
                mb_pades_check_reply(q.baseAddress, q.count, r.baseAddress, r.count, caFile, &reason, reason.count)
            }
        }
        return ok == 1 ? nil : Self.text(reason)
    }

    /// A NUL-terminated C string written into `buffer`.
    package static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package init(url: String, timeoutSeconds: Int, caFile: String?) {
        self.url = url
        self.timeoutSeconds = timeoutSeconds
        self.caFile = caFile
    }
}
