import Directory
import GRDB
import Models

/// What a Deactivation command is decided with: who sent it (a member, or the operator), the
/// decision context and the batch's transaction.
struct DeactivationRequest {
    let principal: Principal
    let context: DecisionContext
    let db: Database
}

/// Every Deactivation command, each with the state its rule needs and the rule that decides it.
enum DeactivationCommands {
    static let table = MessageTable<DeactivationRequest, CommandOutcome>()
        .on(DeactivateWorkspace.self) { command, request in
            let target = try DeactivationQueries.target(command.workspaceID, db: request.db)
            return try OperationRules.deactivate(command, by: request.principal, target: target, context: request.context)
        }
        .on(ReactivateWorkspace.self) { command, request in
            let target = try DeactivationQueries.target(command.workspaceID, db: request.db)
            let before = try DeactivationQueries.stateBefore(command.workspaceID, db: request.db)
            return try OperationRules.reactivate(command, by: request.principal, target: target, before: before, context: request.context)
        }
}
