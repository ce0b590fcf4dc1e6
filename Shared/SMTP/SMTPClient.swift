import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers one message per connection: `EHLO`, optional `STARTTLS` and `AUTH`, `MAIL FROM`,
/// `RCPT TO`, `DATA`, `QUIT`. Throws ``SMTPError`` only: temporary for 4xx replies and for a server
/// that cannot be reached or stops answering, permanent for 5xx replies.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    private let group: any EventLoopGroup

    public init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    public func send(_ message: MailMessage) async throws {
        let configuration = configuration
        if let refusal = configuration.refusal { throw SMTPError.permanent(refusal) }
        let tls = configuration.security == .tls ? try TLSHandshake(configuration) : nil
        let channel: NIOAsyncChannel<SMTPReply, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(Int64(configuration.replyTimeout * 1_000)))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(try tls.handler()) }
                        try channel.pipeline.syncOperations.addHandler(
                            IdleStateHandler(readTimeout: .milliseconds(Int64(configuration.replyTimeout * 1_000)))
                        )
                        try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError.temporary("cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = SMTPSession(
                    configuration: configuration,
                    channel: channel.channel,
                    replies: inbound.makeAsyncIterator(),
                    outbound: outbound
                )
                try await session.deliver(message)
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError.temporary("connection to \(configuration.host):\(configuration.port) failed: \(error)")
        }
    }
}

/// The conversation of one delivery.
private struct SMTPSession {
    let configuration: SMTPConfiguration
    let channel: any Channel
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    mutating func deliver(_ message: MailMessage) async throws {
        _ = try await expect(220, after: nil)
        var greeting = try await command("EHLO \(configuration.heloName)", expect: 250)
        if configuration.security == .startTLS {
            guard greeting.offers("STARTTLS") else { throw SMTPError.permanent("the server does not offer STARTTLS, which is required") }
            _ = try await command("STARTTLS", expect: 220)
            try await startTLS()
            greeting = try await command("EHLO \(configuration.heloName)", expect: 250)
        }
        if let username = configuration.username, let password = configuration.password {
            try await authenticate(username: username, password: password, offered: greeting)
        }
        _ = try await command("MAIL FROM:<\(try Self.address(message.from))>", expect: 250)
        _ = try await command("RCPT TO:<\(try Self.address(message.to))>", expect: 250, 251)
        _ = try await command("DATA", expect: 354)
        try await write(message.dotStuffed() + ".\r\n")
        _ = try await expect(250, after: "the message")
        try? await write("QUIT\r\n")
    }

    private mutating func authenticate(username: String, password: String, offered greeting: SMTPReply) async throws {
        if greeting.offers("AUTH", "PLAIN") || !greeting.offers("AUTH", "LOGIN") {
            let token = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
            _ = try await command("AUTH PLAIN \(token)", expect: 235, describedAs: "AUTH PLAIN")
        } else {
            _ = try await command("AUTH LOGIN", expect: 334)
            _ = try await command(Data(username.utf8).base64EncodedString(), expect: 334, describedAs: "the user name")
            _ = try await command(Data(password.utf8).base64EncodedString(), expect: 235, describedAs: "the password")
        }
    }

    private func startTLS() async throws {
        let tls = try TLSHandshake(configuration)
        try await channel.eventLoop.submit { [channel] in
            try channel.pipeline.syncOperations.addHandler(try tls.handler(), position: .first)
        }.get()
    }

    /// Sends a line and checks the reply. `describedAs` replaces the line in errors (credentials).
    private mutating func command(_ line: String, expect codes: Int..., describedAs description: String? = nil) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await expect(codes, after: description ?? line)
    }

    private mutating func expect(_ codes: Int..., after step: String?) async throws -> SMTPReply {
        try await expect(codes, after: step)
    }

    private mutating func expect(_ codes: [Int], after step: String?) async throws -> SMTPReply {
        guard let reply = try await replies.next() else {
            throw SMTPError.temporary(
                "the server closed the connection or did not answer within \(Int(configuration.replyTimeout)) s\(step.map { " after \($0)" } ?? "")"
            )
        }
        guard codes.contains(reply.code) else {
            let reason = "the server answered \(reply)\(step.map { " to \($0)" } ?? "")"
            throw reply.isTransient ? SMTPError.temporary(reason) : reply.code >= 500 ? SMTPError.permanent(reason) : SMTPError.temporary(reason)
        }
        return reply
    }

    private func write(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// The address inside `Name <address>`, or the whole value; refused when it could break the command.
    static func address(_ value: String) throws -> String {
        var address = value
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            address = String(value[value.index(after: open)..<close])
        }
        guard !address.isEmpty, address.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" }) else {
            throw SMTPError.permanent("'\(value.prefix(100))' is not an address that can be sent to")
        }
        return address
    }
}

extension SMTPReply {
    /// Whether an `EHLO` reply lists an extension (`STARTTLS`), or a parameter of one (`AUTH PLAIN`).
    func offers(_ keyword: String, _ parameter: String? = nil) -> Bool {
        lines.dropFirst().contains { line in
            let words = line.uppercased().split(separator: " ")
            return words.first.map(String.init) == keyword && (parameter.map { words.dropFirst().map(String.init).contains($0) } ?? true)
        }
    }
}

/// Closes the connection when the server has sent nothing for the reply timeout.
private final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// The client side of TLS to the configured server: its trust roots, and its name checked against
/// the certificate unless it is an IP address.
private struct TLSHandshake: Sendable {
    let context: NIOSSLContext
    let host: String

    init(_ configuration: SMTPConfiguration) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustRootsFile {
            tls.trustRoots = .file(file)
        }
        context = try NIOSSLContext(configuration: tls)
        host = configuration.host
    }

    func handler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: host.first?.isNumber == true ? nil : host)
    }
}
