import Foundation
import Kafka
import Models
import Pipeline
import Sealing

/// The keys of a test deployment: one key pair per service, made once per test process, and one
/// operator. In-process handlers and started executables use the same ones.
public enum TestKeys {
    /// The services, and the tests' own note service.
    public static let services = ServiceKeys.services + ["notes"]
    private static let generated = ServiceKeys.generate(for: services)

    /// Every service's public key, entries separated by commas (as `TENANCY_SERVICE_PUBLIC_KEYS`).
    public static let publicKeys = generated.publicKeys.split(separator: "\n").joined(separator: ",")

    /// `service`'s private key, base64url (as `TENANCY_SERVICE_KEY`).
    public static func privateKey(of service: String) -> String {
        generated.privateKeys[service]!
    }

    public static func serviceKeys(for service: String) -> ServiceKeys {
        try! ServiceKeys(service: service, privateKey: privateKey(of: service), publicKeys: publicKeys)
    }

    /// What `service` tags its events and checks the events it follows with.
    public static func eventTag(for service: String) -> EventTag {
        try! EventTag(keys: serviceKeys(for: service))
    }

    /// The operator every test deployment accepts.
    public static let operatorName = "test-operator"
    public static let operatorCredential = Credential.operator(
        name: operatorName,
        secret: "dGVzdC1vcGVyYXRvci1zZWNyZXQtMzItYnl0ZXMtb2YtcmFuZG9tbmVzcw"
    )

    /// The operators file line of ``operatorCredential`` for `service` (as `TENANCY_OPERATORS`).
    public static func operators(for service: String) -> String {
        guard case .operator(let name, let secret) = operatorCredential else { return "" }
        return OperatorKeys.line(name: name, secret: secret, service: service)
    }

    /// What `service` checks signatures with in a test: its keys and the test operator.
    public static func authenticator(for service: String, window: TimeInterval = 900) -> Authenticator {
        Authenticator(keys: serviceKeys(for: service), operators: try! OperatorKeys(parsing: operators(for: service)), window: window)
    }

    /// The signing keys of a key with `secret`, sealed for every service, as Lifecycle issues them.
    public static func signingKeys(of secret: String, clientID: ClientID) -> [String: SealedSecrets] {
        serviceKeys(for: "lifecycle").sealSigningKeys(secret: secret, clientID: clientID.rawValue)
    }

    /// Whether `sealed` holds, for every service, the signing key that `secret` makes for it, each
    /// sealed to that service alone.
    public static func areSigningKeys(_ sealed: [String: SealedSecrets], of secret: String, clientID: ClientID) -> Bool {
        Set(sealed.keys) == Set(services)
            && services.allSatisfy { service in
                let expected = RequestSignature.signingKey(secret: secret, service: service)
                let opened = try? serviceKeys(for: service).openSigningKey(sealed[service]!, clientID: clientID.rawValue)
                let other = services.first { $0 != service }!
                return opened == expected && (try? serviceKeys(for: other).openSigningKey(sealed[service]!, clientID: clientID.rawValue)) == nil
            }
    }

    /// The environment a started service reads its keys and operators from.
    public static func environment(for service: String) -> [String: String] {
        ["TENANCY_SERVICE_KEY": privateKey(of: service), "TENANCY_SERVICE_PUBLIC_KEYS": publicKeys, "TENANCY_OPERATORS": operators(for: service)]
    }
}

extension Envelope {
    /// This envelope as `credential` signs it for `service` (unsigned when nil), as a client sends
    /// it under its record key, which is its subject unless set.
    public func signed(by credential: Credential?, for service: String) -> Envelope {
        var envelope = self
        envelope.recordKey = recordKey ?? subject
        return credential?.signing(envelope, recordKey: envelope.recordKey, service: service) ?? envelope
    }
}

extension KafkaRecord {
    /// This event record as `owner` publishes it on its events topic: tagged for every other service.
    public func taggedAsEvent(of owner: String) -> KafkaRecord {
        tagged(by: TestKeys.eventTag(for: owner))
    }
}

extension TestKeys {
    /// The API key that signed `envelope` for `service`, checked by the real ``Authenticator``
    /// against a key of any client id whose secret is `secret` (for pipeline tests with handlers of
    /// their own). Throws its refusal when the signature does not hold.
    public static func signingClient(of envelope: Envelope, service: String, secret: String, now: Date) throws -> ClientID {
        let principal = try authenticator(for: service).authenticate(envelope, now: now) { clientID in
            StoredKey(
                clientID: clientID,
                sealedSigningKeys: SealedSigningKeys(signingKeys(of: secret, clientID: clientID)),
                workspaceID: WorkspaceID(rawValue: "ws_1"),
                organizationID: OrganizationID(rawValue: "org_1"),
                workspaceStatus: .active,
                userID: UserID(rawValue: "usr_1"),
                role: .owner,
                scopes: [],
                expiresAt: nil,
                revoked: false
            )
        }
        guard case .member(let caller) = principal else { throw Authenticator.refusal }
        return caller.clientID
    }
}
