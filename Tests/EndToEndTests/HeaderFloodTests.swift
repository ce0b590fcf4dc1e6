import Foundation
import Kafka
import Logging
import Models
import TestSupport
import Testing

/// A flood of records with huge, unique `ce_type` headers costs a service neither memory nor metric
/// series: each is refused and answered, the header is checked for size before any use, and only the
/// service's own message types label its metrics.
@Suite("End to end: huge unique ce_type headers", .serialized, .timeLimit(.minutes(5)))
struct HeaderFloodTests {
    @Test func threeHundredOneMegabyteTypesLeaveMemoryAndMetricsAsTheyWere() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, _, opsPort) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        var configuration = KafkaProducerConfiguration(connection: KafkaConnection(bootstrapServers: broker.bootstrapServers))
        configuration.maxMessageBytes = 2_000_000
        let producer = try KafkaProducer(configuration: configuration, logger: Logger(label: "e2e"))
        defer { producer.close() }
        let results = try await TopicReader(bootstrapServers: broker.bootstrapServers, topic: deployment.topics.commandResults)

        // Warm up with a few, so that what is measured is growth, not the first allocations.
        try await flood(5, producer: producer, topic: deployment.topics.lifecycleCommands, results: results)
        let rssBefore = try residentMegabytes(of: lifecycle.pid)
        let metricsBefore = try #require(await httpGet(port: opsPort, path: "/metrics")?.body)

        let took = try await flood(300, producer: producer, topic: deployment.topics.lifecycleCommands, results: results)
        let rssAfter = try residentMegabytes(of: lifecycle.pid)
        let metricsAfter = try #require(await httpGet(port: opsPort, path: "/metrics")?.body)
        print(
            "300 records with 1 MB unique ce_type: answered in \(took); RSS \(rssBefore) -> \(rssAfter) MB; /metrics \(metricsBefore.utf8.count) -> \(metricsAfter.utf8.count) bytes"
        )
        #expect(rssAfter - rssBefore <= 50, "RSS grew from \(rssBefore) to \(rssAfter) MB")
        // Series may appear with time (a checkpoint, a relay retry); none from what was sent.
        let added = Self.series(metricsAfter).subtracting(Self.series(metricsBefore))
        #expect(added.allSatisfy { $0.utf8.count < 300 && !$0.contains("flood") }, "new series: \(added.map { $0.prefix(120) })")
        #expect(
            metricsAfter.utf8.count - metricsBefore.utf8.count < 16_384,
            "/metrics grew by \(metricsAfter.utf8.count - metricsBefore.utf8.count) bytes"
        )
        await results.close()
    }

    /// Sends `count` commands whose `ce_type` is a unique 1 MB name, and waits for each one's result.
    @discardableResult
    func flood(_ count: Int, producer: KafkaProducer, topic: String, results: TopicReader) async throws -> Duration {
        let started = ContinuousClock.now
        let ids = (0..<count).map { _ in "flood-\(UUID().uuidString.lowercased())" }
        let records = ids.map { id in
            var record = CommandFactory.record(
                CreateOrganization(name: "Flood", ownerEmail: "f@acme.example"),
                topic: topic,
                id: id,
                key: "flood",
                credential: nil
            )
            let type = "tenancy.flood." + id + "." + String(repeating: "x", count: 1_000_000) + ".v1"
            record.headers = record.headers.map { $0.name == Envelope.Header.type ? KafkaHeader(name: $0.name, string: type) : $0 }
            return record
        }
        for outcome in await producer.send(records) { _ = try outcome.get() }
        let wanted = Set(ids)
        let read = try await results.read(timeout: .seconds(120)) { read in
            Set(read.compactMap { $0.commandResult?.commandID }).isSuperset(of: wanted)
        }
        let answers = read.compactMap(\.commandResult).filter { wanted.contains($0.commandID) }
        #expect(answers.allSatisfy { $0.status == .rejected && $0.commandType.utf8.count < 300 }, "each refused, none echoing the type")
        return ContinuousClock.now - started
    }

    func residentMegabytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
        return kilobytes / 1_024
    }

    /// The metric series (name and labels) an exposition names, without their values.
    static func series(_ exposition: String) -> Set<String> {
        Set(exposition.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: " ").first.map(String.init) })
    }
}
