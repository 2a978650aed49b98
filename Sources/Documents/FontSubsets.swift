import CLinux
package import CPangoCairo
import Glibc
import Synchronization

/// The IPAex fonts the documents are drawn in, cut down once to the characters the documents use.
///
/// cairo looks every glyph it embeds up in the font's whole cmap, and IPAex's cmaps map ~12,000
/// characters: drawing a contract from the full fonts spent a fifth of the run's CPU on that walk.
/// From fonts that hold only the batch's characters the walk is short, and the PDFs are the same:
/// the same outlines, metrics, names and BASE table (`FontFile.subset`), and cairo subsets again for
/// the PDF as it always did.
///
/// A generation is one pair of subset fonts, kept in memory (memfd, reached as /proc/self/fd/N), and
/// the characters they cover. When a document needs a character of IPAex the generation lacks, the
/// next generation covers the union. Pango font maps are not thread-safe, so each canvas borrows one
/// of the current generation (`lease`) and gives it back when it is done. A memfd is never closed:
/// cairo caches fonts by file name and may open one again later, so a name must never point at other
/// bytes; after `maxGenerations` the fonts stop growing and a document needing more is drawn from the
/// full fonts (pango's default font map), as before.
///
/// `MAILBATCH_FONT_SUBSETS=off` draws every document from the full fonts (for comparing the two).
package final class FontSubsets: Sendable {
    package static let shared = FontSubsets()

    /// The families the documents name first (`PDFCanvas.Face`), the ones worth cutting down.
    package static let families = ["IPAexMincho", "IPAexGothic"]
    package static let maxGenerations = 16

    /// One set of subset fonts and what they cover.
    package final class Generation: Sendable {
        package let number: Int
        /// The characters of the full fonts that the subsets hold.
        package let covered: Set<UInt32>
        /// Every character the full fonts map.
        package let characters: Set<UInt32>
        /// /proc/self/fd/N of each subset, in `families` order.
        package let paths: [String]

        package init(number: Int, covered: Set<UInt32>, characters: Set<UInt32>, paths: [String]) {
            self.number = number
            self.covered = covered
            self.characters = characters
            self.paths = paths
        }

        /// Whether this generation draws `text` as the full fonts would.
        package func covers(_ text: some Sequence<Unicode.Scalar>) -> Bool {
            FontSubsets.missing(from: self, in: text, characters: characters).isEmpty
        }
    }

    /// A font map of one generation, lent to one canvas at a time.
    package struct Lease: @unchecked Sendable {
        package let fontMap: UnsafeMutablePointer<PangoFontMap>
        package let generation: Generation

        package init(fontMap: UnsafeMutablePointer<PangoFontMap>, generation: Generation) {
            self.fontMap = fontMap
            self.generation = generation
        }
    }

    private struct State {
        var loaded = false
        /// The full fonts, in `families` order; empty when subsetting is off or impossible.
        var files: [FontFile] = []
        /// Every character any of the full fonts maps.
        var characters: Set<UInt32> = []
        /// What every generation holds besides the documents' characters (`baseline`).
        var baseline: Set<UInt32> = []
        var current: Generation?
        var idle: [Lease] = []
        /// Why documents are drawn from the full fonts, once they are.
        var off: String?
    }

    private let state = Mutex(State())

    /// A font map whose IPAex fonts hold every character of `text` they would hold in full; nil when
    /// the document should be drawn from the full fonts.
    package func lease(for text: some Sequence<Unicode.Scalar>) -> Lease? {
        state.withLock { state in
            load(&state)
            guard !state.files.isEmpty else { return nil }
            let missing = Self.missing(from: state.current, in: text, characters: state.characters)
            if state.current == nil || !missing.isEmpty {
                guard grow(&state, by: missing) else { return nil }
            }
            guard let current = state.current else { return nil }
            if let idle = state.idle.popLast() { return idle }
            guard let fontMap = Self.fontMap(for: current) else {
                // This machine's fontconfig will not take the subsets: the full fonts from now on.
                state.files = []
                state.current = nil
                state.off = "fontconfig did not take the subset fonts (is /proc mounted?)"
                return nil
            }
            return Lease(fontMap: fontMap, generation: current)
        }
    }

    /// Takes a font map back: kept for the next canvas if its generation is still the current one.
    package func giveBack(_ lease: Lease) {
        let kept = state.withLock { state in
            guard lease.generation === state.current else { return false }
            state.idle.append(lease)
            return true
        }
        if !kept { g_object_unref(UnsafeMutableRawPointer(lease.fontMap)) }
    }

    /// Makes the next generation cover the characters of `text` too, ahead of the documents that
    /// will need them (a batch's records), so that one generation serves the whole batch.
    package func prepare(_ text: some Sequence<Unicode.Scalar>) {
        state.withLock { state in
            load(&state)
            guard !state.files.isEmpty else { return }
            let missing = Self.missing(from: state.current, in: text, characters: state.characters)
            if !missing.isEmpty { _ = grow(&state, by: missing) }
        }
    }

    /// The number of the current generation (0 before the first), for tests and `--stats`.
    package var generation: Int { state.withLock { $0.current?.number ?? 0 } }

    /// Why some or all documents were drawn from the full fonts; nil while subsets serve them all.
    package var offReason: String? { state.withLock { $0.off } }

    // MARK: - Inside the lock

    private func load(_ state: inout State) {
        guard !state.loaded else { return }
        state.loaded = true
        if let setting = getenv("MAILBATCH_FONT_SUBSETS").map({ String(cString: $0) }), setting == "off" {
            state.off = "MAILBATCH_FONT_SUBSETS=off"
            return
        }
        var files: [FontFile] = []
        for family in Self.families {
            guard let path = Self.file(of: family), let file = FontFile(path: path) else {
                state.off = "\(family) was not found as a TrueType file HarfBuzz can read"
                return
            }
            files.append(file)
        }
        state.files = files
        state.characters = files.reduce(into: []) { $0.formUnion($1.characters) }
        state.baseline = Self.baseline.intersection(state.characters)
    }

    /// Printable ASCII, and the sample texts pango measures a font's metrics with (for Japanese and
    /// for this process's locale): without them pango would measure another font than the full
    /// fonts' own.
    private static var baseline: Set<UInt32> {
        var characters = Set<UInt32>(0x20...0x7E)
        for language in [pango_language_from_string("ja"), pango_language_get_default()] {
            if let sample = pango_language_get_sample_string(language) {
                characters.formUnion(String(cString: sample).unicodeScalars.map(\.value))
            }
        }
        return characters
    }

    private func grow(_ state: inout State, by missing: Set<UInt32>) -> Bool {
        let number = (state.current?.number ?? 0) + 1
        guard number <= Self.maxGenerations else {
            state.off = "the subset fonts grew \(Self.maxGenerations) times; further documents of this run use the full fonts"
            return false
        }
        let covered = (state.current?.covered ?? state.baseline).union(missing)
        var paths: [String] = []
        for (file, family) in zip(state.files, Self.families) {
            guard let bytes = file.subset(covered), let path = Self.memoryFile("\(family)-\(number)", bytes) else {
                // Not worth trying again for every document: the full fonts from now on.
                state.off = "HarfBuzz could not subset \(family), or no memory file could hold it"
                state.files = []
                return false
            }
            paths.append(path)
        }
        for lease in state.idle { g_object_unref(UnsafeMutableRawPointer(lease.fontMap)) }
        state.idle = []
        state.current = Generation(number: number, covered: covered, characters: state.characters, paths: paths)
        return true
    }

    // MARK: - Helpers

    /// The characters of `text` the full fonts map (and variation selectors, which pick among their
    /// glyphs) that `generation` does not hold.
    fileprivate static func missing(from generation: Generation?, in text: some Sequence<Unicode.Scalar>, characters: Set<UInt32>) -> Set<UInt32> {
        var missing: Set<UInt32> = []
        for scalar in text {
            let value = scalar.value
            guard characters.contains(value) || isVariationSelector(value) else { continue }
            if generation?.covered.contains(value) != true { missing.insert(value) }
        }
        return missing
    }

    private static func isVariationSelector(_ value: UInt32) -> Bool {
        (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value)
    }

    /// The file fontconfig uses for exactly `family`, or nil when it would substitute another.
    package static func file(of family: String, config: OpaquePointer? = nil) -> String? {
        guard let match = FontMatch.best(family, config: config), match.family == family else { return nil }
        return match.file
    }

    /// `bytes` in an anonymous in-memory file that lives as long as the process; its /proc path.
    private static func memoryFile(_ name: String, _ bytes: [UInt8]) -> String? {
        let fd = mb_memfd_create("mailbatch-\(name)")
        guard fd >= 0 else { return nil }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                return nil
            }
            written += n
        }
        return "/proc/self/fd/\(fd)"
    }

    /// A pango font map on this machine's fontconfig setup with the full IPAex files left out (under
    /// every name fontconfig knows them by: Debian links them as fonts-japanese-*.ttf too) and the
    /// generation's subsets put in; nil unless each family then comes from its subset alone.
    private static func fontMap(for generation: Generation) -> UnsafeMutablePointer<PangoFontMap>? {
        let originals = families.flatMap { files(of: $0) }
        guard !originals.isEmpty, let config = FcInitLoadConfig() else { return nil }
        defer { FcConfigDestroy(config) }
        let globs = originals.map { "<glob>\(xmlEscaped($0))</glob>" }.joined()
        let xml = "<?xml version=\"1.0\"?><fontconfig><selectfont><rejectfont>\(globs)</rejectfont></selectfont></fontconfig>"
        guard FcConfigParseAndLoadFromMemory(config, xml, FcTrue) != 0, FcConfigBuildFonts(config) != 0 else { return nil }
        for path in generation.paths {
            guard FcConfigAppFontAddFile(config, path) != 0 else { return nil }
        }
        for (family, path) in zip(families, generation.paths) where files(of: family, config: config) != [path] {
            return nil
        }
        guard let fontMap = pango_cairo_font_map_new() else { return nil }
        pango_fc_font_map_set_config(OpaquePointer(fontMap), config)
        return fontMap
    }

    /// Every file fontconfig has for `family` (under each of its names).
    package static func files(of family: String, config: OpaquePointer? = nil) -> [String] {
        guard let pattern = FcPatternCreate() else { return [] }
        defer { FcPatternDestroy(pattern) }
        _ = family.withCString { FcPatternAddString(pattern, FC_FAMILY, UnsafeRawPointer($0).assumingMemoryBound(to: FcChar8.self)) }
        guard let objects = FcObjectSetCreate() else { return [] }
        defer { FcObjectSetDestroy(objects) }
        _ = FcObjectSetAdd(objects, FC_FILE)
        guard let list = FcFontList(config, pattern, objects) else { return [] }
        defer { FcFontSetDestroy(list) }
        var files: [String] = []
        for index in 0..<Int(list.pointee.nfont) {
            var file: UnsafeMutablePointer<FcChar8>?
            if FcPatternGetString(list.pointee.fonts[index], FC_FILE, 0, &file) == FcResultMatch, let file {
                files.append(String(cString: UnsafeRawPointer(file).assumingMemoryBound(to: CChar.self)))
            }
        }
        return files.sorted()
    }

    private static func xmlEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
