extension DocumentLayout {
    /// The one line that says a document is signed: in the top margin of its first page, so that
    /// the text and the layout below stay exactly as they are unsigned.
    package static func signatureNotice(_ text: String, on canvas: PDFCanvas) {
        var style = small
        style.alignment = .right
        _ = canvas.text(text, x: margin, y: 30, width: contentWidth, style: style)
    }
}
