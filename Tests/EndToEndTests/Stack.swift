import Foundation
import Models
import TestSupport
import Testing

/// Running services and the `tenancy` CLI pointed at them, with helpers that run a command and check its result.
struct Stack {
    let deployment: Deployment
    var lifecyclePort: Int
    var sharingPort: Int
    var deactivationPort: Int?
    var notificationsPort: Int?
    /// Each service's ops port (health and metrics), by name, where the test knows them.
    var opsPorts: [String: Int] = [:]

    /// The credential environment of the key a command's result created.
    static func key(_ result: CommandResult) throws -> [String: String] {
        ["TENANCY_CLIENT_ID": try #require(result.created["client_id"]), "TENANCY_CLIENT_SECRET": try #require(result.secrets?["client_secret"])]
    }

    func cli(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String, errors: String) {
        try await deployment.cli(
            arguments,
            environment: environment,
            lifecyclePort: lifecyclePort,
            sharingPort: sharingPort,
            deactivationPort: deactivationPort,
            notificationsPort: notificationsPort
        )
    }

    /// Runs the CLI with `--json` as the holder of `key`; returns the result and the exit status.
    func run(_ arguments: [String], as key: [String: String]) async throws -> (result: CommandResult?, status: Int32, errors: String) {
        let run = try await cli(arguments + ["--json"], environment: key)
        return (try? JSONCoding.decode(CommandResult.self, from: Data(run.output.utf8)), run.status, run.errors)
    }

    /// Runs a command at a service that may not have read yet the event issuing `key` (its replica of
    /// keys is eventually consistent). An `unauthenticated` refusal changes nothing, so the command is
    /// repeated, as a client would, until the key is known or 20 seconds have passed.
    func runWithJustIssuedKey(_ arguments: [String], as key: [String: String]) async throws -> (result: CommandResult?, status: Int32, errors: String)
    {
        var outcome = try await run(arguments, as: key)
        let deadline = ContinuousClock.now + .seconds(20)
        while outcome.result?.error?.code == .unauthenticated, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            outcome = try await run(arguments, as: key)
        }
        return outcome
    }

    /// Runs a command that must be accepted; returns its result. `justIssuedKey` allows for a key
    /// that the command's service may not know yet (see `runWithJustIssuedKey`).
    func accepted(
        _ arguments: [String],
        as key: [String: String],
        justIssuedKey: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CommandResult {
        let (result, status, errors) = try await justIssuedKey ? runWithJustIssuedKey(arguments, as: key) : run(arguments, as: key)
        let accepted = try #require(result, "no result for \(arguments): \(errors)", sourceLocation: sourceLocation)
        #expect(status == 0 && accepted.status == .accepted, "\(arguments): \(accepted.error?.description ?? errors)", sourceLocation: sourceLocation)
        return accepted
    }

    /// Runs a command that must be rejected with `code`.
    func rejected(
        _ arguments: [String],
        as key: [String: String],
        _ code: ErrorCode,
        justIssuedKey: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let (result, status, errors) = try await justIssuedKey ? runWithJustIssuedKey(arguments, as: key) : run(arguments, as: key)
        #expect(
            status == 1 && result?.error?.code == code,
            "\(arguments): expected \(code), got \(result?.error?.description ?? errors)",
            sourceLocation: sourceLocation
        )
    }

    /// A read through the CLI, as JSON, decoded: signed with `key`, or as the operator without one.
    func read(_ arguments: [String], as key: [String: String] = [:]) async throws -> [String: Any] {
        let signer = key.isEmpty ? ["--as-operator"] : []
        let run = try await cli(arguments + signer + (arguments.contains("--json") ? [] : ["--json"]), environment: key)
        #expect(run.status == 0, "\(arguments): \(run.errors)")
        return try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any] ?? [:]
    }

    /// The integrations listed in a workspace, optionally filtered by `--shared`.
    func integrations(_ workspace: String, shared: String? = nil) async throws -> [[String: Any]] {
        try await read(["integration", "list", workspace] + (shared.map { ["--shared", $0] } ?? []))["integrations"] as? [[String: Any]] ?? []
    }

    /// Waits until Lifecycle lists (or stops listing) a copy in a workspace, as it applies Sharing's events.
    func waitForCopy(_ copy: String, in workspace: String, present: Bool = true) async throws -> [String: Any]? {
        var found: [String: Any]?
        try await Wait.until("copy \(copy) \(present ? "listed" : "gone") in \(workspace)", timeout: .seconds(20), every: .milliseconds(100)) {
            found = try? await integrations(workspace).first { $0["integration_id"] as? String == copy }
            return (found != nil) == present
        }
        return found
    }
}
