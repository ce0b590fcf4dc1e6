import Foundation

/// An email with a plain-text and an HTML body, rendered as MIME `multipart/alternative`.
public struct MailMessage: Sendable, Hashable {
    public var from: String
    public var to: String
    public var subject: String
    public var text: String
    public var html: String
    /// `<unique@domain>`: the same for every attempt to deliver this message, so that a copy sent
    /// again after a crash can be recognised.
    public var messageID: String
    public var date: Date

    public init(from: String, to: String, subject: String, text: String, html: String, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }

    /// The message as it goes after `DATA`: CRLF line ends, bodies in base64, a non-ASCII subject as
    /// an encoded word, header values stripped of line breaks (no header injection).
    public func rendered() -> String {
        let boundary = "tenancy-" + String(messageID.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(60))
        let headers = [
            "From: \(Self.clean(from))",
            "To: \(Self.clean(to))",
            "Subject: \(Self.encodedWord(Self.clean(subject)))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: \(Self.clean(messageID))",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        let parts = [("text/plain", text), ("text/html", html)].map { type, body in
            "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Self.base64Lines(body)
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + parts.joined(separator: "\r\n") + "\r\n--\(boundary)--\r\n"
    }

    /// The payload of `DATA`: a line beginning with "." gets another one (RFC 5321 4.5.2).
    func dotStuffed() -> String {
        rendered().components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    static func clean(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0.properties.generalCategory != .control }.map(Character.init))
    }

    static func encodedWord(_ value: String) -> String {
        guard !value.allSatisfy({ $0.isASCII }) else { return value }
        return "=?UTF-8?B?\(Data(value.utf8).base64EncodedString())?="
    }

    static func base64Lines(_ body: String) -> String {
        let encoded = Data(body.utf8).base64EncodedString()
        var lines: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[start..<end])
            start = end
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
