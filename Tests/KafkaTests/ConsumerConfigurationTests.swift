import Testing

@testable import Kafka

/// The second client of a consumer reads the tasks' other topics with the group's settings, a
/// smaller prefetch, and never as a static member.
@Suite("Consumer configuration")
struct ConsumerConfigurationTests {
    @Test func theFollowerFetchesLessAheadAndIsNoStaticMember() {
        var configuration = KafkaConsumerConfiguration(connection: KafkaConnection(bootstrapServers: "127.0.0.1:9092", clientID: "t"), groupID: "g")
        configuration.groupInstanceID = "sharing-0"
        let group = configuration.librdkafkaProperties
        let follower = configuration.followerLibrdkafkaProperties
        #expect(group["queued.max.messages.kbytes"] == "16384" && group["group.instance.id"] == "sharing-0")
        #expect(follower["queued.max.messages.kbytes"] == "4096" && follower["group.instance.id"] == nil)
        // Also bounded by count (the follower's equals it, below): librdkafka weighs records by their values only.
        #expect(group["queued.min.messages"] == "5000")
        #expect(
            follower.filter { !["queued.max.messages.kbytes", "group.instance.id"].contains($0.key) }
                == group.filter {
                    !["queued.max.messages.kbytes", "group.instance.id"].contains($0.key)
                }
        )
    }
}
