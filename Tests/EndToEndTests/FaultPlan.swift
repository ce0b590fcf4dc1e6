import Foundation
import Kafka
import Messaging
import Models
import TestSupport
import Testing

/// When, in a run of `commands` commands, which fault is injected. Positions are seeded random.
struct FaultPlan {
    enum Action {
        case kill(String)
        case stop(String)
        case start(String)
        case duplicates(percent: Int)
        case poison
    }

    struct Fault {
        let at: Int
        let action: Action

        var name: String {
            switch action {
            case .kill(let service): "SIGKILL \(service)"
            case .stop(let service): "SIGTERM \(service) under load"
            case .start(let service): "restart \(service) after a while"
            case .duplicates: "duplicates re-sent out of order"
            case .poison: "poison batch"
            }
        }

        /// Injects the fault; returns the ids of the already-sent commands it sent again.
        func inject(
            services: RunningServices,
            deployment: Deployment,
            producer: KafkaProducer,
            sent: [ReliabilityLoad.Command],
            poison: [PoisonRecord],
            random: inout SplitMix64
        ) async throws -> [String] {
            switch action {
            case .kill(let service):
                // A service stopped on purpose stays down until its planned restart.
                guard services.isRunning(service) else { return [] }
                try await services.waitUntilJoined(service)
                await services.stop(service, signal: SIGKILL)
                try services.start(service)
            case .stop(let service):
                try await services.waitUntilJoined(service)
                let status = await services.stop(service, signal: SIGTERM)
                #expect(status == .exited(0), "\(service) stops cleanly on SIGTERM under load")
            case .start(let service):
                try services.start(service)
            case .duplicates(let percent):
                let copies = sent.shuffled(using: &random).prefix(max(1, sent.count * percent / 100))
                for outcome in await producer.send(copies.map(\.record)) { _ = try outcome.get() }
                return copies.map(\.id)
            case .poison:
                for outcome in await producer.send(poison.map(\.record) + Self.undecodableEvents(topic: deployment.topics.lifecycleEvents)) {
                    _ = try outcome.get()
                }
            }
            return []
        }

        /// Garbage on an event topic that three services follow: each dead-letters it and goes on.
        static func undecodableEvents(topic: String) -> [KafkaRecord] {
            [
                KafkaRecord(topic: topic, key: Data("x".utf8), value: Data("not an event".utf8)),
                KafkaRecord(
                    Envelope(
                        id: "evt_poison\(UUID().uuidString.prefix(6))",
                        type: "tenancy.lifecycle.Unheard.v1",
                        source: "/nowhere",
                        time: nil,
                        subject: nil,
                        payload: Data("{}".utf8)
                    ),
                    topic: topic,
                    key: "x"
                ),
            ]
        }
    }

    private var pending: [Fault]
    /// Already-sent commands sent again so far, by id, with how many times.
    var resent: [String: Int] = [:]

    init(commands: Int, random: inout SplitMix64) {
        func somewhere(_ from: Double, _ to: Double) -> Int {
            Int((from + (to - from) * Double(random.next() % 1_000) / 1_000) * Double(commands))
        }
        var faults = RunningServices.names.map { Fault(at: somewhere(0.1, 0.9), action: .kill($0)) }
        faults += ["lifecycle", "sharing"].map { Fault(at: somewhere(0.2, 0.95), action: .kill($0)) }
        let stopped = somewhere(0.3, 0.5)
        faults += [
            Fault(at: stopped, action: .stop("sharing")), Fault(at: stopped + commands / 5, action: .start("sharing")),
            Fault(at: somewhere(0.4, 0.6), action: .duplicates(percent: 5)), Fault(at: commands, action: .duplicates(percent: 5)),
            Fault(at: somewhere(0.2, 0.4), action: .poison),
        ]
        pending = faults.sorted { $0.at < $1.at }
    }

    /// The faults due once `sent` commands have gone out.
    mutating func due(at sent: Int) -> [Fault] {
        let due = pending.prefix { $0.at <= sent }
        pending.removeFirst(due.count)
        return Array(due)
    }
}
