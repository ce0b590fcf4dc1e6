import Models

/// The workflow and execution commands, each with the workflow or execution its rule needs.
enum WorkflowCommands {
    static let table = LifecycleCommandTable()
        .authenticated(ImportWorkflow.self) { command, request in
            try WorkflowRules.importWorkflow(
                command,
                by: request.principal,
                takenNames: WorkflowStore.names(in: request.principal.workspaceID, db: request.db),
                context: request.context
            )
        }
        .authenticated(UpdateWorkflow.self) { command, request in
            try WorkflowRules.update(
                command,
                by: request.principal,
                workflow: WorkflowStore.workflow(command.workflowID, db: request.db),
                context: request.context
            )
        }
        .authenticated(PublishWorkflow.self) { command, request in
            try WorkflowRules.publish(command, by: request.principal, workflow: WorkflowStore.workflow(command.workflowID, db: request.db))
        }
        .authenticated(SetWorkflowEnabled.self) { command, request in
            try WorkflowRules.setEnabled(command, by: request.principal, workflow: WorkflowStore.workflow(command.workflowID, db: request.db))
        }
        .authenticated(TagWorkflow.self) { command, request in
            try WorkflowRules.tag(command, by: request.principal, workflow: WorkflowStore.workflow(command.workflowID, db: request.db))
        }
        .authenticated(StartExecution.self) { command, request in
            try WorkflowRules.start(
                command,
                by: request.principal,
                workflow: WorkflowStore.workflow(command.workflowID, db: request.db),
                context: request.context
            )
        }
        .authenticated(FinishExecution.self) { command, request in
            try WorkflowRules.finish(command, by: request.principal, execution: WorkflowStore.execution(command.executionID, db: request.db))
        }
}
