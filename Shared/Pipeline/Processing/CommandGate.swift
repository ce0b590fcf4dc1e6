import Foundation
import Models

/// Decides, once a command's sender is known and before its id is looked up, whether the service
/// takes the command now (a rate limit, a replica too far behind to check credentials against).
///
/// A refusal is answered and not recorded: the same command sent again later is decided afresh,
/// and a flood of refused commands costs no storage. It should say when to retry
/// (``Rejection/retryAfterSeconds``).
public protocol CommandGate: Sendable {
    func admit(_ envelope: Envelope, from sender: Sender, now: Date) throws(Rejection)
}
