/// The topics a service reads together must all have the deployment's partition count P: a key
/// picks the same partition number in each, so that one partition of each (a task) holds
/// everything about the keys it owns, and the group gives those partitions to one instance.
/// Kafka Streams refuses to start on topics that are not co-partitioned for the same reason.
public enum CoPartitioning {
    /// Why topics with these partition counts cannot be read together under `expected`; nil when
    /// they can.
    public static func refusal(counts: [String: Int32], expected: Int32) -> String? {
        let wrong = counts.filter { $0.value != expected }.sorted { $0.key < $1.key }
        guard !wrong.isEmpty else { return nil }
        let listed = wrong.map { "\($0.key) has \($0.value)" }.joined(separator: ", ")
        return "every topic this service reads must have \(expected) partitions (--partitions, TENANCY_PARTITIONS), "
            + "so that a key lands in the same partition of each: \(listed). A topic's partition count cannot change in place; "
            + "start the service with the count its topics have, or move to new topics (docs/production.md, Topics)"
    }
}

/// The service cannot start as configured; the message says why and what to do.
public struct StartupRefusal: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
