import ArgumentParser
import Lifecycle
import ServiceKit

@main
struct LifecycleService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-lifecycle",
        abstract: "Tenancy's Lifecycle service: organizations, workspaces, members and API keys."
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceMain.run(Lifecycle.definition, options: options)
    }
}
