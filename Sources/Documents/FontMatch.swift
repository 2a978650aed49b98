import CPangoCairo

/// What fontconfig gives for a requested family: the family it would use and that font's file.
/// `mailbatch doctor` shows the family; `FontSubsets` takes the file of an exact match.
package enum FontMatch {
    package static func best(_ family: String, config: OpaquePointer? = nil) -> (family: String, file: String?)? {
        guard let pattern = FcNameParse(family) else { return nil }
        defer { FcPatternDestroy(pattern) }
        FcConfigSubstitute(config, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let font = FcFontMatch(config, pattern, &result) else { return nil }
        defer { FcPatternDestroy(font) }
        guard let name = string(font, FC_FAMILY) else { return nil }
        return (name, string(font, FC_FILE))
    }

    private static func string(_ pattern: OpaquePointer, _ object: String) -> String? {
        var value: UnsafeMutablePointer<FcChar8>?
        guard FcPatternGetString(pattern, object, 0, &value) == FcResultMatch, let value else { return nil }
        return String(cString: UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
    }
}
