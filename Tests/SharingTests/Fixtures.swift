import Directory
import Foundation
import Models
import Pipeline

@testable import Sharing

let organization = OrganizationID(rawValue: "org_acme")
let source = WorkspaceID(rawValue: "ws_source")
let destination = WorkspaceID(rawValue: "ws_dest")
let sharer = UserID(rawValue: "usr_sharer")
let integrationID = IntegrationID(rawValue: "int_slack")

/// A member of `workspace` acting with a key that carries `scopes` (intersected with the role's).
func member(_ workspace: WorkspaceID = source, user: UserID = sharer, role: Role = .owner, scopes: Set<Scope> = Scope.all) -> Principal {
    .member(
        Caller(
            userID: user,
            clientID: ClientID(rawValue: "key_\(user.rawValue.dropFirst(4))"),
            workspaceID: workspace,
            organizationID: organization,
            role: role,
            scopes: scopes.intersection(role.scopes)
        )
    )
}

func sharingSource(
    features: Set<Feature> = [.crossWorkspaceSharing],
    integration: IntegrationState? = slackIntegration,
    isSharedCopy: Bool = false
) -> ShareSource {
    ShareSource(features: features, integration: integration, isSharedCopy: isSharedCopy)
}

let slackIntegration = IntegrationState(id: integrationID, workspaceID: source, kind: .step, name: "Slack alerts")

func sharingDestination(
    _ id: WorkspaceID = destination,
    organization org: OrganizationID = organization,
    status: WorkspaceStatus = .active,
    callerRole: Role? = .admin,
    openShare: ShareID? = nil
) -> ShareDestination {
    ShareDestination(
        workspace: DirectoryWorkspace(id: id, organizationID: org, name: "Dest", status: status),
        callerRole: callerRole,
        openShare: openShare
    )
}

func shareState(
    status: ShareStatus = .pending,
    to target: WorkspaceID = destination,
    expiresAt: Date = Date(timeIntervalSince1970: 1_900_000_000),
    id: String = "shr_1"
) -> ShareState {
    ShareState(
        reference: ShareReference(
            shareID: ShareID(rawValue: id),
            organizationID: organization,
            integrationID: integrationID,
            integrationKind: .step,
            integrationName: "Slack alerts",
            sourceWorkspaceID: source,
            destinationWorkspaceID: target,
            requestedBy: sharer
        ),
        status: status,
        expiresAt: expiresAt,
        copyIntegrationID: status == .accepted ? IntegrationID(rawValue: "int_copy\(id.dropFirst(4))") : nil
    )
}

extension CommandOutcome {
    func events<T: Message>(of type: T.Type) -> [T] { events.compactMap { $0.message as? T } }
}

func code(_ error: any Error) -> ErrorCode? { (error as? Rejection)?.code }
