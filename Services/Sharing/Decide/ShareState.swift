import Directory
import Foundation
import Models

/// A share as the rules see it.
struct ShareState: Sendable, Hashable {
    var reference: ShareReference
    var status: ShareStatus
    var expiresAt: Date
    /// Set once accepted.
    var copyIntegrationID: IntegrationID?
}

/// An integration of a workspace as Sharing knows it from Lifecycle's events.
struct IntegrationState: Sendable, Hashable {
    var id: IntegrationID
    var workspaceID: WorkspaceID
    var kind: IntegrationKind
    var name: String
}

/// What `CreateShareRequest` needs to know about its source side.
struct ShareSource: Sendable {
    var features: Set<Feature>
    /// The integration in the caller's workspace; nil when there is none with that id.
    var integration: IntegrationState?
    /// True when the id names a copy shared into the caller's workspace.
    var isSharedCopy: Bool
}

/// What `CreateShareRequest` needs to know about one destination.
struct ShareDestination: Sendable, Hashable {
    var workspace: DirectoryWorkspace?
    /// The role of the caller key's user in the destination; nil when they are not a member.
    var callerRole: Role?
    /// A pending or accepted share of the same integration with this destination.
    var openShare: ShareID?
}
