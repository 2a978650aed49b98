package import Hummingbird
import NIOCore

/// Per request: Hummingbird's core storage and the connection's peer (the browser, or the reverse proxy).
package struct DeskContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package let peer: String?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress
    }

    /// Nothing the desk accepts is larger than a form.
    package var maxUploadSize: Int { Desk.formLimit }
}
