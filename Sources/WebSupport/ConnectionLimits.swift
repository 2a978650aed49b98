import HTTPTypes
import HummingbirdCore
package import Logging
package import NIOCore
package import NIOHTTPTypes

/// Closes a connection that has not sent a complete request head within the header timeout of
/// opening or of its last answer. Hummingbird's idle timeout counts only decoded requests, so it
/// catches a slow header too; this one is shorter and names what happened in the log.
package final class RequestHeadTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPRequestPart
    package typealias InboundOut = HTTPRequestPart
    package typealias OutboundIn = HTTPResponsePart
    package typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let logger: Logger
    private var pending: Scheduled<Void>?

    package init(seconds: Int, logger: Logger) {
        timeout = .seconds(Int64(seconds))
        self.logger = logger
    }

    package func handlerAdded(context: ChannelHandlerContext) { arm(context) }
    package func handlerRemoved(context: ChannelHandlerContext) { disarm() }
    package func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { disarm() }
        context.fireChannelRead(data)
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd { arm(context) }
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        let loopBound = NIOLoopBound((context, logger), eventLoop: context.eventLoop)
        pending = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            let (context, logger) = loopBound.value
            logger.info("connection closed: no complete request head in time", metadata: ["peer": "\(context.remoteAddress?.ipAddress ?? "?")"])
            context.close(promise: nil)
        }
    }

    private func disarm() {
        pending?.cancel()
        pending = nil
    }
}

/// Caps the open connections, and says so in the log once each time the cap is reached (not once
/// per waiting connection), and again when connections are accepted again.
package struct ConnectionCap: AvailableConnectionsDelegate {
    package let maximum: Int
    package let logger: Logger
    private var open = 0
    private var full = false

    package init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    package mutating func connectionOpened() {
        open += 1
        if open >= maximum, !full {
            full = true
            logger.warning(
                "viewer connection cap reached: new connections wait until one closes",
                metadata: ["open": "\(open)", "max_connections": "\(maximum)"])
        }
    }

    package mutating func connectionClosed() {
        open -= 1
        if full, open < maximum {
            full = false
            logger.notice("viewer accepts connections again", metadata: ["open": "\(open)"])
        }
    }

    package func isAcceptingNewConnections() -> Bool { open < maximum }
}
