import Synchronization
import WebSupport

/// A browser that showed the right key may see that certificate for a while: a random id in an
/// HttpOnly cookie, the contract number on the server. The key is never stored or sent again, so
/// downloads need no key in a link. A session is bound to what it was opened on (the key's digest
/// and the certificate's state): when the key is reissued or the certificate revoked, it ends.
package final class SessionStore: Sendable {
    package let lifetimeSeconds: Int
    private let capacity: Int
    private let sessions = Mutex<[String: Session]>([:])

    /// What a session may see, and the certificate as it was when the session was opened.
    package struct Session: Sendable, Equatable {
        package let number: String
        package let binding: String
        package var expires = 0

        package init(number: String, binding: String, expires: Int = 0) {
            self.number = number
            self.binding = binding
            self.expires = expires
        }
    }

    package init(lifetimeSeconds: Int = 15 * 60, capacity: Int = 20_000) {
        self.lifetimeSeconds = lifetimeSeconds
        self.capacity = capacity
    }

    package func open(number: String, binding: String, now: Int) -> String {
        let id = RandomToken.hex(bytes: 16)
        let expires = now + lifetimeSeconds
        let capacity = capacity
        sessions.withLock { sessions in
            if sessions.count >= capacity {
                sessions = sessions.filter { $0.value.expires > now }
                // Still full: the session that ends soonest goes first.
                if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires })?.key {
                    sessions[oldest] = nil
                }
            }
            sessions[id] = Session(number: number, binding: binding, expires: expires)
        }
        return id
    }

    /// The session, while it lasts.
    package func session(for id: String?, now: Int) -> Session? {
        guard let id else { return nil }
        return sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expires > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    package func close(_ id: String?) {
        guard let id else { return }
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }
}
