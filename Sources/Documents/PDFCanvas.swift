import CPangoCairo

/// The pages of one document being drawn: owns the cairo PDF surface and context and a pango context
/// set to 72 dpi so that font sizes are in points. Each document has its own surface, so its file
/// embeds only the glyphs it draws and needs no cutting apart. Text goes through pango, so long names wrap; a character missing
/// from the main font (𠮷) comes from the next face of the same style (IPAmj明朝 for Mincho, Noto Sans
/// CJK for Gothic), and every line of a block has the same pitch whichever face drew it. The IPAex
/// fonts come cut down to the characters in use (`FontSubsets`), which draws the same PDF faster.
package final class PDFCanvas {
    package static let a4Width = 595.276
    package static let a4Height = 841.890

    /// A typeface and the faces of the same style that supply the characters it lacks.
    package enum Face: Sendable {
        case mincho, gothic

        package var families: String {
            switch self {
            case .mincho: "IPAexMincho,IPAmjMincho,Noto Serif CJK JP"
            case .gothic: "IPAexGothic,Noto Sans CJK JP"
            }
        }
    }

    package struct Style {
        package var font: Face = .mincho
        package var size: Double = 10.5
        package var bold = false
        package var alignment: Alignment = .left
        package var lineSpacing: Double = 1.25

        package enum Alignment { case left, center, right }

        package init(font: Face = .mincho, size: Double = 10.5, bold: Bool = false, alignment: Alignment = .left, lineSpacing: Double = 1.25) {
            self.font = font
            self.size = size
            self.bold = bold
            self.alignment = alignment
            self.lineSpacing = lineSpacing
        }
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    private let sink = Sink()
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let pango: OpaquePointer
    /// The subset fonts text is laid out with; nil when it is the full fonts. A canvas that met a
    /// character its first lease lacked moved on to a later one; the earlier ones still hold the fonts
    /// of what was laid out before, and all go back when the canvas ends.
    private var lease: FontSubsets.Lease?
    private var earlierLeases: [FontSubsets.Lease] = []
    private var finished = false
    /// The page being drawn, from 0.
    private var page = 0

    /// The page number of the page being drawn, from 1; once finished, the number of pages.
    package var pageNumber: Int { page + 1 }

    /// `text`: what the document will draw, so that the fonts are chosen once for all of it (a
    /// character left out still comes out right, from other fonts). `info`: the document
    /// information (title, author, subject, creation date); without it, only the creator.
    package init(text: String = "", info: PDFInfo? = nil) {
        let writer: cairo_write_func_t = { closure, data, length in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            if let data { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length))) }
            return CAIRO_STATUS_SUCCESS
        }
        surface = cairo_pdf_surface_create_for_stream(writer, Unmanaged.passUnretained(sink).toOpaque(), Self.a4Width, Self.a4Height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "mailbatch")
        if let info {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, info.title)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, info.author)
            if let subject = info.subject { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject) }
            // Without a date of ours cairo writes the time of drawing, and the same input would not give the same bytes.
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, info.createdISO8601)
        }
        cr = cairo_create(surface)
        lease = FontSubsets.shared.lease(for: text.unicodeScalars)
        if let lease {
            pango = pango_font_map_create_context(lease.fontMap)
            pango_cairo_update_context(cr, pango)
        } else {
            pango = pango_cairo_create_context(cr)
        }
        pango_cairo_context_set_resolution(pango, 72)
    }

    deinit {
        if !finished { cairo_surface_finish(surface) }
        g_object_unref(UnsafeMutableRawPointer(pango))
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
        for lease in earlierLeases + [lease].compactMap({ $0 }) { FontSubsets.shared.giveBack(lease) }
    }

    /// Moves on to fonts that hold `text` too: a later generation of subsets, or the full fonts.
    /// Blocks laid out before are laid out again by pango on the new font map, to the same result
    /// (a later generation holds every character an earlier one did).
    private func makeRoom(for text: String) {
        guard let current = lease, !current.generation.covers(text.unicodeScalars) else { return }
        earlierLeases.append(current)
        lease = FontSubsets.shared.lease(for: text.unicodeScalars)
        pango_context_set_font_map(pango, lease?.fontMap ?? pango_cairo_font_map_get_default())
    }

    private func layout(_ text: String, width: Double?, style: Style) -> OpaquePointer {
        makeRoom(for: text)
        let layout = pango_layout_new(pango)!
        let description = pango_font_description_new()!
        pango_font_description_set_family(description, style.font.families)
        pango_font_description_set_absolute_size(description, style.size * Double(PANGO_SCALE))
        pango_font_description_set_weight(description, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        if let width {
            pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        // A fixed pitch: a line holding a glyph from a taller fallback face is not pushed down.
        let attributes = pango_attr_list_new()!
        pango_attr_list_insert(attributes, pango_attr_line_height_new_absolute(Int32(style.size * style.lineSpacing * Double(PANGO_SCALE))))
        pango_layout_set_attributes(layout, attributes)
        pango_attr_list_unref(attributes)
        switch style.alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        pango_layout_set_text(layout, text, -1)
        return layout
    }

    /// Text laid out once, to be measured and then drawn without laying it out again.
    package final class TextBlock {
        fileprivate let layout: OpaquePointer
        package let width: Double
        package let height: Double

        fileprivate init(_ layout: OpaquePointer) {
            self.layout = layout
            var w: Int32 = 0
            var h: Int32 = 0
            pango_layout_get_size(layout, &w, &h)
            width = Double(w) / Double(PANGO_SCALE)
            height = Double(h) / Double(PANGO_SCALE)
        }

        deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
    }

    package func block(_ text: String, width: Double?, style: Style) -> TextBlock {
        TextBlock(layout(text, width: width, style: style))
    }

    /// Draws a laid-out block with its top-left corner at (x, y).
    package func draw(_ block: TextBlock, x: Double, y: Double) {
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, block.layout)
    }

    /// Draws text with its top-left corner at (x, y) and returns its height.
    @discardableResult
    package func text(_ text: String, x: Double, y: Double, width: Double? = nil, style: Style = Style()) -> Double {
        let laid = block(text, width: width, style: style)
        draw(laid, x: x, y: y)
        return laid.height
    }

    package func line(from: (Double, Double), to: (Double, Double), width: Double = 0.6) {
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, from.0, from.1)
        cairo_line_to(cr, to.0, to.1)
        cairo_stroke(cr)
    }

    package func dashedLine(from: (Double, Double), to: (Double, Double), width: Double = 0.6) {
        let pattern: [Double] = [4, 3]
        cairo_set_dash(cr, pattern, Int32(pattern.count), 0)
        line(from: from, to: to, width: width)
        cairo_set_dash(cr, nil, 0, 0)
    }

    package func rectangle(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.6, fillGray: Double? = nil) {
        cairo_rectangle(cr, x, y, width, height)
        if let gray = fillGray {
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_fill_preserve(cr)
        }
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, lineWidth)
        cairo_stroke(cr)
    }

    package func newPage() {
        cairo_show_page(cr)
        page += 1
    }

    /// Ends the document and the surface; returns the PDF's bytes.
    package func finish() -> [UInt8] {
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        finished = true
        return PDFInfo.creationDateFixed(sink.bytes)
    }
}
