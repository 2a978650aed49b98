/// The shape of a 認証キー, owned here so that every reader of a contract number can refuse text that
/// is a key: a clerk who swaps the two form fields must never see the key logged or used as a name.
package enum KeyShape {
    /// No look-alikes: no 0/O, no 1/I/L.
    package static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    package static let symbolCount = 20
    package static let groupSize = 4

    /// True when the text, read as a key is read (case, dashes and spaces ignored), is 20 symbols of
    /// the key's alphabet: `G2KC-4U5G-FWBA-KK6K-RAT3`, `g2kc4u5gfwbakk6krat3`.
    package static func looksLikeKey(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            if scalar == "-" || scalar == " " { continue }
            guard scalar.isASCII, alphabet.contains(Character(String(scalar).uppercased())) else { return false }
            count += 1
            if count > symbolCount { return false }
        }
        return count == symbolCount
    }

    /// True when the text is a key or within one edit of one — a symbol added, dropped or replaced
    /// (by any character, a look-alike such as 0 or 1 included), case, dashes and spaces ignored:
    /// `FVH5-JW7X-VFSE-NMPJ-GQBTX`, the key without its first symbol. Such text is most of a key, so
    /// it is treated as one: never logged, stored or used as a name.
    package static func isNearKey(_ text: String) -> Bool {
        var symbols = 0
        var others = 0
        for scalar in text.unicodeScalars {
            if scalar == "-" || scalar == " " { continue }
            if scalar.isASCII, alphabet.contains(Character(String(scalar).uppercased())) {
                symbols += 1
            } else {
                others += 1
            }
            if symbols + others > symbolCount + 1 || others > 1 { return false }
        }
        switch symbols + others {
        case symbolCount - 1: return others == 0
        case symbolCount, symbolCount + 1: return true
        default: return false
        }
    }
}
