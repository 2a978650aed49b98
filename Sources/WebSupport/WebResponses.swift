package import HTTPTypes
package import Hummingbird

/// What the viewer and the desk answer alike: a redirect after a form, and their session cookies.
package enum WebResponses {
    /// 303 See Other to `location`, with the cookies given.
    package static func seeOther(_ location: String, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A cookie only the site's own pages send back (SameSite=Strict), never readable by script;
    /// Secure when the site is reached over HTTPS.
    package static func cookie(_ name: String, _ value: String, maxAge: Int?, secure: Bool) -> String {
        var text = "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secure { text += "; Secure" }
        return text
    }
}
