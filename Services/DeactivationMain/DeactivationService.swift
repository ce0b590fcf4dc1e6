import ArgumentParser
import Deactivation
import Foundation
import ServiceKit

@main
struct DeactivationService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenancy-deactivation",
        abstract: "Tenancy's Deactivation service: deactivation and reactivation sagas, with their status."
    )

    private static let environment = ProcessInfo.processInfo.environment

    @OptionGroup var options: ServiceOptions

    @Option(help: "Seconds a saga step may take to confirm before it is asked again. Env: TENANCY_STEP_TIMEOUT_SECONDS.")
    var stepTimeoutSeconds: Double = environment["TENANCY_STEP_TIMEOUT_SECONDS"].flatMap(Double.init) ?? 30

    @Option(help: "Times a step is asked (the first included) before the operation is reported failed. Env: TENANCY_STEP_ATTEMPTS.")
    var stepAttempts: Int = environment["TENANCY_STEP_ATTEMPTS"].flatMap(Int.init) ?? 3

    func validate() throws {
        guard stepTimeoutSeconds > 0 else { throw ValidationError("--step-timeout-seconds must be positive") }
        guard stepAttempts >= 1 else { throw ValidationError("--step-attempts must be at least 1") }
    }

    func run() async throws {
        try await ServiceMain.run(
            Deactivation.definition(settings: SagaSettings(stepTimeout: stepTimeoutSeconds, maxAttempts: stepAttempts)),
            options: options
        )
    }
}
