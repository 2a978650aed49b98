import Foundation

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

    /// True when the text holds something shaped like a key anywhere in it: 20 or more symbols of the
    /// key's alphabet in a row, read after NFKC (full-width letters and digits as an IME gives them) and
    /// ignoring case, where spaces and punctuation may stand between groups of four (`7KQ4-MZ2D-H9XP-3TRA-W8FE`,
    /// `7kq4 mz2d h9xp 3tra w8fe`, `7KQ4 / MZ2D / …`, `7KQ4MZ2DH9XP3TRAW8FE`). Any such text counts, whichever contract's
    /// key it is or whether it is one at all, so the answer tells nothing about a guess. Ordinary words
    /// rarely qualify: the alphabet has no I, L or O, and a space inside a group ends the run.
    package static func containsKey(_ text: String) -> Bool {
        var run = 0
        for scalar in text.precomposedStringWithCompatibilityMapping.uppercased().unicodeScalars {
            if scalar.isASCII, alphabet.contains(Character(scalar)) {
                run += 1
                if run >= symbolCount { return true }
            } else if !(Self.groupSeparators.contains(scalar) && run > 0 && run % groupSize == 0) {
                run = 0
            }
        }
        return false
    }

    /// What may stand between two groups of four in a key someone wrote down.
    private static let groupSeparators: Set<Unicode.Scalar> = [" ", "-", "_", ".", "/", ",", ":", ";", "|", "\t"]

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
