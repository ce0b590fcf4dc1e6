import Models

/// What a read shows, as far as tenancy goes: one workspace, one organization, or a resource that
/// belongs to some workspaces (a share to both of its sides).
public enum ReadTarget: Sendable, Hashable {
    case organization(OrganizationID)
    case workspaces(Set<WorkspaceID>)

    /// One workspace's data.
    public static func workspace(_ id: WorkspaceID) -> ReadTarget { .workspaces([id]) }
}

/// The answer to a read: shown, refused for want of the `workspace.read` scope, or answered as
/// if the target did not exist, so that another tenant's ids cannot be told from unknown ones.
public enum ReadDecision: Sendable, Hashable {
    case allowed
    case forbidden
    case notFound
}

/// Who may read what: an operator reads everything; a member whose key carries `workspace.read`
/// reads their key's workspace, what belongs to it, and their key's organization.
public enum ReadAccess {
    /// The scope every member's read needs.
    public static let scope = Scope.workspaceRead

    /// Whether `principal` may read anything at all: the check that needs no target.
    public static func mayRead(_ principal: Principal) -> Bool {
        guard case .member(let caller) = principal else { return true }
        return caller.scopes.contains(scope)
    }

    public static func decide(_ principal: Principal, _ target: ReadTarget) -> ReadDecision {
        guard mayRead(principal) else { return .forbidden }
        guard case .member(let caller) = principal else { return .allowed }
        switch target {
        case .organization(let id): return id == caller.organizationID ? .allowed : .notFound
        case .workspaces(let owners): return owners.contains(caller.workspaceID) ? .allowed : .notFound
        }
    }
}
