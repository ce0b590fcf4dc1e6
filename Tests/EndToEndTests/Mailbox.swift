import Foundation
import Models
import TestSupport

/// What the test SMTP server received, read as a recipient reads their inbox: the only place an
/// invitation's token can be found.
enum Mailbox {
    /// The plain-text body of a raw email (base64 in its MIME part, as the service sends it).
    static func text(of raw: String) -> String {
        let parts = raw.components(separatedBy: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
        guard parts.count > 1, let encoded = parts[1].components(separatedBy: "\r\n--").first else { return "" }
        return Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: "")).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The token in the invitation email for `invitationID`, once it has arrived.
    static func invitationToken(_ invitationID: String, in server: TestSMTPServer) async throws -> String {
        var token: String?
        try await Wait.until("the invitation email for \(invitationID)", timeout: .seconds(60), every: .milliseconds(200)) {
            token =
                server.messages().lazy.compactMap { raw in
                    Self.text(of: raw).firstMatch(of: /TENANCY_INVITATION_TOKEN=([A-Za-z0-9_-]+) tenancy user accept (inv_[A-Za-z0-9]+)/)
                        .flatMap { $0.output.2 == invitationID ? String($0.output.1) : nil }
                }.first
            return token != nil
        }
        return try token ?? { throw TestSupportError("no invitation email for \(invitationID)") }()
    }

    /// The credential environment `tenancy user accept` needs for `invitation`, from the email.
    static func acceptEnvironment(_ invitation: CommandResult, in server: TestSMTPServer) async throws -> [String: String] {
        guard let id = invitation.created["invitation_id"] else { throw TestSupportError("the result names no invitation") }
        return ["TENANCY_INVITATION_TOKEN": try await invitationToken(id, in: server)]
    }
}
