/// A stable, machine-matchable reason for rejecting a message. Clients match on the code; the
/// accompanying message is for people and may change.
public struct ErrorCode: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}

extension ErrorCode {
    // Envelope and decoding: the message could not be understood (also dead-lettered).
    /// Headers missing, duplicated, not UTF-8 or not CloudEvents 1.0 binary mode.
    public static let malformedEnvelope = ErrorCode(rawValue: "malformed_envelope")
    /// `ce_type` names no message this service handles.
    public static let unknownType = ErrorCode(rawValue: "unknown_type")
    /// The payload is not JSON of the declared type's schema.
    public static let malformedPayload = ErrorCode(rawValue: "malformed_payload")
    /// The message is larger than the service accepts.
    public static let messageTooLarge = ErrorCode(rawValue: "message_too_large")

    // Idempotency
    /// A command id was reused with a different type or payload.
    public static let idempotencyKeyReused = ErrorCode(rawValue: "idempotency_key_reused")

    // Security
    /// No credential, an unknown client id, a wrong secret, or a revoked or expired key.
    public static let unauthenticated = ErrorCode(rawValue: "unauthenticated")
    /// The credential is valid but its role or scopes do not allow this command.
    public static let forbidden = ErrorCode(rawValue: "forbidden")
    /// An event on a service's events topic that the service did not make: its `ce_source` is not
    /// that service or its tag for the follower does not hold (dead-lettered, never applied).
    public static let forgedEvent = ErrorCode(rawValue: "forged_event")

    // Rules
    public static let invalidArgument = ErrorCode(rawValue: "invalid_argument")
    public static let notFound = ErrorCode(rawValue: "not_found")
    public static let nameTaken = ErrorCode(rawValue: "name_taken")
    public static let featureDisabled = ErrorCode(rawValue: "feature_disabled")
    public static let workspaceInactive = ErrorCode(rawValue: "workspace_inactive")
    public static let lastOwner = ErrorCode(rawValue: "last_owner")
    /// The thing was already revoked or removed.
    public static let alreadyRevoked = ErrorCode(rawValue: "already_revoked")
    /// Something equal already exists (a claim mapping for the same claim value).
    public static let alreadyExists = ErrorCode(rawValue: "already_exists")
    /// The target is not in the state the command needs (a disabled or unpublished workflow, a finished execution).
    public static let failedPrecondition = ErrorCode(rawValue: "failed_precondition")
    /// The user is already a member of the workspace.
    public static let alreadyMember = ErrorCode(rawValue: "already_member")
    /// The request (an invitation, a share request) is no longer pending.
    public static let notPending = ErrorCode(rawValue: "not_pending")

    // Sharing
    /// The caller is not a member of the workspace the command names (a share's destination).
    public static let notAMember = ErrorCode(rawValue: "not_a_member")
    /// The integration already has a pending or accepted share with that destination.
    public static let alreadyShared = ErrorCode(rawValue: "already_shared")
    /// The integration is itself a copy shared from another workspace; only its source can share it.
    public static let cannotShareASharedCopy = ErrorCode(rawValue: "cannot_share_a_shared_copy")
    /// The integration is a read-only copy shared from another workspace; its source manages it.
    public static let sharedIntegrationReadOnly = ErrorCode(rawValue: "shared_integration_read_only")

    // Deactivation
    /// Another deactivation or reactivation of the workspace is still running.
    public static let operationInProgress = ErrorCode(rawValue: "operation_in_progress")

    // Limits and availability: answered, not recorded; send the same command again after `retry_after_seconds`.
    /// The caller's key or workspace sent more commands than its limit allows for now.
    public static let rateLimited = ErrorCode(rawValue: "rate_limited")
    /// The service cannot decide the command safely now (its copy of credentials is too far behind).
    public static let unavailable = ErrorCode(rawValue: "unavailable")

    /// The service failed in a way that is not the caller's fault; the command had no effect.
    public static let internalError = ErrorCode(rawValue: "internal_error")
}
