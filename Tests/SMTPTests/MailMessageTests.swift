import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import SMTP

/// Decodes the base64 body of the part with `type` from a rendered message.
func body(_ raw: String, type: String) -> String? {
    guard let start = raw.range(of: "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n") else { return nil }
    let rest = raw[start.upperBound...]
    let encoded = rest.prefix { $0 != "-" }.filter { !$0.isWhitespace }
    return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) }
}

@Suite("Mail message and SMTP replies")
struct MailMessageTests {
    let message = MailMessage(
        from: "Tenancy <noreply@tenancy.example>",
        to: "owner@acme.example",
        subject: "Share request: Alerts",
        text: "Line one\n.starts with a dot\nÜnïcode",
        html: "<p>Hello &amp; welcome</p>",
        messageID: "<ntf_1@tenancy>",
        date: Date(timeIntervalSince1970: 1_800_000_000)
    )

    @Test func renderingCarriesHeadersAndBothBodies() {
        let raw = message.rendered()
        #expect(raw.contains("\r\nMessage-ID: <ntf_1@tenancy>\r\n") && raw.contains("\r\nTo: owner@acme.example\r\n"))
        #expect(raw.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000"))
        #expect(raw.contains("Content-Type: multipart/alternative; boundary=\"tenancy-ntf1tenancy\""))
        #expect(body(raw, type: "text/plain") == message.text && body(raw, type: "text/html") == message.html)
        #expect(raw.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
    }

    @Test func headersCannotBeInjectedAndNonASCIISubjectsAreEncoded() {
        var hostile = message
        hostile.subject = "Hi\r\nBcc: victim@example.com"
        hostile.to = "a@b.example\r\nX-Evil: 1"
        let raw = hostile.rendered()
        #expect(!raw.contains("\r\nBcc:") && !raw.contains("\r\nX-Evil:"))
        hostile.subject = "Freigabe für Ops"
        #expect(hostile.rendered().contains("Subject: =?UTF-8?B?\(Data("Freigabe für Ops".utf8).base64EncodedString())?="))
    }

    @Test func linesStartingWithADotAreStuffed() {
        var plain = message
        plain.subject = ".hidden"
        #expect(MailMessage.clean("a\u{7}b") == "ab")
        let stuffed = plain.dotStuffed()
        #expect(stuffed.components(separatedBy: "\r\n").allSatisfy { !$0.hasPrefix(".") || $0.hasPrefix("..") })
    }

    @Test func multiLineRepliesAreAssembledAndGarbageIsRefused() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        try channel.writeInbound(ByteBuffer(string: "250-mail.example greets you\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n220 ok\n"))
        let first = try #require(try channel.readInbound(as: SMTPReply.self))
        #expect(first.code == 250 && first.lines == ["mail.example greets you", "STARTTLS", "AUTH PLAIN LOGIN"])
        #expect(first.offers("STARTTLS") && first.offers("AUTH", "LOGIN") && !first.offers("AUTH", "XOAUTH2"))
        #expect(try channel.readInbound(as: SMTPReply.self)?.code == 220)
        #expect(throws: SMTPError.self) { try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\n")) }
    }
}
