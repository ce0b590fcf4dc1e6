import Foundation
import Models
import Sealing

/// What the CLI sends sealed to Lifecycle's secrets key for one command id, so that it is never in
/// clear on the command topic: integration secret values, and the one-time token of a command
/// whose credential it is. Lifecycle's key is `--lifecycle-secrets-key` (or the config's
/// `lifecycle_secrets_key`) when set, which pins it; otherwise what Lifecycle's `GET /secrets-key`
/// publishes.
enum SealedForLifecycle {
    /// Integration secret `values` sealed for the command `commandID`; nil when there are none.
    static func secrets(_ values: [String: String], commandID: String, options: ClientOptions) async throws -> SealedSecrets? {
        guard !values.isEmpty else { return nil }
        return try SecretSeal.seal(values, to: try await lifecycleKey(options), for: .integrationSecrets(commandID: commandID))
    }

    /// A one-time `token` (an invitation's) sealed for the command `commandID`.
    static func token(_ token: String, commandID: String, options: ClientOptions) async throws -> SealedSecrets {
        try SecretSeal.seal(["token": token], to: try await lifecycleKey(options), for: .token(commandID: commandID))
    }

    private static func lifecycleKey(_ options: ClientOptions) async throws -> String {
        if let pinned = options.lifecycleSecretsKey { return pinned }
        let (status, body) = try await ReadClient.get(
            ReadEndpoint(base: options.lifecycleURL, service: "lifecycle", credential: nil),
            path: "/secrets-key"
        )
        guard status == 200, let view = try? JSONCoding.decode(SecretsKeyView.self, from: body), view.suite == SecretSeal.suite else {
            throw CLIError(
                "could not read Lifecycle's secrets key from \(options.lifecycleURL)/secrets-key (HTTP \(status)); set --lifecycle-secrets-key or lifecycle_secrets_key in the config"
            )
        }
        return view.publicKey
    }
}
