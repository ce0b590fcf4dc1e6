import Foundation
import Logging
import TestSupport
import Testing

@testable import Kafka

/// A service tells a mis-keyed record from its key alone: the partition it computes for a key is the
/// one the producers' partitioner (librdkafka's `murmur2_random`, as the Java client's) gives it.
@Suite("Key partitioner")
struct KeyPartitionerTests {
    /// Kafka's own test vectors for `Utils.murmur2` (UtilsTest), as signed 32-bit values.
    @Test func theHashIsKafkasMurmur2() {
        let vectors: [(String, Int32)] = [
            ("21", -973_932_308), ("foobar", -790_332_482), ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829), ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            ("abc", 479_470_107),
        ]
        for (key, expected) in vectors {
            #expect(Int32(bitPattern: KeyPartitioner.murmur2(Array(key.utf8))) == expected, "\(key)")
        }
    }

    @Test func keysLandWhereTheProducerPutsThem() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers)),
            logger: Logger(label: "test.kafka")
        )
        defer { producer.close() }
        try producer.createTopicsIfMissing([TopicSpecification(name: "keyed", partitions: 7)])
        let keys = (0..<300).map { _ in "ws_" + UUID().uuidString.lowercased().prefix(Int.random(in: 1...36)) }
        let reports = await producer.send(keys.map { KafkaRecord(topic: "keyed", key: Data($0.utf8), value: Data()) })
        for (key, report) in zip(keys, reports) {
            #expect(try report.get().partition == KeyPartitioner.partition(of: key, count: 7), "\(key)")
        }
        #expect(Set(keys.map { KeyPartitioner.partition(of: $0, count: 7) }).count == 7)
    }
}
