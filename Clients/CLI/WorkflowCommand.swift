import ArgumentParser
import Foundation
import Models

struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Workflows, their revisions and executions.",
        subcommands: [
            Import.self, Update.self, Publish.self, Enable.self, Disable.self, Tag.self, Run.self, Finish.self, List.self, Show.self, Revision.self,
            Executions.self,
        ]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a workflow from a YAML file.",
            discussion: "Example: tenancy workflow import triage.yaml --name Triage"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "YAML file.") var file: String
        @Option(help: "Name, unique in the workspace.") var name: String

        func run() async throws {
            try await sendToLifecycle(ImportWorkflow(name: name, yaml: try String(contentsOfFile: file, encoding: .utf8)), options: options)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a revision from a YAML file; it becomes the current revision.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workflow id (wf_...).") var workflowID: String
        @Argument(help: "YAML file.") var file: String

        func run() async throws {
            try await sendToLifecycle(
                UpdateWorkflow(workflowID: WorkflowID(rawValue: workflowID), yaml: try String(contentsOfFile: file, encoding: .utf8)),
                options: options
            )
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a revision (default: the current one).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workflow id (wf_...).") var workflowID: String
        @Option(help: "Revision id (rev_...).") var revision: String?

        func run() async throws {
            try await sendToLifecycle(
                PublishWorkflow(workflowID: WorkflowID(rawValue: workflowID), revisionID: revision.map(RevisionID.init(rawValue:))),
                options: options
            )
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a workflow and (unless --keep-triggers-disabled) its triggers.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workflow id (wf_...).") var workflowID: String
        @Flag(help: "Enable the workflow but leave its triggers disabled.") var keepTriggersDisabled = false

        func run() async throws {
            try await sendToLifecycle(
                SetWorkflowEnabled(workflowID: WorkflowID(rawValue: workflowID), enabled: true, triggersEnabled: !keepTriggersDisabled),
                options: options
            )
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a workflow and its triggers.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workflow id (wf_...).") var workflowID: String

        func run() async throws {
            try await sendToLifecycle(SetWorkflowEnabled(workflowID: WorkflowID(rawValue: workflowID), enabled: false), options: options)
        }
    }

    struct Tag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or remove tags.",
            discussion: "Example: tenancy workflow tag wf_0123 --add soc --remove draft"
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workflow id (wf_...).") var workflowID: String
        @Option(help: "Tag to add, repeatable.") var add: [String] = []
        @Option(help: "Tag to remove, repeatable.") var remove: [String] = []

        func run() async throws {
            try await sendToLifecycle(TagWorkflow(workflowID: WorkflowID(rawValue: workflowID), add: add, remove: remove), options: options)
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start an execution of the published revision.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workflow id (wf_...).") var workflowID: String

        func run() async throws {
            try await sendToLifecycle(StartExecution(workflowID: WorkflowID(rawValue: workflowID)), options: options)
        }
    }

    struct Finish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record how a running execution ended: succeeded, failed or stopped.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Execution id (exe_...).") var executionID: String
        @Argument(help: "succeeded, failed or stopped.") var outcome: ExecutionOutcome

        func run() async throws {
            try await sendToLifecycle(FinishExecution(executionID: ExecutionID(rawValue: executionID), outcome: outcome), options: options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's workflows, optionally by name.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @Option(help: "Only names containing this text.") var name: String?
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.lifecycle),
                path: "/workspaces/\(workspaceID)/workflows",
                filters: ["name": name],
                name: "workflows",
                page: page,
                json: options.json
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a workflow: current and published revision, enablement, tags.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workflow id (wf_...).") var workflowID: String

        func run() async throws { try await ReadClient.show(try options.reads(.lifecycle), path: "/workflows/\(workflowID)", json: options.json) }
    }

    struct Revision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a revision's YAML.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Revision id (rev_...).") var revisionID: String

        func run() async throws { try await ReadClient.show(try options.reads(.lifecycle), path: "/revisions/\(revisionID)", json: options.json) }
    }

    struct Executions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's executions (--running for running ones only).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Workspace id (ws_...).") var workspaceID: String
        @Flag(help: "Only running executions.") var running = false
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await ReadClient.showList(
                try options.reads(.lifecycle),
                path: "/workspaces/\(workspaceID)/executions",
                filters: ["status": running ? "running" : nil],
                name: "executions",
                page: page,
                json: options.json
            )
        }
    }
}

private func send<M: Message>(_ command: M, _ options: ClientOptions) async throws {
    try await sendToLifecycle(command, options: options)
}

extension ExecutionOutcome: ExpressibleByArgument {}
