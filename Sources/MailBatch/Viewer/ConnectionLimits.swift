import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection that has not sent a complete request head within the header timeout of
/// opening or of its last answer. Hummingbird's idle timeout counts only decoded requests, so it
/// catches a slow header too; this one is shorter and names what happened in the log.
final class RequestHeadTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let logger: Logger
    private var pending: Scheduled<Void>?

    init(seconds: Int, logger: Logger) {
        timeout = .seconds(Int64(seconds))
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { arm(context) }
    func handlerRemoved(context: ChannelHandlerContext) { disarm() }
    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { disarm() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
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
struct ConnectionCap: AvailableConnectionsDelegate {
    let maximum: Int
    let logger: Logger
    private var open = 0
    private var full = false

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        if open >= maximum, !full {
            full = true
            logger.warning(
                "viewer connection cap reached: new connections wait until one closes",
                metadata: ["open": "\(open)", "max_connections": "\(maximum)"])
        }
    }

    mutating func connectionClosed() {
        open -= 1
        if full, open < maximum {
            full = false
            logger.notice("viewer accepts connections again", metadata: ["open": "\(open)"])
        }
    }

    func isAcceptingNewConnections() -> Bool { open < maximum }
}
