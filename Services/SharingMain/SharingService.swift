import ArgumentParser
import Foundation
import ServiceKit
import Sharing

@main
struct SharingService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-sharing",
        abstract: "Tenancy's Sharing service: integrations shared between workspaces, with owner approval.",
        subcommands: [SeedShares.self]
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceMain.run(Sharing.definition, options: options)
    }
}

/// The bench's fixture, written by the service's own projection into its stopped database.
struct SeedShares: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-shares",
        abstract: "Grow a stopped Sharing's database to a number of stored shares, for measurements (tenancy-bench).",
        discussion: "Every accepted share is shared again with made-up destination workspaces until at least --count shares are stored. "
            + #"Prints {"copies": <times each accepted share was copied>, "shares": <shares stored>}; "#
            + "pass the copies to `tenancy-lifecycle seed-shared-copies` for the matching shared copies."
    )

    /// The service's own options: its `--database` (or TENANCY_DATABASE) names the file to grow.
    @ParentCommand var service: SharingService
    @Option(help: "Shares stored afterwards, at least.") var count: Int

    func run() async throws {
        guard let database = service.options.database else { throw ValidationError("--database is required: the stopped service's SQLite file") }
        let growth = try await ShareFixture.grow(database: database, to: count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        print(String(decoding: try encoder.encode(growth), as: UTF8.self))
    }
}
