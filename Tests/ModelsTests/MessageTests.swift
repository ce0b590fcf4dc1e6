import Foundation
import Models
import Testing

@Suite("Messages, registry, credentials and results")
struct MessageTests {
    func envelope(type: MessageType, payload: String) -> Envelope {
        Envelope(id: "1", type: type, source: "/t", time: nil, subject: nil, payload: Data(payload.utf8))
    }

    @Test func registryDecodesByWireName() throws {
        let registry = MessageRegistry([CreateWorkspace.self, CreateOrganization.self])
        let message = try registry.decode(envelope(type: CreateOrganization.messageType, payload: #"{"name":"Acme","owner_email":"a@b.co"}"#))
        #expect(message as? CreateOrganization == CreateOrganization(name: "Acme", ownerEmail: "a@b.co"))
    }

    @Test func unknownTypeIsATypedRejection() {
        let registry = MessageRegistry([CreateWorkspace.self])
        #expect(throws: Rejection(.unknownType, "message type 'tenancy.lifecycle.Nope.v1' is not handled here")) {
            try registry.decode(envelope(type: "tenancy.lifecycle.Nope.v1", payload: "{}"))
        }
    }

    @Test(arguments: [
        ("not json", nil as String?),
        (#"{"owner_email":"a@b.co"}"#, "name"),
        (#"{"name":5,"owner_email":"a@b.co"}"#, "name"),
        ("[]", nil),
    ])
    func malformedPayloadNamesTheField(payload: String, field: String?) {
        let registry = MessageRegistry([CreateOrganization.self])
        #expect {
            try registry.decode(envelope(type: CreateOrganization.messageType, payload: payload))
        } throws: { error in
            let rejection = error as! Rejection
            return rejection.code == .malformedPayload && rejection.field == field
        }
    }

    @Test func wireNamesAreVersionedAndWellFormed() {
        for type in [
            CreateOrganization.messageType, SetOrganizationFeatures.messageType, CreateWorkspace.messageType,
            OrganizationCreated.messageType, OrganizationFeaturesChanged.messageType, WorkspaceCreated.messageType,
            MemberAdded.messageType, APIKeyIssued.messageType, CommandResult.messageType,
        ] {
            #expect(type.isWellFormed, "\(type)")
        }
        #expect(!MessageType(rawValue: "tenancy.lifecycle.CreateWorkspace").isWellFormed)
        #expect(!MessageType(rawValue: "other.lifecycle.CreateWorkspace.v1").isWellFormed)
        #expect(!MessageType(rawValue: "tenancy..CreateWorkspace.v1").isWellFormed)
    }

    @Test func signedAuthorizationsParse() {
        let signature = String(repeating: "0a", count: 32)
        let key = SignedAuthorization(header: "TNCY1-HMAC-SHA256 Credential=key_abc123/sharing, Signature=\(signature)")
        #expect(key == SignedAuthorization(signer: .key(ClientID(rawValue: "key_abc123")), service: "sharing", signature: signature))
        let alice = SignedAuthorization(header: "TNCY1-HMAC-SHA256 Credential=operator:alice/lifecycle,Signature=\(signature)")
        #expect(alice?.signer == .operator("alice") && alice?.service == "lifecycle")
        for bad in [
            nil, "", "Bearer key_abc:secret", "TNCY1-HMAC-SHA256 Credential=key_abc/sharing",
            "TNCY1-HMAC-SHA256 Credential=key_abc/sharing, Signature=\(signature.dropLast())",
            "TNCY1-HMAC-SHA256 Credential=key_abc/sharing, Signature=\(signature.uppercased())",
            "TNCY1-HMAC-SHA256 Credential=ws_abc/sharing, Signature=\(signature)",
            "TNCY1-HMAC-SHA256 Credential=operator:Alice/sharing, Signature=\(signature)",
            "TNCY1-HMAC-SHA256 Credential=key_abc, Signature=\(signature)",
            "TNCY1-HMAC-SHA256 Credential=key_abc/sharing, Signature=\(signature), Extra=1",
            "TNCY1-HMAC-SHA256 Credential=" + String(repeating: "k", count: 2_000) + "/sharing, Signature=\(signature)",
        ] {
            #expect(SignedAuthorization(header: bad) == nil, "\(String(describing: bad))")
        }
        let round = SignedAuthorization(signer: .operator("ops.team-1"), service: "deactivation", signature: signature)
        #expect(SignedAuthorization(header: round.headerValue) == round)
    }

    @Test func replayedResultDropsSecrets() throws {
        let result = CommandResult.accepted(
            "c",
            type: CreateWorkspace.messageType,
            created: ["workspace_id": "ws_1"],
            secrets: ["client_secret": "s"]
        )
        let replay = result.forReplay
        #expect(replay.secrets == nil && replay.replayed == true && replay.created == result.created)
        let json = String(decoding: JSONCoding.encode(replay), as: UTF8.self)
        #expect(!json.contains("client_secret"))
        #expect(try JSONCoding.decode(CommandResult.self, from: JSONCoding.encode(result)) == result)
    }

    @Test func resultJSONUsesSnakeCase() {
        let rejected = CommandResult.rejected("c-9", type: "tenancy.x.Y.v1", Rejection(.nameTaken, "taken", field: "name"))
        let json = String(decoding: JSONCoding.encode(rejected), as: UTF8.self)
        #expect(
            json
                == #"{"command_id":"c-9","command_type":"tenancy.x.Y.v1","created":{},"error":{"code":"name_taken","field":"name","message":"taken"},"status":"rejected"}"#
        )
    }

    @Test func rolesGrantNestedScopes() {
        #expect(Role.owner.scopes == Scope.all)
        #expect(Role.admin.scopes.isSubset(of: Role.owner.scopes) && !Role.admin.scopes.contains(.resourceShare))
        #expect(Role.viewer.scopes == [.workspaceRead])
        #expect(Role.owner < Role.admin && Role.admin < Role.viewer)
    }

    @Test func topicPrefixRenamesEveryTopic() {
        let topics = Topics(prefix: "t42")
        #expect(topics.lifecycleCommands == "t42.lifecycle.commands")
        #expect(topics.commandResults == "t42.command-results")
        #expect(topics.deadLetter == "t42.deadletter")
    }

    @Test func identifiersCheckTheirForm() {
        #expect(WorkspaceID(rawValue: "ws_abc123").isWellFormed)
        #expect(!WorkspaceID(rawValue: "org_abc123").isWellFormed)
        #expect(!WorkspaceID(rawValue: "ws_").isWellFormed)
        #expect(!WorkspaceID(rawValue: "ws_a'b").isWellFormed)
        #expect(WorkspaceID(rawValue: "ws_AZaz09").isWellFormed)
        #expect(WorkspaceID(rawValue: "ws_" + String(repeating: "a", count: 64)).isWellFormed)
        for malformed in [
            "ws_" + String(repeating: "a", count: 65), "wsx_abc", "WS_abc", "ws-abc", "ws", "", "ws_a b", "ws_a@", "ws_a[", "ws_é", "ws_Ａ",
            "ws_a\u{301}",
        ] {
            #expect(!WorkspaceID(rawValue: malformed).isWellFormed, "\(malformed)")
        }
    }
}

@Suite("Unknown payload fields")
struct UnknownFieldTests {
    func check(_ payload: String) throws {
        let command = try JSONCoding.decode(CreateWorkspace.self, from: Data(payload.utf8))
        try MessageRegistry.rejectUnknownFields(of: command, payload: Data(payload.utf8))
    }

