import Foundation
import Kafka
import Models
import Pipeline
import Sealing
import TestSupport

/// What checking a command's signature and an event's tags costs in-process, without the broker
/// or the database: Sharing's ``Authenticator`` on signed `CreateShareRequest` records as the load
/// sends them (the key already opened, and the first command of a key, which opens its sealed
/// signing key), and ``EventTag`` making and checking the tags of an event of the same size.
enum SignatureCost {
    struct Result: Codable {
        var commandBytes: Int
        var verifyMicroseconds: Double
        var firstVerifyOfAKeyMicroseconds: Double
        var tagEventMicroseconds: Double
        var checkEventTagMicroseconds: Double
    }

    static func measure(repetitions: Int = 100_000, keys: Int = 200) throws -> Result {
        let now = Date()
        let credentials = (0..<keys).map { Credential.apiKey(clientID: ClientID(rawValue: "key_bench\($0)"), secret: OperatorKeys.newSecret()) }
        let stored = Dictionary(
            uniqueKeysWithValues: credentials.map { credential in
                guard case .apiKey(let clientID, let secret) = credential else { fatalError("an API key") }
                return (clientID, storedKey(clientID, sealed: TestKeys.signingKeys(of: secret, clientID: clientID)))
            }
        )
        let commands = try credentials.map { credential in
            let (_, record) = CommandClient.record(
                CreateShareRequest(integrationID: IntegrationID(rawValue: "int_bench"), destinationWorkspaceID: WorkspaceID(rawValue: "ws_bench")),
                topic: "tenancy.sharing.commands",
                key: "ws_bench",
                credential: credential
            )
            var envelope = try Envelope.decode(headers: record.headers.map { ($0.name, $0.value) }, value: record.value ?? Data())
            envelope.recordKey = "ws_bench"
            return envelope
        }
        let authenticator = TestKeys.authenticator(for: "sharing")
        let lookup: (ClientID) throws -> StoredKey? = { stored[$0] }

        let first = try timed(count: commands.count) {
            for envelope in commands { _ = try authenticator.authenticate(envelope, now: now, lookup: lookup) }
        }
        let verify = try timed(count: repetitions) {
            for index in 0..<repetitions { _ = try authenticator.authenticate(commands[index % keys], now: now, lookup: lookup) }
        }

        let envelope = commands[0]
        let event = EventTag.Parts(
            id: envelope.id,
            type: "ShareAccepted",
            source: "sharing",
            time: Timestamp.format(now),
            subject: "ws_bench",
            key: "ws_bench",
            value: envelope.payload
        )
        let producer = TestKeys.eventTag(for: "sharing")
        let follower = TestKeys.eventTag(for: "lifecycle")
        var tags = ""
        let tag = timed(count: repetitions) {
            for _ in 0..<repetitions { tags = producer.tags(for: event) ?? "" }
        }
        let check = try timed(count: repetitions) {
            for _ in 0..<repetitions where !follower.isAuthentic(tags, parts: event, producer: "sharing") {
                throw TestSupportError("the bench's own event tag does not hold")
            }
        }
        return Result(
            commandBytes: envelope.payload.count,
            verifyMicroseconds: verify,
            firstVerifyOfAKeyMicroseconds: first,
            tagEventMicroseconds: tag,
            checkEventTagMicroseconds: check
        )
    }

    private static func storedKey(_ clientID: ClientID, sealed: [String: SealedSecrets]) -> StoredKey {
        StoredKey(
            clientID: clientID,
            sealedSigningKeys: SealedSigningKeys(sealed),
            workspaceID: WorkspaceID(rawValue: "ws_bench"),
            organizationID: OrganizationID(rawValue: "org_bench"),
            workspaceStatus: .active,
            userID: UserID(rawValue: "usr_bench"),
            role: .owner,
            scopes: [.resourceShare],
            expiresAt: nil,
            revoked: false
        )
    }

    /// Microseconds per item of `count` items done by `work`.
    private static func timed(count: Int, _ work: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try work()
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(count)
    }
}
