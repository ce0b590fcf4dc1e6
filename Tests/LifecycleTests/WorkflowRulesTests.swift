import Foundation
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

@Suite("Workflow rules")
struct WorkflowRulesTests {
    let yaml = "name: triage\nsteps:\n  - run: echo hello\n"
    let r1 = RevisionID(rawValue: "rev_1"), r2 = RevisionID(rawValue: "rev_2")
    let wf = WorkflowID(rawValue: "wf_1")

    func state(
        enabled: Bool = true,
        published: RevisionID? = nil,
        tags: Set<String> = [],
        workspace: String = "ws_home"
    ) -> WorkflowRules.WorkflowState {
        WorkflowRules.WorkflowState(
            workspaceID: WorkspaceID(rawValue: workspace),
            currentRevision: r2,
            publishedRevision: published,
            revisions: [r1, r2],
            enabled: enabled,
            triggersEnabled: enabled,
            tags: tags
        )
    }

    @Test func importCreatesAWorkflowAndItsFirstRevision() throws {
        let outcome = try WorkflowRules.importWorkflow(
            ImportWorkflow(name: "Triage", yaml: yaml),
            by: owner(role: .operator),
            takenNames: [],
            context: fixedContext()
        )
        let event = try #require(outcome.events.first?.message as? WorkflowImported)
        #expect(event.yaml == yaml && outcome.created == ["workflow_id": event.workflowID.rawValue, "revision_id": event.revisionID.rawValue])
    }

    @Test(arguments: ["key: [unclosed", "- a\n- b\n", "just a scalar", String(repeating: "a: b\n", count: 60_000)])
    func yamlMustBeOneMapping(bad: String) {
        #expect {
            try WorkflowRules.importWorkflow(ImportWorkflow(name: "T", yaml: bad), by: owner(), takenNames: [], context: fixedContext())
        } throws: { ($0 as! Rejection).field == "yaml" }
    }

    @Test func namesAreUniqueAndViewersCannotImport() {
        #expect {
            try WorkflowRules.importWorkflow(ImportWorkflow(name: "triage", yaml: yaml), by: owner(), takenNames: ["triage"], context: fixedContext())
        } throws: { ($0 as! Rejection).code == .nameTaken }
        #expect {
            try WorkflowRules.importWorkflow(ImportWorkflow(name: "T", yaml: yaml), by: owner(role: .viewer), takenNames: [], context: fixedContext())
        } throws: { ($0 as! Rejection).code == .forbidden }
    }

    @Test func publishDefaultsToTheCurrentRevisionAndRefusesForeignOnes() throws {
        #expect(
            (try WorkflowRules.publish(PublishWorkflow(workflowID: wf), by: owner(), workflow: state())).events.first?.message as? WorkflowPublished
                == WorkflowPublished(workspaceID: WorkspaceID(rawValue: "ws_home"), workflowID: wf, revisionID: r2)
        )
        #expect(
            (try WorkflowRules.publish(PublishWorkflow(workflowID: wf, revisionID: r1), by: owner(), workflow: state())).created[
                "published_revision_id"
            ] == r1.rawValue
        )
        #expect {
            try WorkflowRules.publish(PublishWorkflow(workflowID: wf, revisionID: RevisionID(rawValue: "rev_x")), by: owner(), workflow: state())
        } throws: { ($0 as! Rejection).field == "revision_id" }
        #expect { try WorkflowRules.publish(PublishWorkflow(workflowID: wf), by: owner(), workflow: state(workspace: "ws_other")) } throws: {
            ($0 as! Rejection).code == .notFound
        }
    }

    @Test func enablementAndTags() throws {
        let disabled = try WorkflowRules.setEnabled(SetWorkflowEnabled(workflowID: wf, enabled: false), by: owner(), workflow: state())
        #expect((disabled.events.first?.message as? WorkflowEnablementChanged)?.triggersEnabled == false)
        let quiet = try WorkflowRules.setEnabled(
            SetWorkflowEnabled(workflowID: wf, enabled: true, triggersEnabled: false),
            by: owner(),
            workflow: state(enabled: false)
        )
        #expect((quiet.events.first?.message as? WorkflowEnablementChanged)?.enabled == true)
        #expect {
            try WorkflowRules.setEnabled(SetWorkflowEnabled(workflowID: wf, enabled: false, triggersEnabled: true), by: owner(), workflow: state())
        } throws: { ($0 as! Rejection).field == "triggers_enabled" }
        let tagged = try WorkflowRules.tag(
            TagWorkflow(workflowID: wf, add: ["soc", " prod "], remove: ["draft"]),
            by: owner(),
            workflow: state(tags: ["draft", "x"])
        )
        #expect((tagged.events.first?.message as? WorkflowTagsChanged)?.tags == ["prod", "soc", "x"])
        #expect { try WorkflowRules.tag(TagWorkflow(workflowID: wf, add: ["a"], remove: ["a"]), by: owner(), workflow: state()) } throws: {
            ($0 as! Rejection).field == "remove"
        }
        #expect { try WorkflowRules.tag(TagWorkflow(workflowID: wf, add: [""]), by: owner(), workflow: state()) } throws: {
            ($0 as! Rejection).field == "add.0"
        }
    }

    @Test func executionsNeedAnEnabledPublishedWorkflowAndFinishOnce() throws {
        #expect { try WorkflowRules.start(StartExecution(workflowID: wf), by: owner(), workflow: state(), context: fixedContext()) } throws: {
            ($0 as! Rejection).code == .failedPrecondition
        }
        #expect {
            try WorkflowRules.start(
                StartExecution(workflowID: wf),
                by: owner(),
                workflow: state(enabled: false, published: r1),
                context: fixedContext()
            )
        } throws: { ($0 as! Rejection).code == .failedPrecondition }
        let started = try WorkflowRules.start(StartExecution(workflowID: wf), by: owner(), workflow: state(published: r1), context: fixedContext())
        #expect((started.events.first?.message as? ExecutionStarted)?.revisionID == r1)
        let execution = ExecutionID(rawValue: "exe_1")
        #expect(
            try WorkflowRules.finish(
                FinishExecution(executionID: execution, outcome: .succeeded),
                by: owner(),
                execution: .init(workspaceID: WorkspaceID(rawValue: "ws_home"), running: true)
            ).events.count == 1
        )
        #expect {
            try WorkflowRules.finish(
                FinishExecution(executionID: execution, outcome: .failed),
                by: owner(),
                execution: .init(workspaceID: WorkspaceID(rawValue: "ws_home"), running: false)
            )
        } throws: { ($0 as! Rejection).code == .failedPrecondition }
    }
}
