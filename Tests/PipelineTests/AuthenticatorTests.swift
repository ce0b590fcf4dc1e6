import Foundation
import Hashing
import Models
import Pipeline
import Sealing
import TestSupport
import Testing

/// Signed commands and reads: what a signature covers, the window, and one answer for every way a
/// credential fails, checked with the real keys of a test deployment.
@Suite("Authenticator")
struct AuthenticatorTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let clientID = ClientID(rawValue: "key_abc")
    let secret = "the-client-secret"

    var credential: Credential { .apiKey(clientID: clientID, secret: secret) }

    func stored(revoked: Bool = false, expiresAt: Date? = nil, secret: String? = nil) -> StoredKey {
        StoredKey(
            clientID: clientID,
            sealedSigningKeys: SealedSigningKeys(TestKeys.signingKeys(of: secret ?? self.secret, clientID: clientID)),
            workspaceID: WorkspaceID(rawValue: "ws_1"),
            organizationID: OrganizationID(rawValue: "org_1"),
            workspaceStatus: .active,
            userID: UserID(rawValue: "usr_1"),
            role: .owner,
            scopes: Set(Scope.all),
            expiresAt: expiresAt,
            revoked: revoked
        )
    }

    func command(time: Date? = nil) -> Envelope {
        var envelope = Envelope(
            id: "cmd-1",
            type: "tenancy.sharing.CreateShareRequest.v1",
            source: "/tests",
            time: time ?? now,
            subject: "ws_1",
            replyKey: TestReplyKey.encoded,
            payload: Data(#"{"integration_id":"int_1"}"#.utf8)
        )
        envelope.recordKey = "ws_1"
        return envelope
    }

    func authenticate(_ envelope: Envelope, at service: String = "sharing", key: StoredKey? = nil) throws -> Principal {
        try TestKeys.authenticator(for: service).authenticate(envelope, now: now) { $0 == clientID ? key ?? stored() : nil }
    }

    @Test func aSignedCommandNamesItsMember() throws {
        let signed = credential.signing(command(), recordKey: "ws_1", service: "sharing")
        guard case .member(let caller) = try authenticate(signed) else {
            Issue.record("not a member")
            return
        }
        #expect(caller.clientID == clientID && caller.workspaceID.rawValue == "ws_1" && caller.role == .owner)
        #expect(!(signed.authorization ?? "").contains(secret), "the secret does not travel")
    }

    @Test func everyPartTheSignatureCoversIsChecked() throws {
        let signed = credential.signing(command(), recordKey: "ws_1", service: "sharing")
        let changes: [(String, (inout Envelope) -> Void)] = [
            ("ce_id", { $0.id = "cmd-2" }),
            ("ce_type", { $0.type = "tenancy.sharing.RevokeShare.v1" }),
            ("ce_time", { $0.time = now.addingTimeInterval(1) }),
            ("ce_subject", { $0.subject = "ws_2" }),
            ("record key", { $0.recordKey = "ws_2" }),
            ("ce_replykey", { $0.replyKey = String(TestReplyKey.encoded.reversed()) }),
            ("payload", { $0.payload = Data(#"{"integration_id":"int_2"}"#.utf8) }),
            ("a line break", { $0.subject = "ws_1\nws_2" }),
        ]
        for (part, change) in changes {
            var changed = signed
            change(&changed)
            #expect(throws: Authenticator.refusal, "\(part)") { try authenticate(changed) }
        }
    }

    @Test func aSignatureForOneServiceHoldsAtNoOther() throws {
        let forSharing = credential.signing(command(), recordKey: "ws_1", service: "sharing")
        #expect(throws: Authenticator.refusal) { try authenticate(forSharing, at: "deactivation") }
        // Signed with Sharing's signing key (what a copy of Sharing's database and key would give) but
        // claiming Deactivation: Deactivation's own key does not match it.
        var claimed = forSharing
        claimed.authorization = forSharing.authorization?.replacingOccurrences(of: "/sharing,", with: "/deactivation,")
        #expect(throws: Authenticator.refusal) { try authenticate(claimed, at: "deactivation") }
    }

    @Test func theTimeMustBeWithinTheWindowEitherWay() throws {
        for (offset, holds) in [(-899.0, true), (899, true), (-901, false), (901, false)] {
            let signed = credential.signing(command(time: now.addingTimeInterval(offset)), recordKey: "ws_1", service: "sharing")
            if holds {
                #expect(throws: Never.self) { try authenticate(signed) }
            } else {
                #expect(throws: Authenticator.refusal, "\(offset) s") { try authenticate(signed) }
            }
        }
        var untimed = credential.signing(command(), recordKey: "ws_1", service: "sharing")
        untimed.time = nil
        #expect(throws: Authenticator.refusal) { try authenticate(untimed) }
    }

    @Test func everyFailingCredentialGetsTheSameAnswer() throws {
        let signed = credential.signing(command(), recordKey: "ws_1", service: "sharing")
        let wrongSecret = Credential.apiKey(clientID: clientID, secret: "guess").signing(command(), recordKey: "ws_1", service: "sharing")
        let unknown = Credential.apiKey(clientID: ClientID(rawValue: "key_other"), secret: secret).signing(
            command(),
            recordKey: "ws_1",
            service: "sharing"
        )
        var unsigned = command()
        unsigned.authorization = nil
        var bearer = command()
        bearer.authorization = "Bearer key_abc:\(secret)"
        #expect(throws: Authenticator.refusal) { try authenticate(wrongSecret) }
        #expect(throws: Authenticator.refusal) { try authenticate(unknown) }
        #expect(throws: Authenticator.refusal) { try authenticate(unsigned) }
        #expect(throws: Authenticator.refusal) { try authenticate(bearer) }
        #expect(throws: Authenticator.refusal) { try authenticate(signed, key: stored(revoked: true)) }
        #expect(throws: Authenticator.refusal) { try authenticate(signed, key: stored(expiresAt: now)) }
        #expect(throws: Never.self) { try authenticate(signed, key: stored(expiresAt: now.addingTimeInterval(1))) }
        var noKeys = stored()
        noKeys.sealedSigningKeys = SealedSigningKeys([:])
        #expect(throws: Authenticator.refusal, "a key from before signing cannot sign") { try authenticate(signed, key: noKeys) }
    }

    @Test func namedOperatorsSignForTheServicesThatListThem() throws {
        let signed = TestKeys.operatorCredential.signing(command(), recordKey: "ws_1", service: "sharing")
        #expect(try authenticate(signed) == .operator(name: TestKeys.operatorName))
        let impostor = Credential.operator(name: TestKeys.operatorName, secret: "not-it").signing(command(), recordKey: "ws_1", service: "sharing")
        #expect(throws: Authenticator.refusal) { try authenticate(impostor) }
        let stranger = Credential.operator(name: "mallory", secret: TestKeys.operatorCredential.secret)
        #expect(throws: Authenticator.refusal) { try authenticate(stranger.signing(command(), recordKey: "ws_1", service: "sharing")) }
    }

    @Test func readsAreSignedOverMethodPathQueryAndTime() throws {
        let time = Timestamp.format(now)
        let header = credential.authorization(ofRead: "GET", path: "/workspaces/ws_1", query: "limit=5", time: time, service: "sharing")
        func read(_ method: String = "GET", _ path: String = "/workspaces/ws_1", _ query: String = "limit=5", _ at: String? = nil) throws -> Principal
        {
            try TestKeys.authenticator(for: "sharing").authenticateRead(
                method: method,
                path: path,
                query: query,
                time: at ?? time,
                authorization: header,
                now: now
            ) { $0 == clientID ? stored() : nil }
        }
        #expect(throws: Never.self) { try read() }
        #expect(throws: Authenticator.refusal) { try read("DELETE") }
        #expect(throws: Authenticator.refusal) { try read("GET", "/workspaces/ws_2") }
        #expect(throws: Authenticator.refusal) { try read("GET", "/workspaces/ws_1", "limit=500") }
        #expect(throws: Authenticator.refusal) { try read("GET", "/workspaces/ws_1", "limit=5", Timestamp.format(now.addingTimeInterval(1))) }
    }

    /// Computed apart from this code (Python's hmac and hashlib), so the wire format cannot drift.
    @Test func theSignatureMatchesAnIndependentComputation() throws {
        let secret = "s3cret-for-the-vector"
        let key = RequestSignature.signingKey(secret: secret, service: "sharing")
        #expect(key.withUnsafeBytes { Data($0) } == Hex.decode("f229b9d7e44d50670d9f58ce6e51756724b50f386484426f39ec8f202c0b20a6"))
        let envelope = Envelope(
            id: "cmd-1",
            type: "tenancy.sharing.CreateShareRequest.v1",
            source: "/elsewhere",
            time: Timestamp.parse("2026-11-28T01:02:03.456Z"),
            subject: "ws_1",
            payload: Data(#"{"integration_id":"int_1","destination_workspace_id":"ws_2"}"#.utf8)
        )
        let header = Credential.apiKey(clientID: clientID, secret: secret).authorization(ofCommand: envelope, recordKey: "ws_1", service: "sharing")
        #expect(header == "TNCY1-HMAC-SHA256 Credential=key_abc/sharing, Signature=997524ca59fa59124eb20e820639ccccd6f0a7d1e6d8d8077f592de8be8696db")
        let read = Credential.operator(name: "alice", secret: secret).authorization(
            ofRead: "GET",
            path: "/workspaces/ws_1",
            query: "limit=5",
            time: "2026-11-28T01:02:03.456Z",
            service: "lifecycle"
        )
        #expect(read?.hasSuffix("Signature=b707f5cb26bee28770d8eb4f38174297058cc798acb3e8b2f39c565b9a2c5e9e") == true)
    }
}
