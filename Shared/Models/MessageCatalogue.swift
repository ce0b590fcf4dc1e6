/// Every topic and the messages it carries: the one list the services register their commands
/// from and the AsyncAPI document (`deploy/asyncapi.yaml`) is generated from.
public enum MessageCatalogue {
    /// One topic: its property in ``Topics``, what its record key is, and its messages.
    public struct Topic: Sendable {
        public enum Role: Sendable {
            /// Clients send; the owning service consumes.
            case commands
            /// The owning service publishes; other services and clients consume.
            case events
            /// Records that could not be decoded, copied with their original bytes.
            case deadLetters
        }

        /// The name of the ``Topics`` property that configures it (`lifecycleCommands`).
        public let id: String
        /// The default topic name.
        public let address: String
        public let role: Role
        public let owner: String
        public let summary: String
        public let key: String
        public let messages: [any Message.Type]
    }

    public static let lifecycleCommands: [any Message.Type] = [
        CreateOrganization.self, SetOrganizationFeatures.self, SetOrganizationKeyLifetime.self, CreateWorkspace.self,
        IssueAPIKey.self, RevokeAPIKey.self, IssueOwnerKey.self,
        InviteUser.self, BulkInviteUsers.self, AcceptInvitation.self, RevokeInvitation.self, ChangeMemberRole.self, RemoveMember.self,
        ConfigureSSO.self, CopySSOConfig.self, CreateClaimMapping.self, DeleteClaimMapping.self,
        CreateStepRunner.self, RegisterStepRunner.self, DeleteStepRunner.self,
        CreateIntegration.self, UpdateIntegration.self, DeleteIntegration.self,
        ImportWorkflow.self, UpdateWorkflow.self, PublishWorkflow.self, SetWorkflowEnabled.self, TagWorkflow.self,
        StartExecution.self, FinishExecution.self,
    ]

    public static let sharingCommands: [any Message.Type] = [
        CreateShareRequest.self, BulkCreateShareRequests.self, AcceptShareRequest.self, DenyShareRequest.self,
        RevokeShare.self, RemoveSharedIntegration.self,
    ]

    public static let deactivationCommands: [any Message.Type] = [DeactivateWorkspace.self, ReactivateWorkspace.self]

    public static let lifecycleEvents: [any Message.Type] = [
        OrganizationCreated.self, OrganizationFeaturesChanged.self, OrganizationKeyLifetimeChanged.self, WorkspaceCreated.self,
        MemberAdded.self, MemberRoleChanged.self, MemberRemoved.self, APIKeyIssued.self, APIKeyRevoked.self,
        InvitationSent.self, InvitationAccepted.self, InvitationRevoked.self,
        SSOConfigured.self, ClaimMappingCreated.self, ClaimMappingDeleted.self,
        StepRunnerCreated.self, StepRunnerRegistered.self, StepRunnerDeleted.self,
        IntegrationCreated.self, IntegrationUpdated.self, IntegrationDeleted.self,
        WorkflowImported.self, WorkflowRevised.self, WorkflowPublished.self, WorkflowEnablementChanged.self, WorkflowTagsChanged.self,
        ExecutionStarted.self, ExecutionFinished.self,
        WorkspaceDeactivated.self, WorkspaceReactivated.self,
    ]

    public static let sharingEvents: [any Message.Type] = [
        ShareRequested.self, ShareAccepted.self, ShareDenied.self, ShareExpired.self, ShareCancelled.self,
        ShareRevoked.self, ShareRemoved.self, SharingStepCompleted.self,
    ]

    public static let deactivationEvents: [any Message.Type] = [
        DeactivationStarted.self, ReactivationStarted.self, SagaStepRetried.self,
        DeactivationCompleted.self, ReactivationCompleted.self, OperationFailed.self,
    ]

    private static let defaults = Topics()

    public static let topics: [Topic] = [
        Topic(
            id: "lifecycleCommands",
            address: defaults.lifecycleCommands,
            role: .commands,
            owner: "lifecycle",
            summary: "Commands for organizations, workspaces, members, keys, SSO, step runners, integrations and workflows.",
            key: "The workspace id the command acts in (the organization name or id for organization commands). Only per-key order depends on it.",
            messages: lifecycleCommands
        ),
        Topic(
            id: "sharingCommands",
            address: defaults.sharingCommands,
            role: .commands,
            owner: "sharing",
            summary: "Commands that share integrations between workspaces and decide on, revoke or remove shares.",
            key:
                "The workspace of the sender's API key (the source of the shares it requests or revokes), whose partition's task decides share requests and revocations; one keyed otherwise is forwarded there, one trip through the broker later. Per-key order depends on it.",
            messages: sharingCommands
        ),
        Topic(
            id: "deactivationCommands",
            address: defaults.deactivationCommands,
            role: .commands,
            owner: "deactivation",
            summary: "Commands that deactivate or reactivate a workspace.",
            key:
                "The id of the workspace the command deactivates or reactivates, whose partition's task decides it; one keyed otherwise is forwarded there, one trip through the broker later. Per-key order depends on it.",
            messages: deactivationCommands
        ),
        Topic(
            id: "lifecycleEvents",
            address: defaults.lifecycleEvents,
            role: .events,
            owner: "lifecycle",
            summary: "What changed in organizations, workspaces, members, keys, SSO, step runners, integrations and workflows.",
            key: "The event's subject: the workspace id, or the organization id for organization events.",
            messages: lifecycleEvents
        ),
        Topic(
            id: "sharingEvents",
            address: defaults.sharingEvents,
            role: .events,
            owner: "sharing",
            summary: "Every transition of every share, with who, when and why, and Sharing's part of deactivation sagas.",
            key: "The event's subject: the source workspace id (the deactivated workspace for saga steps).",
            messages: sharingEvents
        ),
        Topic(
            id: "deactivationEvents",
            address: defaults.deactivationEvents,
            role: .events,
            owner: "deactivation",
            summary: "The progress of deactivation and reactivation sagas.",
            key: "The workspace id being deactivated or reactivated.",
            messages: deactivationEvents
        ),
        Topic(
            id: "notifications",
            address: defaults.notifications,
            role: .events,
            owner: "notifications",
            summary: "Every notification once its delivery is settled (sent, failed or not sent), to feed other channels.",
            key: "The workspace id the notification concerns.",
            messages: [NotificationSettled.self]
        ),
        Topic(
            id: "commandResults",
            address: defaults.commandResults,
            role: .events,
            owner: "every service",
            summary: "Exactly one result per command, correlated by the command's ce_id.",
            key: "The command id.",
            messages: [CommandResult.self]
        ),
        Topic(
            id: "deadLetter",
            address: defaults.deadLetter,
            role: .deadLetters,
            owner: "every service",
            summary: "Records that could not be decoded: the original key, value and headers (without authorization) plus dlq_* headers saying why.",
            key: "The original record's key.",
            messages: []
        ),
    ]
}
