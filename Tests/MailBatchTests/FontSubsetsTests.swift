import CPangoCairo
import Glibc
import Testing

@testable import Documents
@testable import Issuance
@testable import Store
@testable import Support

/// The subset fonts are process-wide and other suites draw documents at the same time, so these
/// tests assert what holds whatever generation another test made: coverage only grows, and the
/// fonts a lease resolves are its own. They run one at a time: two of them grow the fonts by the same
/// unused character.
@Suite("IPAex cut down to the characters in use", .serialized)
struct FontSubsetsTests {
    static func fullFont(_ family: String) throws -> FontFile {
        let path = try #require(FontSubsets.file(of: family), "\(family) is installed (scripts/setup)")
        return try #require(FontFile(path: path))
    }

    /// A character of full IPAex明朝 that no lease has asked for yet.
    static func unusedCharacter(_ font: FontFile) throws -> Unicode.Scalar {
        let lease = try #require(FontSubsets.shared.lease(for: "".unicodeScalars))
        defer { FontSubsets.shared.giveBack(lease) }
        let value = try #require(font.characters.filter { (0x9E00...0x9FA0).contains($0) && !lease.generation.covered.contains($0) }.max())
        return try #require(Unicode.Scalar(value))
    }

    static func table(_ bytes: [UInt8], _ tag: String) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            let data = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let blob = hb_blob_create(data, UInt32(buffer.count), HB_MEMORY_MODE_READONLY, nil, nil)
            let face = hb_face_create(blob, 0)
            defer {
                hb_face_destroy(face)
                hb_blob_destroy(blob)
            }
            let code = tag.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let table = hb_face_reference_table(face, code)
            defer { hb_blob_destroy(table) }
            return Int(hb_blob_get_length(table))
        }
    }

    @Test("a subset maps the characters asked for, not others, and keeps the BASE table pango aligns fallback faces with")
    func subsetKeepsBase() throws {
        let full = try Self.fullFont("IPAexMincho")
        let bytes = try #require(full.subset(Set("保証書".unicodeScalars.map(\.value))))
        #expect(Self.table(bytes, "BASE") > 0)
        let resolved = try #require(realpath(full.path, nil))
        defer { free(resolved) }
        #expect(Self.table(bytes, "BASE") == Self.table(try PosixFS.read(String(cString: resolved)), "BASE"))
        #expect(bytes.count < 200_000)
        let path = "/tmp/mailbatch-subset-test-\(getpid()).ttf"
        try PosixFS.writeAtomically(bytes, to: path, tempFolder: "/tmp")
        defer { unlink(path) }
        let subset = try #require(FontFile(path: path))
        #expect(subset.characters.isSuperset(of: "保証書".unicodeScalars.map(\.value)))
        #expect(!subset.characters.contains(Unicode.Scalar("鬱").value))
    }

    @Test("a lease's font map finds each IPAex family in its subset alone, not in the full file")
    func leaseResolvesToSubsets() throws {
        let lease = try #require(FontSubsets.shared.lease(for: "保証".unicodeScalars))
        defer { FontSubsets.shared.giveBack(lease) }
        let config = try #require(pango_fc_font_map_get_config(OpaquePointer(lease.fontMap)))
        for (family, path) in zip(FontSubsets.families, lease.generation.paths) {
            #expect(FontSubsets.files(of: family, config: config) == [path])
            #expect(path.hasPrefix("/proc/self/fd/"))
        }
        #expect(lease.generation.covers("保証".unicodeScalars))
        // Characters no IPAex font has (𠮷, from IPAmj明朝) never make a generation grow.
        #expect(lease.generation.covers("𠮷".unicodeScalars))
    }

    @Test("a character the current fonts lack makes a later generation that holds it and everything before")
    func growsOnDemand() throws {
        let full = try Self.fullFont("IPAexMincho")
        let rare = try Self.unusedCharacter(full)
        let before = try #require(FontSubsets.shared.lease(for: "保証".unicodeScalars))
        FontSubsets.shared.giveBack(before)
        #expect(!before.generation.covers([rare]))
        let after = try #require(FontSubsets.shared.lease(for: [rare]))
        defer { FontSubsets.shared.giveBack(after) }
        #expect(after.generation.number > before.generation.number)
        #expect(after.generation.covers([rare]))
        #expect(after.generation.covered.isSuperset(of: before.generation.covered))
    }

    @Test("text the canvas was not told of is still drawn in IPAex, not in a fallback face")
    func canvasMovesToLargerFonts() throws {
        let full = try Self.fullFont("IPAexMincho")
        let rare = try Self.unusedCharacter(full)
        let canvas = PDFCanvas(text: "保証")
        canvas.text("保証", x: 56, y: 56)
        canvas.text("保" + String(Character(rare)), x: 56, y: 80)
        let pdf = String(decoding: canvas.finish(), as: UTF8.self)
        let (ipaex, ipamj) = (pdf.contains("+IPAexMincho"), pdf.contains("IPAmjMincho"))
        #expect(ipaex)
        // Without the move to a later generation pango would have taken the rare kanji from IPAmj明朝.
        #expect(!ipamj)
    }
}
