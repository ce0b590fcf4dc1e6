/// Shares an integration of the caller's workspace (the source) with another workspace of the
/// organization (the destination). Needs the Owner role, the `resource.share` scope, membership of
/// the destination and the organization's `cross_workspace_sharing` feature. Accepted at once when
/// the caller is also an Owner of the destination; otherwise pending until a destination Owner decides.
public struct CreateShareRequest: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.CreateShareRequest.v1"

    public var integrationID: IntegrationID
    public var destinationWorkspaceID: WorkspaceID
    /// Days a pending request waits for a decision, 1 to 30. Default: 7.
    public var expiresInDays: Int?

    public init(integrationID: IntegrationID, destinationWorkspaceID: WorkspaceID, expiresInDays: Int? = nil) {
        self.integrationID = integrationID
        self.destinationWorkspaceID = destinationWorkspaceID
        self.expiresInDays = expiresInDays
    }

    enum CodingKeys: String, CodingKey {
        case integrationID = "integration_id"
        case destinationWorkspaceID = "destination_workspace_id"
        case expiresInDays = "expires_in_days"
    }
}

/// Shares one integration with up to 50 destinations; each destination gets its own item result.
public struct BulkCreateShareRequests: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.BulkCreateShareRequests.v1"

    public var integrationID: IntegrationID
    public var destinationWorkspaceIDs: [WorkspaceID]
    public var expiresInDays: Int?

    public init(integrationID: IntegrationID, destinationWorkspaceIDs: [WorkspaceID], expiresInDays: Int? = nil) {
        self.integrationID = integrationID
        self.destinationWorkspaceIDs = destinationWorkspaceIDs
        self.expiresInDays = expiresInDays
    }

    enum CodingKeys: String, CodingKey {
        case integrationID = "integration_id"
        case destinationWorkspaceIDs = "destination_workspace_ids"
        case expiresInDays = "expires_in_days"
    }
}

/// A destination Owner accepts a pending request, with a key of the destination workspace.
public struct AcceptShareRequest: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.AcceptShareRequest.v1"

    public var shareID: ShareID

    public init(shareID: ShareID) {
        self.shareID = shareID
    }

    enum CodingKeys: String, CodingKey {
        case shareID = "share_id"
    }
}

/// A destination Owner denies a pending request; the reason is passed on to the sharer.
public struct DenyShareRequest: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.DenyShareRequest.v1"

    public var shareID: ShareID
    /// Up to 500 characters.
    public var reason: String?

    public init(shareID: ShareID, reason: String? = nil) {
        self.shareID = shareID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case shareID = "share_id"
        case reason
    }
}

/// A source Owner stops sharing an integration with one destination, or with all of them when no
/// destination is given: accepted shares are revoked (their copies removed), pending requests cancelled.
public struct RevokeShare: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.RevokeShare.v1"

    public var integrationID: IntegrationID
    public var destinationWorkspaceID: WorkspaceID?

    public init(integrationID: IntegrationID, destinationWorkspaceID: WorkspaceID? = nil) {
        self.integrationID = integrationID
        self.destinationWorkspaceID = destinationWorkspaceID
    }

    enum CodingKeys: String, CodingKey {
        case integrationID = "integration_id"
        case destinationWorkspaceID = "destination_workspace_id"
    }
}

/// A destination Owner removes a shared copy from their workspace, naming the copy's integration id.
public struct RemoveSharedIntegration: Message, Hashable {
    public static let messageType: MessageType = "tenancy.sharing.RemoveSharedIntegration.v1"

    public var integrationID: IntegrationID

    public init(integrationID: IntegrationID) {
        self.integrationID = integrationID
    }

    enum CodingKeys: String, CodingKey {
        case integrationID = "integration_id"
    }
}
