import Glibc

/// Who sent a request: the connection's peer, or, when that peer is a trusted reverse proxy, the
/// rightmost address in `X-Forwarded-For` that is not itself a trusted proxy. A header from anyone
/// else is ignored, so a client cannot choose the address its failures are counted against.
package enum ClientAddress {
    package static func resolve(peer: String?, forwardedFor: [String], trusted: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trusted.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { String($0.filter { !$0.isWhitespace }) }
        guard let client = hops.reversed().first(where: { !trusted.contains($0) }) else { return peer }
        return isIPAddress(client) ? client : peer
    }

    /// What the per-client lockout counts against: an IPv4 address as it is, an IPv6 address by its
    /// /64 (one site or one customer line holds a whole /64, so a new address in it is not a new
    /// client); an IPv4 address written as IPv6 (`::ffff:192.0.2.1`) as the IPv4 address.
    package static func lockoutGroup(_ client: String) -> String {
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, client, &v6) == 1 else { return client }
        var bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12..<16].map { String($0) }.joined(separator: ".")
        }
        for i in 8..<16 { bytes[i] = 0 }
        withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &text, socklen_t(text.count)) != nil else { return client }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/64"
    }

    package static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
