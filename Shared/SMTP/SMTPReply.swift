import NIOCore

/// One reply of an SMTP server: its code and the text of each of its lines.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]

    public var isPositive: Bool { (200..<400).contains(code) }
    public var isTransient: Bool { (400..<500).contains(code) }

    public var description: String { "\(code) \(lines.joined(separator: " / "))" }
}

/// Splits the server's bytes into replies: lines `NNN-text` continue a reply, `NNN text` ends it.
/// Bytes that are not a reply, or a line longer than `maxLineLength`, are an error.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    static let maxLineLength = 4_096
    private var pending: [String] = []
    private var pendingCode: Int?

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLineLength {
                throw SMTPError.permanent("the server sent a line longer than \(Self.maxLineLength) bytes")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200..<600).contains(code),
            bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-"),
            pendingCode == nil || pendingCode == code
        else {
            throw SMTPError.permanent("the server's reply is not SMTP: \(line.prefix(80))")
        }
        pending.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if bytes.count > 3, bytes[3] == UInt8(ascii: "-") {
            pendingCode = code
        } else {
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: pending)))
            pending = []
            pendingCode = nil
        }
        return .continue
    }
}
