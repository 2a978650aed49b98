import Support
package import WebSupport

/// The viewer's HTML pages: the templates in `templates/viewer/` and `viewer.css` (PageTemplates).
package struct ViewerPages: Sendable {
    private let templates: PageTemplates
    package var stylesheet: [UInt8] { templates.stylesheet }

    package typealias Failure = PageTemplates.Failure

    package init(overrides: String?) throws(Failure) {
        templates = try PageTemplates(
            folder: "viewer", surface: "the viewer's", stylesheet: "viewer.css", pages: Page.allCases.map(\.rawValue), overrides: overrides)
    }

    package enum Page: String, CaseIterable {
        case form, certificate, denied, locked, message, check, receipt
    }

    package func render(_ page: Page, _ context: [String: Any]) -> String {
        templates.render(page.rawValue, context)
    }
}
