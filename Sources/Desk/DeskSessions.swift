import Synchronization
import WebSupport

/// The desk's sessions, in memory: a random 256-bit id in an HttpOnly cookie names the account and
/// the account's generation when it signed in. A session ends after `idleSeconds` without a request,
/// at sign-out, and when the account is removed or its password changed (the desk compares the
/// generation on every request). Each session holds the form tokens of the pages it was shown: each
/// is good for one POST.
package final class DeskSessions: Sendable {
    package struct Session: Sendable, Equatable {
        package let user: String
        package let generation: Int
        package var lastSeen: Int
        /// Unused form tokens and when each was made.
        package var tokens: [String: Int] = [:]
    }

    package let idleSeconds: Int
    private let sessions = Mutex<[String: Session]>([:])
    private static let capacity = 5_000
    private static let tokensPerSession = 100

    package init(idleSeconds: Int) { self.idleSeconds = idleSeconds }

    package func open(user: String, generation: Int, now: Int) -> String {
        let id = RandomToken.hex(bytes: 32)
        let idle = idleSeconds
        sessions.withLock { sessions in
            if sessions.count >= Self.capacity { sessions = sessions.filter { now - $0.value.lastSeen < idle } }
            if sessions.count >= Self.capacity, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key { sessions[oldest] = nil }
            sessions[id] = Session(user: user, generation: generation, lastSeen: now)
        }
        return id
    }

    /// The session while it lasts; a request through it counts as activity.
    package func session(_ id: String?, now: Int) -> Session? {
        guard let id, id.utf8.count == 64 else { return nil }
        let idle = idleSeconds
        return sessions.withLock { sessions in
            guard var session = sessions[id] else { return nil }
            guard now - session.lastSeen < idle else {
                sessions[id] = nil
                return nil
            }
            session.lastSeen = now
            sessions[id] = session
            return session
        }
    }

    package func close(_ id: String?) {
        guard let id else { return }
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// A new one-time form token for a page of this session.
    package func issueToken(_ id: String, now: Int) -> String {
        let token = RandomToken.hex(bytes: 32)
        sessions.withLock { sessions in
            guard var session = sessions[id] else { return }
            if session.tokens.count >= Self.tokensPerSession, let oldest = session.tokens.min(by: { $0.value < $1.value })?.key {
                session.tokens[oldest] = nil
            }
            session.tokens[token] = now
            sessions[id] = session
        }
        return token
    }

    /// Uses up a token: true only for one this session was given and has not used.
    package func consumeToken(_ id: String, _ token: String?) -> Bool {
        guard let token, !token.isEmpty else { return false }
        return sessions.withLock { sessions in
            guard var session = sessions[id], session.tokens.removeValue(forKey: token) != nil else { return false }
            sessions[id] = session
            return true
        }
    }
}
