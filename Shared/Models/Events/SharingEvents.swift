import Foundation

/// What every sharing event says about the share it changes, so that a consumer (Notifications, a
/// client's own mailer) needs no other lookup to tell people what happened.
public struct ShareReference: Codable, Sendable, Hashable {
    public var shareID: ShareID
    public var organizationID: OrganizationID
    public var integrationID: IntegrationID
    public var integrationKind: IntegrationKind
    public var integrationName: String
    public var sourceWorkspaceID: WorkspaceID
    public var destinationWorkspaceID: WorkspaceID
    /// The user who asked for the share.
    public var requestedBy: UserID

    public init(
        shareID: ShareID,
        organizationID: OrganizationID,
        integrationID: IntegrationID,
        integrationKind: IntegrationKind,
        integrationName: String,
        sourceWorkspaceID: WorkspaceID,
        destinationWorkspaceID: WorkspaceID,
        requestedBy: UserID
    ) {
        self.shareID = shareID
        self.organizationID = organizationID
        self.integrationID = integrationID
        self.integrationKind = integrationKind
        self.integrationName = integrationName
        self.sourceWorkspaceID = sourceWorkspaceID
        self.destinationWorkspaceID = destinationWorkspaceID
        self.requestedBy = requestedBy
    }

    enum CodingKeys: String, CodingKey {
        case shareID = "share_id"
        case organizationID = "organization_id"
        case integrationID = "integration_id"
        case integrationKind = "integration_kind"
        case integrationName = "integration_name"
        case sourceWorkspaceID = "source_workspace_id"
        case destinationWorkspaceID = "destination_workspace_id"
        case requestedBy = "requested_by"
    }
}

/// Why a share ended without anyone deciding on it directly.
public enum ShareEndCause: String, Codable, Sendable, CaseIterable {
    /// A source Owner revoked it (or cancelled the pending request) with `RevokeShare`.
    case revokedBySource = "revoked_by_source"
    /// The source integration was deleted.
    case sourceIntegrationDeleted = "source_integration_deleted"
    /// The source or the destination workspace was deactivated.
    case workspaceDeactivated = "workspace_deactivated"
}

/// A share was asked for. When `needsApproval` is false the sharer owns the destination and a
/// `ShareAccepted` follows at once; otherwise the destination's Owners must decide by `expiresAt`.
public struct ShareRequested: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.ShareRequested.v1"

    public var share: ShareReference
    public var needsApproval: Bool
    public var expiresAt: Date

    public init(share: ShareReference, needsApproval: Bool, expiresAt: Date) {
        self.share = share
        self.needsApproval = needsApproval
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case share
        case needsApproval = "needs_approval"
        case expiresAt = "expires_at"
    }
}

/// The share is in effect: Lifecycle lists the read-only copy `copyIntegrationID` in the destination.
public struct ShareAccepted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.ShareAccepted.v1"

    public var share: ShareReference
    public var copyIntegrationID: IntegrationID
    public var acceptedBy: UserID
    /// True when accepted because the sharer owns the destination.
    public var automatic: Bool

    public init(share: ShareReference, copyIntegrationID: IntegrationID, acceptedBy: UserID, automatic: Bool) {
        self.share = share
        self.copyIntegrationID = copyIntegrationID
        self.acceptedBy = acceptedBy
        self.automatic = automatic
    }

    enum CodingKeys: String, CodingKey {
        case share
        case copyIntegrationID = "copy_integration_id"
        case acceptedBy = "accepted_by"
        case automatic
    }
}

public struct ShareDenied: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.ShareDenied.v1"

    public var share: ShareReference
    public var deniedBy: UserID
    public var reason: String?

    public init(share: ShareReference, deniedBy: UserID, reason: String?) {
        self.share = share
        self.deniedBy = deniedBy
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case share
        case deniedBy = "denied_by"
        case reason
    }
}

/// Nobody decided on the request before it expired.
public struct ShareExpired: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.ShareExpired.v1"

    public var share: ShareReference

    public init(share: ShareReference) {
        self.share = share
    }
}

/// A pending request was withdrawn before anyone decided.
public struct ShareCancelled: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.ShareCancelled.v1"

    public var share: ShareReference
    /// Who withdrew it; nil when it ended as a consequence of something else (see `cause`).
    public var cancelledBy: UserID?
    public var cause: ShareEndCause

    public init(share: ShareReference, cancelledBy: UserID?, cause: ShareEndCause) {
        self.share = share
        self.cancelledBy = cancelledBy
        self.cause = cause
    }

    enum CodingKeys: String, CodingKey {
        case share
        case cancelledBy = "cancelled_by"
        case cause
    }
}

/// The source stopped an accepted share; the destination's copy is gone.
public struct ShareRevoked: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.ShareRevoked.v1"

    public var share: ShareReference
    public var copyIntegrationID: IntegrationID
    /// Who revoked it; nil when it ended as a consequence of something else (see `cause`).
    public var revokedBy: UserID?
    public var cause: ShareEndCause

    public init(share: ShareReference, copyIntegrationID: IntegrationID, revokedBy: UserID?, cause: ShareEndCause) {
        self.share = share
        self.copyIntegrationID = copyIntegrationID
        self.revokedBy = revokedBy
        self.cause = cause
    }

    enum CodingKeys: String, CodingKey {
        case share
        case copyIntegrationID = "copy_integration_id"
        case revokedBy = "revoked_by"
        case cause
    }
}

/// A destination Owner removed the shared copy from their workspace.
public struct ShareRemoved: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.ShareRemoved.v1"

    public var share: ShareReference
    public var copyIntegrationID: IntegrationID
    public var removedBy: UserID

    public init(share: ShareReference, copyIntegrationID: IntegrationID, removedBy: UserID) {
        self.share = share
        self.copyIntegrationID = copyIntegrationID
        self.removedBy = removedBy
    }

    enum CodingKeys: String, CodingKey {
        case share
        case copyIntegrationID = "copy_integration_id"
        case removedBy = "removed_by"
    }
}

/// Where a share is in its life: `pending` until decided, then `accepted`, `denied`, `expired` or
/// `cancelled`; an accepted share ends `revoked` (by its source) or `removed` (by its destination).
public enum ShareStatus: String, Codable, Sendable, CaseIterable {
    case pending, accepted, denied, expired, cancelled, revoked, removed

    /// Pending or accepted: the integration counts as shared with the destination.
    public var isOpen: Bool { self == .pending || self == .accepted }
}

/// A share that a deactivation ended, with the state it had.
public struct EndedShare: Codable, Sendable, Hashable {
    public var share: ShareReference
    public var statusBefore: ShareStatus

    public init(share: ShareReference, statusBefore: ShareStatus) {
        self.share = share
        self.statusBefore = statusBefore
    }

    enum CodingKeys: String, CodingKey {
        case share
        case statusBefore = "status_before"
    }
}

/// Sharing's part of a deactivation or reactivation, done. For a deactivation, the shares from and
/// to the workspace that it ended (each also has its own `ShareRevoked` or `ShareCancelled`).
public struct SharingStepCompleted: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.SharingStepCompleted.v1"

    public var operation: OperationReference
    public var endedShares: [EndedShare]

    public init(operation: OperationReference, endedShares: [EndedShare]) {
        self.operation = operation
        self.endedShares = endedShares
    }

    enum CodingKeys: String, CodingKey {
        case operation
        case endedShares = "ended_shares"
    }
}
