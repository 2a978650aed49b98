package import HTTPTypes

/// The headers every response of the viewer and the desk carries, errors included: no script at all,
/// nothing from elsewhere, no framing, no sniffing, no referrer, and nothing stored by the browser
/// or a proxy unless the response says otherwise.
package enum SecurityHeaders {
    package static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    package static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    package static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    package static let frameOptions = HTTPField.Name("X-Frame-Options")!
    package static let policy = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    package static func apply(to headers: inout HTTPFields) {
        headers[contentSecurityPolicy] = policy
        headers[contentTypeOptions] = "nosniff"
        headers[referrerPolicy] = "no-referrer"
        headers[frameOptions] = "DENY"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}
