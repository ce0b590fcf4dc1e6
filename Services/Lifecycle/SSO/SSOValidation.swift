import Foundation
import Hashing
import Models

/// Checks of IdP settings. The certificate is checked structurally (PEM armour, base64, one DER
/// SEQUENCE whose length matches), which catches pasted garbage and truncation.
enum SSOValidation {
    static let maxCertificateBytes = 16 * 1_024

    static func settings(entityID: String, ssoURL: String, certificate: String) throws(Rejection) -> SSORules.Settings {
        let entity = entityID.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1_024).contains(entity.count), entity.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else {
            throw .invalid("entity_id", "must be 1 to 1024 printable characters")
        }
        let url = ssoURL.trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.count <= 2_048, let parsed = URL(string: url), parsed.scheme?.lowercased() == "https", let host = parsed.host, !host.isEmpty else {
            throw .invalid("sso_url", "must be an https:// URL")
        }
        let (pem, der) = try self.certificate(certificate)
        return SSORules.Settings(entityID: entity, ssoURL: url, certificate: pem, certificateSHA256: SHA256Digest.hex(of: der))
    }

    /// The certificate re-armoured with 64-character lines, and its DER bytes.
    static func certificate(_ text: String) throws(Rejection) -> (pem: String, der: Data) {
        let begin = "-----BEGIN CERTIFICATE-----"
        let end = "-----END CERTIFICATE-----"
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= maxCertificateBytes else { throw .invalid("certificate", "is larger than \(maxCertificateBytes) bytes") }
        guard trimmed.hasPrefix(begin), trimmed.hasSuffix(end), trimmed.count > begin.count + end.count else {
            throw .invalid("certificate", "must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)")
        }
        let body = trimmed.dropFirst(begin.count).dropLast(end.count).filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(body)), isDERSequence(der) else {
            throw .invalid("certificate", "is not a DER certificate in base64")
        }
        let lines = stride(from: 0, to: body.count, by: 64).map { offset in
            String(body.dropFirst(offset).prefix(64))
        }
        return (([begin] + lines + [end]).joined(separator: "\n"), der)
    }

    /// One ASN.1 SEQUENCE spanning exactly the bytes given.
    private static func isDERSequence(_ der: Data) -> Bool {
        let bytes = [UInt8](der)
        guard bytes.count >= 2, bytes[0] == 0x30 else { return false }
        var length = Int(bytes[1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7f
            guard (1...3).contains(count), bytes.count >= 2 + count else { return false }
            length = bytes[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
            header += count
        }
        return header + length == bytes.count
    }

    static func claimText(_ value: String, field: String) throws(Rejection) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...256).contains(trimmed.count), trimmed.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else {
            throw .invalid(field, "must be 1 to 256 printable characters")
        }
        return trimmed
    }
}
