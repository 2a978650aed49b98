import Model
import Support

/// A display name and an addr-spec, such as `西日本建設業保証 電子保証 <e-hosho@example.jp>`.
package struct Mailbox: Sendable, Hashable {
    package let displayName: String?
    package let address: String

    package init(displayName: String?, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// Accepts `Name <addr>` or a bare addr-spec; the address must be a plain addr-spec.
    package init?(parsing text: String) {
        let trimmed = text.trimmingSuffix { $0 == " " }
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = String(trimmed[..<open]).trimmingSuffix { $0 == " " }
            while name.hasPrefix(" ") { name.removeFirst() }
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = name.dropFirst().dropLast() }
            guard EmailAddress.isPlainAddrSpec(address), !name.unicodeScalars.contains(where: FieldReader.isForbidden) else {
                return nil
            }
            self.init(displayName: name.isEmpty ? nil : String(name), address: address)
        } else {
            guard EmailAddress.isPlainAddrSpec(String(trimmed)) else { return nil }
            self.init(displayName: nil, address: String(trimmed))
        }
    }
}
