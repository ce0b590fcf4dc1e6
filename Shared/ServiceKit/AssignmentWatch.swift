import Pipeline

/// Decides when a group consumer without partitions is looked at again (once it has had none for
/// `patience`, and then at most once per `patience`) and when its client may be replaced (once its
/// topics have existed for `patience` as well, so that a join librdkafka starts by itself is not cut
/// short). Why such a consumer gets a fresh client: docs/decisions.md, "A consumer that lost its
/// partitions gets a fresh client".
struct AssignmentWatch {
    let patience: Duration
    private var unassignedSince: ContinuousClock.Instant?
    private var lastCheck: ContinuousClock.Instant?
    private var topicsSeenSince: ContinuousClock.Instant?

    init(patience: Duration = .seconds(10)) {
        self.patience = patience
    }

    /// Whether to look at the consumer now, given whether it has partitions.
    mutating func checkDue(assigned: Bool, now: ContinuousClock.Instant) -> Bool {
        guard !assigned else {
            unassignedSince = nil
            lastCheck = nil
            topicsSeenSince = nil
            return false
        }
        let since = unassignedSince ?? now
        unassignedSince = since
        guard now - since >= patience, lastCheck.map({ now - $0 >= patience }) ?? true else { return false }
        lastCheck = now
        return true
    }

    /// Whether the subscribed topics have existed for `patience`, given whether they all exist now:
    /// long enough for the join librdkafka starts by itself when they appear. A check that finds one
    /// missing starts the wait over.
    mutating func topicsSettled(exist: Bool, now: ContinuousClock.Instant) -> Bool {
        guard exist else {
            topicsSeenSince = nil
            return false
        }
        let since = topicsSeenSince ?? now
        topicsSeenSince = since
        return now - since >= patience
    }

    /// How long the consumer has been without partitions, if it is.
    func unassignedFor(now: ContinuousClock.Instant) -> Duration? {
        unassignedSince.map { now - $0 }
    }
}
