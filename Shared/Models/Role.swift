/// A permission carried by an API key. A command needs the right role *and* the right scope.
public struct Scope: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let workspaceRead = Scope(rawValue: "workspace.read")
    public static let workspaceWrite = Scope(rawValue: "workspace.write")
    public static let usersInvite = Scope(rawValue: "users.invite")
    public static let integrationsWrite = Scope(rawValue: "integrations.write")
    public static let workflowsWrite = Scope(rawValue: "workflows.write")
    public static let runnersWrite = Scope(rawValue: "runners.write")
    public static let resourceShare = Scope(rawValue: "resource.share")
    public static let organizationsWrite = Scope(rawValue: "organizations.write")

    public static let all: Set<Scope> = [
        .workspaceRead, .workspaceWrite, .usersInvite, .integrationsWrite, .workflowsWrite,
        .runnersWrite, .resourceShare, .organizationsWrite,
    ]
}

/// A member's role in one workspace; each role grants a fixed set of scopes.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case owner, admin, `operator`, viewer

    public var scopes: Set<Scope> {
        switch self {
        case .owner: Scope.all
        case .admin: Scope.all.subtracting([.organizationsWrite, .resourceShare])
        case .operator: [.workspaceRead, .integrationsWrite, .workflowsWrite, .runnersWrite]
        case .viewer: [.workspaceRead]
        }
    }

    private var rank: Int { Role.allCases.firstIndex(of: self)! }
    /// Owner < Admin < Operator < Viewer: "smaller" is more powerful.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Organization-wide switches that only an operator can flip.
public enum Feature: String, Codable, Sendable, CaseIterable, Comparable {
    case workspaceCreation = "workspace_creation"
    case crossWorkspaceSharing = "cross_workspace_sharing"
    case workspaceDeactivation = "workspace_deactivation"

    public static func < (lhs: Feature, rhs: Feature) -> Bool { lhs.rawValue < rhs.rawValue }
}
