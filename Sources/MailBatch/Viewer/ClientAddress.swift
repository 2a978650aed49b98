import Glibc

/// Who sent a request: the connection's peer, or, when that peer is a trusted reverse proxy, the
/// rightmost address in `X-Forwarded-For` that is not itself a trusted proxy. A header from anyone
/// else is ignored, so a client cannot choose the address its failures are counted against.
enum ClientAddress {
    static func resolve(peer: String?, forwardedFor: [String], trusted: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trusted.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { String($0.filter { !$0.isWhitespace }) }
        guard let client = hops.reversed().first(where: { !trusted.contains($0) }) else { return peer }
        return isIPAddress(client) ? client : peer
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