    @Test func clearIntegrationSecretsAreAnUnknownField() throws {
        let payload = #"{"kind":"secret","vendor":"vault","name":"DB","secrets":{"password":"in-clear"}}"#
        let command = try JSONCoding.decode(CreateIntegration.self, from: Data(payload.utf8))
        #expect { try MessageRegistry.rejectUnknownFields(of: command, payload: Data(payload.utf8)) } throws: {
            ($0 as? Rejection)?.field == "secrets" && !"\($0)".contains("in-clear")
        }
    }

    @Test func knownFieldsAndNullsPass() throws {
        try check(#"{"name":"Prod","copy_sso_config":true}"#)
        try check(#"{"name":null}"#)
        try check("{}")
    }

    @Test func misspeltFieldIsNamed() {
        #expect(
            throws: Rejection(.invalidArgument, "unknown field 'copy_sso_confg' for tenancy.lifecycle.CreateWorkspace.v1", field: "copy_sso_confg")
        ) {
            try check(#"{"name":"Prod","copy_sso_confg":true}"#)
        }
    }

    @Test func knownFieldsRememberedFromEarlierPayloadsDoNotLetAnUnknownOnePass() throws {
        try check(#"{"name":"Prod","copy_sso_config":true}"#)
        #expect(throws: Rejection.self) { try check(#"{"name":"Prod","copy_sso_config":true,"colour":"red"}"#) }
        #expect(throws: Rejection.self) { try check(#"{"name":"Prod","colour":"red"}"#) }
    }

    @Test func fieldsOfEveryKindOfValueAreChecked() throws {
        let invite = #"{"invitations":[{"email":"a@b.co","role":"viewer"}],"expires_in_days":3}"#
        let command = try JSONCoding.decode(BulkInviteUsers.self, from: Data(invite.utf8))
        try MessageRegistry.rejectUnknownFields(of: command, payload: Data(invite.utf8))
        let date = #"{"scopes":["workspace.read"],"expires_at":"2030-01-01T00:00:00Z"}"#
        try MessageRegistry.rejectUnknownFields(of: try JSONCoding.decode(IssueAPIKey.self, from: Data(date.utf8)), payload: Data(date.utf8))
    }
}
