import Foundation
@testable import Lifecycle
import Models
import Pipeline

/// A reproducible context: ids are `<prefix>_<label>` (dots removed), secrets count up.
func fixedContext(now: Date = Date(timeIntervalSince1970: 1_800_000_000), commandID: String = "cmd-1") -> DecisionContext {
    let counter = Counter()
    return DecisionContext(
        now: now, commandID: commandID,
        deriveID: { label in label.filter { $0.isLetter || $0.isNumber } },
        makeSecret: { "secret\(counter.next())" }
    )
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.withLock { value += 1; return value } }
}

func owner(scopes: Set<Scope> = Role.owner.scopes, role: Role = .owner) -> Principal {
    .member(Caller(
        userID: UserID(rawValue: "usr_owner"), clientID: ClientID(rawValue: "key_owner"), workspaceID: WorkspaceID(rawValue: "ws_home"),
        organizationID: OrganizationID(rawValue: "org_acme"), role: role, scopes: scopes.intersection(role.scopes)
    ))
}

extension CommandOutcome {
    func events<T: Message>(of type: T.Type) -> [T] { events.compactMap { $0.message as? T } }
}

/// 32 bytes of 0x2a, base64: a fixed key for tests.
let testSecretsKey = Data(repeating: 42, count: 32).base64EncodedString()
