import Foundation
import Hashing
import Models

extension DecisionContext {
    /// The context a command is decided in: every new id random and ordered by time, random secrets.
    /// Nothing is derived from the command id, which its sender chose and anyone may send again.
    public static func live(commandID: String, now: Date) -> DecisionContext {
        DecisionContext(
            now: now,
            commandID: commandID,
            makeID: { _ in TimeOrderedID.make(at: now) },
            makeSecret: Secret.generate
        )
    }

    /// The context another service's event is applied in: ids derived from the event's id (which
    /// Tenancy made unique) and the label, so that applying the event again gives the same ids.
    public static func reacting(to eventID: String, now: Date) -> DecisionContext {
        DecisionContext(
            now: now,
            commandID: eventID,
            makeID: { DerivedID.make(from: eventID, label: $0) },
            makeSecret: Secret.generate
        )
    }
}
