package import Hummingbird
import NIOCore

/// Per request: Hummingbird's core storage and the connection's peer address (the client, or the
/// reverse proxy in front of it).
package struct ViewerContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package let peer: String?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress
    }

    /// Nothing the viewer accepts is larger than a certificate data file.
    package var maxUploadSize: Int { Viewer.uploadLimit }
}
