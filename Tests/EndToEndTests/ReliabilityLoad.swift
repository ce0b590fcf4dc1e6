import Foundation
import Kafka
import Models
import TestSupport

/// The mixed commands of the reliability suite, in a seeded random order.
struct ReliabilityLoad {
    enum Kind: String, CaseIterable {
        case shareRequest, apiKey, integration, invitation, refusedInvitation
    }

    struct Command {
        let id: String
        let kind: Kind
        let record: KafkaRecord
    }

    var commands: [Command] = []
    /// Secret values the load's own integrations carry.
    var secrets: Set<String> = []

    /// `count` commands: about 60% share requests (unique pairs, all auto-accepted), 15% new API
    /// keys, 10% secret integrations, 15% invitations (one in ten to an address the mail server refuses).
    init(count: Int, world: ReliabilityWorld, topics: Topics, seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var pairs = world.workspaces.flatMap { source in
            source.integrations.flatMap { integration in
                world.workspaces.filter { $0.id != source.id }.map { (source, integration, $0.id) }
            }
        }
        pairs.shuffle(using: &random)
        for index in 0..<count {
            let workspace = world.workspaces[Int(random.next() % UInt64(world.workspaces.count))]
            let roll = random.next() % 100
            let id = "rel-\(index)-\(UUID().uuidString.prefix(8).lowercased())"
            func lifecycle<M: Message>(_ message: M) -> KafkaRecord {
                CommandFactory.record(message, topic: topics.lifecycleCommands, id: id, key: workspace.id.rawValue, credential: workspace.credential)
            }
            switch roll {
            case 0..<60 where !pairs.isEmpty:
                let (source, integration, destination) = pairs.removeLast()
                commands.append(
                    Command(
                        id: id,
                        kind: .shareRequest,
                        record: CommandFactory.record(
                            CreateShareRequest(integrationID: integration, destinationWorkspaceID: destination),
                            topic: topics.sharingCommands,
                            id: id,
                            key: source.id.rawValue,
                            credential: source.credential
                        )
                    )
                )
            case 60..<75:
                commands.append(Command(id: id, kind: .apiKey, record: lifecycle(IssueAPIKey(scopes: [.workspaceRead]))))
            case 75..<85:
                let value = "load-secret-\(UUID().uuidString)"
                secrets.insert(value)
                commands.append(
                    Command(
                        id: id,
                        kind: .integration,
                        record: lifecycle(
                            CreateIntegration(
                                kind: .secret,
                                vendor: "vault",
                                name: "load-\(index)",
                                sealedSecrets: try Deployment.sealedForLifecycle(["token": value], commandID: id)
                            )
                        )
                    )
                )
            default:
                let refused = roll % 10 == 0
                let email = "person\(index)\(refused ? "+reject" : "")@acme.example"
                commands.append(
                    Command(id: id, kind: refused ? .refusedInvitation : .invitation, record: lifecycle(InviteUser(email: email, role: .viewer)))
                )
            }
        }
    }
}

/// A small seedable generator, so that a failing run can be repeated with its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
