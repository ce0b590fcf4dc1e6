import Crypto
import Foundation
import Hashing
import Models

/// How a command or a read proves who sent it while the secret stays with the client, after AWS
/// Signature Version 4: the client derives a signing key per service from its secret and signs the
/// parts of the request that matter with HMAC-SHA256. A service holds only its own derived key of
/// each API key (``ServiceKeys``), never the secret.
///
/// The text signed is lines joined by `\n` (no line may contain one):
/// - a command: `TNCY1-HMAC-SHA256`, `command`, the service, the signer, `ce_id`, `ce_type`,
///   `ce_time` (as sent, which must be `YYYY-MM-DDTHH:MM:SS.sssZ`), `ce_subject`, the record key,
///   `ce_replykey` (each empty when absent) and the lower-case hex SHA-256 of the record value;
/// - a read: `TNCY1-HMAC-SHA256`, `read`, the service, the signer, the method, the path, the query
///   as sent (without `?`) and the `x-tenancy-time` header.
public enum RequestSignature {
    /// The header a read carries its signed time in (`YYYY-MM-DDTHH:MM:SS.sssZ`).
    public static let readTimeHeader = "x-tenancy-time"

    /// The name the signing key travels under inside its sealed box.
    static let signingKeyField = "signing_key"

    /// The key `secret` signs with for `service`: HMAC-SHA256 keyed with `TNCY1` + secret over
    /// `tenancy signing key v1`, a zero byte and the service name.
    public static func signingKey(secret: String, service: String) -> SymmetricKey {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("tenancy signing key v1\u{0}\(service)".utf8),
            using: SymmetricKey(data: Data("TNCY1\(secret)".utf8))
        )
        return SymmetricKey(data: Data(code))
    }

    /// The text a command's signature covers; nil when a part holds a line break, which no valid
    /// command has, or when it has no time.
    public static func text(ofCommand envelope: Envelope, recordKey: String?, service: String, signer: Signer) -> Data? {
        guard let time = envelope.time else { return nil }
        return lines([
            "command", service, signer.description, envelope.id, envelope.type.rawValue, Timestamp.format(time),
            envelope.subject ?? "", recordKey ?? "", envelope.replyKey ?? "", SHA256Digest.hex(of: envelope.payload),
        ])
    }

    /// The text a read's signature covers; nil when a part holds a line break.
    public static func text(ofRead method: String, path: String, query: String, time: String, service: String, signer: Signer) -> Data? {
        lines(["read", service, signer.description, method, path, query, time])
    }

    public static func signature(of text: Data, with key: SymmetricKey) -> String {
        Hex.encode(KeyedHMAC(key: key).code(for: text))
    }

    /// Whether `signature` (lower-case hex) is `key`'s over `text`, compared in constant time.
    public static func isValid(_ signature: String, of text: Data, with key: KeyedHMAC) -> Bool {
        guard let code = Hex.decode(signature) else { return false }
        return key.isValid(code, for: text)
    }

    private static func lines(_ parts: [String]) -> Data? {
        SignedLines.join([SignedAuthorization.algorithm] + parts)
    }
}

extension Credential {
    /// The `authorization` header of `envelope` sent to `service` under `recordKey`.
    public func authorization(ofCommand envelope: Envelope, recordKey: String?, service: String) -> String? {
        guard let text = RequestSignature.text(ofCommand: envelope, recordKey: recordKey, service: service, signer: signer) else { return nil }
        return sign(text, service: service)
    }

    /// The `authorization` header of a read; `time` is its `x-tenancy-time` header.
    public func authorization(ofRead method: String, path: String, query: String, time: String, service: String) -> String? {
        guard let text = RequestSignature.text(ofRead: method, path: path, query: query, time: time, service: service, signer: signer) else {
            return nil
        }
        return sign(text, service: service)
    }

    /// The headers that sign a read of `target` (the path and, after `?`, the query exactly as it
    /// will be sent) from `service` at `time`: `authorization` and `x-tenancy-time`; none when a part
    /// holds a line break, which no valid read has.
    public func readHeaders(_ method: String = "GET", target: String, service: String, time: Date = Date()) -> [String: String] {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let query = parts.count > 1 ? String(parts[1]) : ""
        let time = Timestamp.format(time)
        guard let authorization = authorization(ofRead: method, path: String(parts[0]), query: query, time: time, service: service) else {
            return [:]
        }
        return ["authorization": authorization, RequestSignature.readTimeHeader: time]
    }

    /// `envelope` with its `authorization` header, as sent to `service` under `recordKey`.
    public func signing(_ envelope: Envelope, recordKey: String?, service: String) -> Envelope {
        var signed = envelope
        signed.authorization = authorization(ofCommand: envelope, recordKey: recordKey, service: service)
        return signed
    }

    private func sign(_ text: Data, service: String) -> String {
        let key = RequestSignature.signingKey(secret: secret, service: service)
        return SignedAuthorization(signer: signer, service: service, signature: RequestSignature.signature(of: text, with: key)).headerValue
    }
}
