import Foundation
import Hashing
import Models

extension DecisionContext {
    /// The production context: ids derived from the command id with SHA-256, random secrets.
    public static func live(commandID: String, now: Date) -> DecisionContext {
        DecisionContext(
            now: now,
            commandID: commandID,
            deriveID: { DerivedID.make(from: commandID, label: $0) },
            makeSecret: Secret.generate
        )
    }
}
