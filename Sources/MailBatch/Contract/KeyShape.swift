/// The shape of a 認証キー, owned here so that every reader of a contract number can refuse text that
/// is a key: a clerk who swaps the two form fields must never see the key logged or used as a name.
enum KeyShape {
    /// No look-alikes: no 0/O, no 1/I/L.
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    static let symbolCount = 20
    static let groupSize = 4

    /// True when the text, read as a key is read (case, dashes and spaces ignored), is 20 symbols of
    /// the key's alphabet: `G2KC-4U5G-FWBA-KK6K-RAT3`, `g2kc4u5gfwbakk6krat3`.
    static func looksLikeKey(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            if scalar == "-" || scalar == " " { continue }
            guard scalar.isASCII, alphabet.contains(Character(String(scalar).uppercased())) else { return false }
            count += 1
            if count > symbolCount { return false }
        }
        return count == symbolCount
    }
}
