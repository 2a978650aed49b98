/// How close a document is drawn when its usual layout runs past its pages: 0 as its script says,
/// then tighter cells and gaps, and last slightly smaller text. Nothing is ever left out.
package enum DocumentFit {
    package static let closest = 4

    package static func apply(_ level: Int, to layout: inout DocumentLayout) {
        switch level {
        case 0: break
        case 1:
            layout.cellPadding = 3
            layout.spacing = 0.6
        case 2:
            layout.cellPadding = 2
            layout.spacing = 0.35
        case 3:
            layout.cellPadding = 1.5
            layout.spacing = 0.3
            layout.textScale = 0.86
        default:
            // Every field at the longest the schema allows: 7.8 pt body text still reads on paper.
            layout.cellPadding = 1
            layout.spacing = 0.2
            layout.textScale = 0.74
        }
    }
}
