import ArgumentParser
import Lifecycle
import ServiceKit

@main
struct LifecycleService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-lifecycle",
        abstract: "Tenancy's Lifecycle service: organizations, workspaces, members and API keys.",
        subcommands: [SeedSharedCopies.self]
    )

    @OptionGroup var options: ServiceOptions

    @Option(
        help:
            "Most invitations one workspace may send in any 24 hours; more are refused rate_limited until the oldest leaves the 24 hours. 0: no cap. Env: TENANCY_INVITATIONS_PER_WORKSPACE_PER_DAY."
    )
    var invitationsPerWorkspacePerDay: Int = Setting.environment("TENANCY_INVITATIONS_PER_WORKSPACE_PER_DAY") ?? 100

    func validate() throws {
        guard invitationsPerWorkspacePerDay >= 0 else { throw ValidationError("--invitations-per-workspace-per-day must be 0 (no cap) or more") }
    }

    func run() async throws {
        try await ServiceMain.run(Lifecycle.definition(invitationsPerWorkspacePerDay: invitationsPerWorkspacePerDay), options: options)
    }
}

/// The bench's fixture, written by the service's own projection into its stopped database.
struct SeedSharedCopies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-shared-copies",
        abstract: "Add the shared copies that go with `tenancy-sharing seed-shares` to a stopped Lifecycle's database (tenancy-bench)."
    )

    /// The service's own options: its `--database` (or TENANCY_DATABASE) names the file to grow.
    @ParentCommand var service: LifecycleService
    @Option(help: "Times every shared copy is copied: the copies `seed-shares` printed.") var copies: Int

    func run() async throws {
        guard let database = service.options.database else { throw ValidationError("--database is required: the stopped service's SQLite file") }
        print(try await SharedCopyFixture.grow(database: database, copies: copies))
    }
}
