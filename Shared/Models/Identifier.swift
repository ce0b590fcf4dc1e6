/// A kind of identifier, naming the prefix its values carry (`ws_...`).
public protocol IdentifierKind: Sendable {
    static var prefix: String { get }
}

/// A typed identifier: a `WorkspaceID` cannot be passed where an `OrganizationID` is expected.
public struct Identifier<Kind: IdentifierKind>: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// Whether the value has this kind's prefix and a well-formed body; ids from outside are checked with it.
    public var isWellFormed: Bool {
        let bytes = rawValue.utf8
        let prefix = Kind.prefix.utf8
        guard bytes.starts(with: prefix), bytes.dropFirst(prefix.count).first == UInt8(ascii: "_") else { return false }
        let body = bytes.dropFirst(prefix.count + 1)
        return (1...64).contains(body.count)
            && body.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum OrganizationKind: IdentifierKind { public static let prefix = "org" }
public enum WorkspaceKind: IdentifierKind { public static let prefix = "ws" }
public enum UserKind: IdentifierKind { public static let prefix = "usr" }
public enum ClientKind: IdentifierKind { public static let prefix = "key" }
public enum EventKind: IdentifierKind { public static let prefix = "evt" }
public enum InvitationKind: IdentifierKind { public static let prefix = "inv" }
public enum ClaimMappingKind: IdentifierKind { public static let prefix = "cm" }
public enum RunnerKind: IdentifierKind { public static let prefix = "run" }
public enum IntegrationKindTag: IdentifierKind { public static let prefix = "int" }
public enum WorkflowKind: IdentifierKind { public static let prefix = "wf" }
public enum RevisionKind: IdentifierKind { public static let prefix = "rev" }
public enum ExecutionKind: IdentifierKind { public static let prefix = "exe" }
public enum ShareKind: IdentifierKind { public static let prefix = "shr" }
public enum OperationTag: IdentifierKind { public static let prefix = "op" }
public enum NotificationTag: IdentifierKind { public static let prefix = "ntf" }

public typealias OrganizationID = Identifier<OrganizationKind>
public typealias WorkspaceID = Identifier<WorkspaceKind>
public typealias UserID = Identifier<UserKind>
/// The public half of an API key.
public typealias ClientID = Identifier<ClientKind>
public typealias EventID = Identifier<EventKind>
public typealias InvitationID = Identifier<InvitationKind>
public typealias ClaimMappingID = Identifier<ClaimMappingKind>
public typealias RunnerID = Identifier<RunnerKind>
public typealias IntegrationID = Identifier<IntegrationKindTag>
public typealias WorkflowID = Identifier<WorkflowKind>
public typealias RevisionID = Identifier<RevisionKind>
public typealias ExecutionID = Identifier<ExecutionKind>
/// One share of an integration with one destination workspace, from request to its end.
public typealias ShareID = Identifier<ShareKind>
/// One deactivation or reactivation of a workspace.
public typealias OperationID = Identifier<OperationTag>
/// One email to one recipient about one event.
public typealias NotificationID = Identifier<NotificationTag>
