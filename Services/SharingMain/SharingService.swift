import ArgumentParser
import ServiceKit
import Sharing

@main
struct SharingService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-sharing",
        abstract: "Tenancy's Sharing service: integrations shared between workspaces, with owner approval."
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceMain.run(Sharing.definition, options: options)
    }
}
