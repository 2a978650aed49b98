import CPangoCairo

/// One TrueType font file opened with HarfBuzz: the characters it maps, and smaller copies of it that
/// hold only some of them (`subset`).
package final class FontFile: @unchecked Sendable {
    package let path: String
    /// Every character the font's cmap maps.
    package let characters: Set<UInt32>
    private let face: OpaquePointer

    package init?(path: String) {
        guard let blob = hb_blob_create_from_file_or_fail(path) else { return nil }
        defer { hb_blob_destroy(blob) }
        guard let face = hb_face_create(blob, 0), hb_face_get_glyph_count(face) > 0 else { return nil }
        let set = hb_set_create()
        defer { hb_set_destroy(set) }
        hb_face_collect_unicodes(face, set)
        var characters = Set<UInt32>()
        var codepoint = UInt32.max  // HB_SET_VALUE_INVALID: start before the first
        while hb_set_next(set, &codepoint) != 0 { characters.insert(codepoint) }
        guard !characters.isEmpty else {
            hb_face_destroy(face)
            return nil
        }
        self.path = path
        self.face = face
        self.characters = characters
    }

    deinit { hb_face_destroy(face) }

    /// The font with the glyphs of `characters` only (and the glyphs their layout can reach), every
    /// other table as it was: metrics, names in every language, and `BASE`, which HarfBuzz 6 drops
    /// by default but pango needs to put a fallback face's run (IPAmj明朝's 𠮷) on this face's
    /// baseline. Nil if HarfBuzz cannot make it.
    package func subset(_ characters: Set<UInt32>) -> [UInt8]? {
        guard let input = hb_subset_input_create_or_fail() else { return nil }
        defer { hb_subset_input_destroy(input) }
        let unicodes = hb_subset_input_unicode_set(input)
        for character in characters { hb_set_add(unicodes, character) }
        hb_set_del(hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG), Self.tag("BASE"))
        for names in [HB_SUBSET_SETS_NAME_ID, HB_SUBSET_SETS_NAME_LANG_ID] {
            let set = hb_subset_input_set(input, names)
            hb_set_clear(set)
            hb_set_invert(set)
        }
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED.rawValue)
        guard let result = hb_subset_or_fail(face, input) else { return nil }
        defer { hb_face_destroy(result) }
        let blob = hb_face_reference_blob(result)
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(blob, &length), length > 0 else { return nil }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(length)))
    }

    private static func tag(_ name: StaticString) -> hb_tag_t {
        name.withUTF8Buffer { $0.reduce(0) { $0 << 8 | hb_tag_t($1) } }
    }
}
