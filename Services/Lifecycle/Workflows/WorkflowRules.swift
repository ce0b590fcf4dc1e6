import Models
import Yams

/// Workflows: members with `workflows.write` (Operator and above) import them from YAML, add
/// revisions, publish one, enable or disable them and their triggers, tag them, and run them.
enum WorkflowRules {
    static let maxYAMLBytes = 256 * 1_024
    static let maxTags = 50

    /// A workflow as these rules see it.
    struct WorkflowState: Sendable {
        var workspaceID: WorkspaceID
        var currentRevision: RevisionID
        var publishedRevision: RevisionID?
        var revisions: Set<RevisionID>
        var enabled: Bool
        var triggersEnabled: Bool
        var tags: Set<String>
    }

    /// An execution as the finish rule sees it.
    struct ExecutionState: Sendable {
        var workspaceID: WorkspaceID
        var running: Bool
    }

    static func importWorkflow(
        _ command: ImportWorkflow,
        by principal: Principal,
        takenNames: Set<String>,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        let name = try Validation.name(command.name, field: "name")
        guard !takenNames.contains(nameKey(name)) else {
            throw Rejection(.nameTaken, "a workflow named '\(name)' already exists in this workspace", field: "name")
        }
        try validateYAML(command.yaml)
        let workflow: WorkflowID = context.newID("workflow")
        let revision: RevisionID = context.newID("revision")
        let event = WorkflowImported(workspaceID: caller.workspaceID, workflowID: workflow, name: name, revisionID: revision, yaml: command.yaml)
        return CommandOutcome(
            events: [DomainEvent(event, subject: caller.workspaceID.rawValue)],
            created: ["workflow_id": workflow.rawValue, "revision_id": revision.rawValue]
        )
    }

    static func update(
        _ command: UpdateWorkflow,
        by principal: Principal,
        workflow: WorkflowState?,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        _ = try existing(workflow, command.workflowID, in: caller)
        try validateYAML(command.yaml)
        let revision: RevisionID = context.newID("revision")
        let event = WorkflowRevised(workspaceID: caller.workspaceID, workflowID: command.workflowID, revisionID: revision, yaml: command.yaml)
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)], created: ["revision_id": revision.rawValue])
    }

    static func publish(_ command: PublishWorkflow, by principal: Principal, workflow: WorkflowState?) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        let workflow = try existing(workflow, command.workflowID, in: caller)
        let revision = command.revisionID ?? workflow.currentRevision
        guard workflow.revisions.contains(revision) else {
            throw Rejection(.notFound, "workflow '\(command.workflowID)' has no revision '\(revision)'", field: "revision_id")
        }
        let event = WorkflowPublished(workspaceID: caller.workspaceID, workflowID: command.workflowID, revisionID: revision)
        return CommandOutcome(
            events: [DomainEvent(event, subject: caller.workspaceID.rawValue)],
            created: ["published_revision_id": revision.rawValue]
        )
    }

    static func setEnabled(_ command: SetWorkflowEnabled, by principal: Principal, workflow: WorkflowState?) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        _ = try existing(workflow, command.workflowID, in: caller)
        let triggers = command.triggersEnabled ?? command.enabled
        guard command.enabled || !triggers else {
            throw .invalid("triggers_enabled", "triggers of a disabled workflow cannot be enabled")
        }
        let event = WorkflowEnablementChanged(
            workspaceID: caller.workspaceID,
            workflowID: command.workflowID,
            enabled: command.enabled,
            triggersEnabled: triggers
        )
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)])
    }

    static func tag(_ command: TagWorkflow, by principal: Principal, workflow: WorkflowState?) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        let workflow = try existing(workflow, command.workflowID, in: caller)
        let add = try tags(command.add ?? [], field: "add")
        let remove = try tags(command.remove ?? [], field: "remove")
        guard !add.isEmpty || !remove.isEmpty else { throw .invalid("add", "give tags to add or remove") }
        guard add.isDisjoint(with: remove) else { throw .invalid("remove", "a tag cannot be added and removed at once") }
        let result = workflow.tags.union(add).subtracting(remove)
        guard result.count <= maxTags else { throw .invalid("add", "a workflow has at most \(maxTags) tags") }
        let event = WorkflowTagsChanged(workspaceID: caller.workspaceID, workflowID: command.workflowID, tags: result.sorted())
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)])
    }

    static func start(
        _ command: StartExecution,
        by principal: Principal,
        workflow: WorkflowState?,
        context: DecisionContext
    ) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        let workflow = try existing(workflow, command.workflowID, in: caller)
        guard workflow.enabled else { throw Rejection(.failedPrecondition, "workflow '\(command.workflowID)' is disabled") }
        guard let revision = workflow.publishedRevision else {
            throw Rejection(.failedPrecondition, "workflow '\(command.workflowID)' has no published revision; publish it first")
        }
        let execution: ExecutionID = context.newID("execution")
        let event = ExecutionStarted(workspaceID: caller.workspaceID, executionID: execution, workflowID: command.workflowID, revisionID: revision)
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)], created: ["execution_id": execution.rawValue])
    }

    static func finish(_ command: FinishExecution, by principal: Principal, execution: ExecutionState?) throws(Rejection) -> CommandOutcome {
        let caller = try requireWriter(principal)
        guard let execution, execution.workspaceID == caller.workspaceID else {
            throw Rejection(.notFound, "no execution '\(command.executionID)' in this workspace", field: "execution_id")
        }
        guard execution.running else { throw Rejection(.failedPrecondition, "execution '\(command.executionID)' has already finished") }
        let event = ExecutionFinished(workspaceID: caller.workspaceID, executionID: command.executionID, outcome: command.outcome)
        return CommandOutcome(events: [DomainEvent(event, subject: caller.workspaceID.rawValue)])
    }

    /// One YAML document whose top level is a mapping, at most 256 KiB.
    static func validateYAML(_ yaml: String) throws(Rejection) {
        guard yaml.utf8.count <= maxYAMLBytes else { throw .invalid("yaml", "is larger than \(maxYAMLBytes / 1_024) KiB") }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw .invalid("yaml", "is not valid YAML: \(String(describing: error).prefix(300))")
        }
        guard case .mapping = node else { throw .invalid("yaml", "must be a YAML mapping (a workflow definition), not a scalar or a list") }
    }

    private static func requireWriter(_ principal: Principal) throws(Rejection) -> Caller {
        try Authorization.requireMember(principal, role: .operator, scope: .workflowsWrite, to: "managing workflows")
    }

    private static func existing(_ workflow: WorkflowState?, _ id: WorkflowID, in caller: Caller) throws(Rejection) -> WorkflowState {
        guard let workflow, workflow.workspaceID == caller.workspaceID else {
            throw Rejection(.notFound, "no workflow '\(id)' in this workspace", field: "workflow_id")
        }
        return workflow
    }

    private static func tags(_ values: [String], field: String) throws(Rejection) -> Set<String> {
        var result: Set<String> = []
        for (index, value) in values.enumerated() {
            let tag = value.trimmingCharacters(in: .whitespaces)
            guard (1...64).contains(tag.count), tag.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else {
                throw .invalid("\(field).\(index)", "a tag is 1 to 64 printable characters")
            }
            result.insert(tag)
        }
        return result
    }
}
