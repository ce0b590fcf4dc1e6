import Directory
import GRDB
import Models

/// What a Sharing command is decided with: the member who sent it, the decision context and the
/// batch's transaction.
struct SharingRequest {
    let principal: Principal
    let caller: Caller
    let context: DecisionContext
    let db: Database
}

/// Every Sharing command, each with the state its rule needs and the rule that decides it.
enum SharingCommands {
    static let table = MessageTable<SharingRequest, CommandOutcome>()
        .on(CreateShareRequest.self) { command, request in
            let source = try SharingQueries.source(command.integrationID, for: request.caller, db: request.db)
            let destinations = try SharingQueries.destinations(
                [command.destinationWorkspaceID],
                of: command.integrationID,
                for: request.caller,
                db: request.db
            )
            return try ShareRequestRules.create(
                command,
                by: request.principal,
                source: source,
                destination: destinations[command.destinationWorkspaceID] ?? ShareDestination(),
                context: request.context
            )
        }
        .on(BulkCreateShareRequests.self) { command, request in
            let source = try SharingQueries.source(command.integrationID, for: request.caller, db: request.db)
            let destinations = try SharingQueries.destinations(
                command.destinationWorkspaceIDs,
                of: command.integrationID,
                for: request.caller,
                db: request.db
            )
            return try ShareRequestRules.bulkCreate(
                command,
                by: request.principal,
                source: source,
                destinations: destinations,
                context: request.context
            )
        }
        .on(AcceptShareRequest.self) { command, request in
            try ShareDecisionRules.accept(
                command,
                by: request.principal,
                share: SharingQueries.share(command.shareID, db: request.db),
                context: request.context
            )
        }
        .on(DenyShareRequest.self) { command, request in
            try ShareDecisionRules.deny(
                command,
                by: request.principal,
                share: SharingQueries.share(command.shareID, db: request.db),
                context: request.context
            )
        }
        .on(RevokeShare.self) { command, request in
            let open = try SharingQueries.openShares(of: command.integrationID, in: request.caller.workspaceID, db: request.db)
            return try ShareEndingRules.revoke(command, by: request.principal, openShares: open)
        }
        .on(RemoveSharedIntegration.self) { command, request in
            try ShareEndingRules.remove(command, by: request.principal, share: SharingQueries.share(copy: command.integrationID, db: request.db))
        }
}
