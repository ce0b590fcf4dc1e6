import ArgumentParser
import Foundation
import Logging
import Models

@main
struct Tenancy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy",
        abstract: "Send commands to Tenancy's services and read their state.",
        discussion: """
            Writes are commands produced to Kafka; the CLI waits for each one's result.
            Every command and read is signed with a credential that never travels: TENANCY_CLIENT_ID /
            TENANCY_CLIENT_SECRET, or with --as-operator TENANCY_OPERATOR_NAME / TENANCY_OPERATOR_SECRET.
            Secrets are never accepted as flags.
            Settings not given as flags or TENANCY_* variables are read from the YAML file named by
            TENANCY_CONFIG, else ~/.config/tenancy/config.yaml (keys: bootstrap_servers, topic_prefix,
            client_id, client_secret, operator_name, operator_secret, lifecycle_url, sharing_url,
            notifications_url, deactivation_url, kafka_properties); a file holding a secret must be mode 600.
            """,
        subcommands: [
            OrgCommand.self, WorkspaceCommand.self, KeyCommand.self, UserCommand.self, SSOCommand.self, RunnerCommand.self, IntegrationCommand.self,
            ShareCommand.self, WorkflowCommand.self, NotificationsCommand.self, EventsCommand.self, ProvisionCommand.self, AsyncAPICommand.self,
            ServiceKeysCommand.self, OperatorsCommand.self,
        ]
    )
}

/// Runs a command through the sender and reports it; failures to reach Kafka exit with 3.
func sendAndReport<M: Message>(
    _ command: M,
    topic: (Topics) -> String,
    key: String,
    id: String? = nil,
    options: ClientOptions,
    authenticated: Bool = true
) async throws {
    var logger = Logger(label: "tenancy.cli")
    logger.logLevel = .error
    let outcome: CommandSender.Outcome
    do {
        outcome = try await CommandSender(options: options, logger: logger).send(
            command,
            to: topic(options.topics),
            key: key,
            id: id,
            authenticated: authenticated
        )
    } catch let error as ValidationError {
        throw error
    } catch {
        Output.fail("\(error)")
    }
    try Output.report(outcome, json: options.json)
}

/// A Lifecycle command acting in the caller's workspace, keyed by the caller's client id so that one
/// caller's commands keep their order.
func sendToLifecycle<M: Message>(_ command: M, id: String? = nil, options: ClientOptions) async throws {
    try await sendAndReport(command, topic: \.lifecycleCommands, key: options.clientID ?? "anonymous", id: id, options: options)
}

/// A Sharing command, keyed by the workspace of the caller's key, whose task owns the shares it
/// requests and revokes: asked of Sharing (`GET /me`), else keyed by the client id, and Sharing
/// forwards it to that task (one trip through the broker more).
func sendToSharing<M: Message>(_ command: M, options: ClientOptions) async throws {
    let key = await keyWorkspace(options: options) ?? options.clientID ?? "anonymous"
    try await sendAndReport(command, topic: \.sharingCommands, key: key, options: options)
}

/// The workspace of the caller's API key, as Sharing's read side knows it; nil for the operator,
/// or when Sharing cannot tell within two seconds.
private func keyWorkspace(options: ClientOptions) async -> String? {
    struct Identity: Decodable {
        var workspaceID: String?
        enum CodingKeys: String, CodingKey { case workspaceID = "workspace_id" }
    }
    guard !options.asOperator, options.clientID != nil, let endpoint = try? options.reads(.sharing),
        let (status, body) = try? await ReadClient.get(endpoint, path: "/me", timeout: 2), status == 200
    else { return nil }
    return try? JSONCoding.decode(Identity.self, from: body).workspaceID
}
