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

    func run() async throws {
        try await ServiceMain.run(Lifecycle.definition, options: options)
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
