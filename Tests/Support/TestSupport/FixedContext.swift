import Foundation
import Models

/// A reproducible decision context: ids are `<prefix>_<label>` (dots removed), secrets count up,
/// new keys' signing keys are sealed to the test services' keys (``TestKeys``).
public func fixedContext(now: Date = Date(timeIntervalSince1970: 1_800_000_000), commandID: String = "cmd-1") -> DecisionContext {
    let counter = Counter()
    return DecisionContext(
        now: now,
        commandID: commandID,
        makeID: { label in label.filter { $0.isLetter || $0.isNumber } },
        makeSecret: { "secret\(counter.next())" }
    )
    .sealingSigningKeys { secret, clientID in TestKeys.signingKeys(of: secret, clientID: ClientID(rawValue: clientID)) }
}

/// A thread-safe counter.
public final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    public init() {}

    public func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
