import Foundation
import Hashing
import Models
import Pipeline
import Sealing

@testable import Lifecycle

func owner(scopes: Set<Scope> = Role.owner.scopes, role: Role = .owner, keyExpiresAt: Date? = nil) -> Principal {
    .member(
        Caller(
            userID: UserID(rawValue: "usr_owner"),
            clientID: ClientID(rawValue: "key_owner"),
            workspaceID: WorkspaceID(rawValue: "ws_home"),
            organizationID: OrganizationID(rawValue: "org_acme"),
            role: role,
            scopes: scopes.intersection(role.scopes),
            keyExpiresAt: keyExpiresAt
        )
    )
}

extension CommandOutcome {
    func events<T: Message>(of type: T.Type) -> [T] { events.compactMap { $0.message as? T } }
}

/// 32 bytes of 0x2a, base64: a fixed key for tests.
let testSecretsKey = Data(repeating: 42, count: 32).base64EncodedString()

/// `values` sealed, as a client seals them, to the Lifecycle secrets key that `testSecretsKey`
/// gives, for the command `commandID`.
func sealedForLifecycle(_ values: [String: String], commandID: String) throws -> SealedSecrets {
    let key = SecretSeal.inboundKey(fromSecretsKey: Data(repeating: 42, count: 32))
    return try SecretSeal.seal(values, to: SecretSeal.encode(key.publicKey), for: .integrationSecrets(commandID: commandID))
}

/// A fixed invitation key for tests: 32 bytes of 0x07.
let testInvitationKey = try! InvitationTokenKey(base64: Data(repeating: 7, count: 32).base64EncodedString())

/// `token` sealed to the Lifecycle secrets key that ``testSecretsKey`` gives, for the command
/// `commandID`, as a client seals a one-time token.
func sealedToken(_ token: String, commandID: String) throws -> SealedSecrets {
    let inbound = SecretSeal.inboundKey(fromSecretsKey: Data(base64Encoded: testSecretsKey)!)
    return try SecretSeal.seal(["token": token], to: SecretSeal.encode(inbound.publicKey), for: .token(commandID: commandID))
}

/// A sealed token no rule looks into (rules get the opened token).
let unopenedToken = SealedSecrets(suite: SecretSeal.suite, encapsulatedKey: "", ciphertext: "")
