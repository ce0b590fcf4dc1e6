/// Decides when a group consumer without partitions is looked at again: once it has had none for
/// `patience`, and then at most once per `patience`.
///
/// librdkafka updates a group's view of its subscribed topics from metadata it refreshes every
/// `topic.metadata.refresh.interval.ms` (5 minutes); a consumer that joined while its topics did not
/// exist (a broker that came back empty, topics recreated after it) can stay without partitions
/// longer than that (measured with Tansu: still none after 6 minutes). ``ConsumerService`` uses
/// these checks to rejoin such a consumer.
struct AssignmentWatch {
    let patience: Duration
    private var unassignedSince: ContinuousClock.Instant?
    private var lastCheck: ContinuousClock.Instant?

    init(patience: Duration = .seconds(10)) {
        self.patience = patience
    }

    /// Whether to look at the consumer now, given whether it has partitions.
    mutating func checkDue(assigned: Bool, now: ContinuousClock.Instant) -> Bool {
        guard !assigned else {
            unassignedSince = nil
            lastCheck = nil
            return false
        }
        let since = unassignedSince ?? now
        unassignedSince = since
        guard now - since >= patience, lastCheck.map({ now - $0 >= patience }) ?? true else { return false }
        lastCheck = now
        return true
    }

    /// How long the consumer has been without partitions, if it is.
    func unassignedFor(now: ContinuousClock.Instant) -> Duration? {
        unassignedSince.map { now - $0 }
    }
}
