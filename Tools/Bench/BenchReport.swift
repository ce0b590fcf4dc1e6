import Foundation

/// Everything one run measured, printed as a table and written as JSON.
struct BenchReport: Codable {
    struct Service: Codable {
        var name: String
        var peakResidentMegabytesDuringLoad: Double
        var cpuSecondsPerThousandCommands: Double
        /// Bytes written to storage during the throughput phase (`/proc/<pid>/io`), per command.
        var writtenKilobytesPerCommand: Double
        var databaseMegabytesPerHundredThousandShares: Double
        var startupToLiveSeconds: Double?
        var startupToReadySeconds: Double?
        var residentMegabytesAtStoredShares: Double?
        var databaseMegabytesAtStoredShares: Double?
    }

    struct StoredSharesRun: Codable {
        var shares: Int
        /// The latency load after the restart, once every key has been opened again.
        var latency: LoadPhases.Latency
        var sharingCPUSecondsPerThousandCommands: Double
    }

    var command: String
    var date: String
    var machine: MachineFacts
    var throughput: LoadPhases.Throughput
    var rawBaseline: RawBaseline.Result
    var throughputRatioToBaseline: Double
    /// Like for like: the relay produces, for each command, records of the sizes of the events and
    /// the result Sharing produced for one.
    var likeForLikeBaseline: RawBaseline.Result
    var throughputRatioToLikeForLike: Double
    /// The broker's and the load generator's CPU during the throughput phase (the services' own is under `services`).
    var throughputCPU: CPUUse
    var rawBaselineCPU: CPUUse
    var latency: LoadPhases.Latency
    var latencyInSharing: ServiceLatencySplit
    /// Sharing's CPU during the latency load, which the run at stored shares is compared with.
    var sharingCPUSecondsPerThousandAtRate: Double
    /// The same load at the same rate through the broker with librdkafka alone: the floor under `latency`.
    var rawLatency: RawLatency.Result
    /// A bare consumer joining a fresh group: the floor under a service's time to ready.
    var brokerAloneGroupJoinSeconds: Double
    var services: [Service]
    var storedShares: StoredSharesRun?
    /// Checking signatures and event tags in-process, per command or event.
    var signatures: SignatureCost.Result

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    var table: String {
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        var lines = [
            "tenancy-bench  \(date)  \(machine.cpu), \(machine.cores) cores, \(f(machine.memoryGigabytes)) GB",
            "",
            "throughput     \(throughput.commands) commands (\(throughput.shareRequests) CreateShareRequest + \(throughput.lifecycleCommands) IssueAPIKey), \(throughput.rejected) rejected",
            "               \(f(throughput.seconds)) s = \(f(throughput.commandsPerSecond, 0)) commands/s end to end",
            "raw baseline   \(rawBaseline.messages) records of \(rawBaseline.averageRecordBytes) B, two hops with librdkafka alone: \(f(rawBaseline.messagesPerSecond, 0)) records/s",
            "ratio          \(f(throughputRatioToBaseline * 100))% of the raw baseline",
            "like for like  \(likeForLikeBaseline.messages) records, the relay producing \(likeForLikeBaseline.relayedRecordBytes.map(String.init).joined(separator: " + ")) B for each: "
                + "\(f(likeForLikeBaseline.messagesPerSecond, 0)) commands/s; throughput \(f(throughputRatioToLikeForLike * 100))% of it (target >= 35%)",
            "latency        \(latency.commands) commands at \(latency.ratePerSecond)/s: p50 \(f(latency.p50Milliseconds)) ms, p99 \(f(latency.p99Milliseconds)) ms, p99.9 \(f(latency.p999Milliseconds)) ms, max \(f(latency.maxMilliseconds)) ms (target p99 <= 25 ms)",
        ]
        if let p50 = latency.untilResultProducedP50Milliseconds, let p99 = latency.untilResultProducedP99Milliseconds {
            lines.append("               of which until the service produced the result: p50 \(f(p50)) ms, p99 \(f(p99)) ms")
        }
        let split = latencyInSharing
        func bound(_ value: Double?) -> String { value.map { "<= \(f($0, 0))" } ?? "?" }
        lines.append(
            "               in Sharing (histogram buckets): produced to committed p50 \(bound(split.recordAgeAtCommitP50AtMostMilliseconds)), "
                + "p99 \(bound(split.recordAgeAtCommitP99AtMostMilliseconds)) ms; batch start to result acknowledged p50 "
                + "\(bound(split.outboxAgeAtDeliveryP50AtMostMilliseconds)), p99 \(bound(split.outboxAgeAtDeliveryP99AtMostMilliseconds)) ms; "
                + "\(split.batches.map(String.init) ?? "?") batches written in p50 \(bound(split.batchDurationP50AtMostMilliseconds)), p99 \(bound(split.batchDurationP99AtMostMilliseconds)) ms"
        )
        let floor = rawLatency.latency
        lines.append(
            "raw latency    \(rawLatency.records) records at \(rawLatency.ratePerSecond)/s, two hops with librdkafka alone: p50 \(f(floor.p50Milliseconds)) ms, "
                + "p99 \(f(floor.p99Milliseconds)) ms, p99.9 \(f(floor.p999Milliseconds)) ms, max \(f(floor.maxMilliseconds)) ms"
        )
        lines.append(
            "               the services' p99 is \(f(latency.p99Milliseconds - floor.p99Milliseconds)) ms over the broker's (target <= 20 ms); "
                + "Sharing used \(f(sharingCPUSecondsPerThousandAtRate, 2)) CPU s per 1000 commands"
        )
        if let stored = storedShares {
            lines.append(
                "at \(stored.shares) shares: \(stored.latency.commands) commands at \(stored.latency.ratePerSecond)/s: p50 \(f(stored.latency.p50Milliseconds)) ms, p99 \(f(stored.latency.p99Milliseconds)) ms; "
                    + "Sharing used \(f(stored.sharingCPUSecondsPerThousandCommands, 2)) CPU s per 1000 commands, "
                    + "\(f(stored.sharingCPUSecondsPerThousandCommands / sharingCPUSecondsPerThousandAtRate, 2))x as much as with none stored (target <= 1.5)"
            )
        }
        var join = "group join     a bare consumer joins a fresh group in \(f(brokerAloneGroupJoinSeconds, 2)) s"
        if storedShares != nil, let ready = services.first(where: { $0.name == "sharing" })?.startupToReadySeconds {
            join += "; Sharing is ready \(f(ready - brokerAloneGroupJoinSeconds, 2)) s later than that at stored shares (target <= 0.5 s)"
        }
        lines.append(join)
        func cpu(_ use: CPUUse, per what: String) -> String {
            (use.brokerSecondsPerThousand.map { "broker \(f($0, 2)) s, " } ?? "")
                + "load generator \(f(use.loadGeneratorSecondsPerThousand, 2)) s per 1000 \(what); "
                + "all cores \(f(use.machineBusyFraction * 100, 0))% busy"
        }
        lines.append(Self.signatureLine(signatures))
        lines += [
            "cpu            throughput: " + cpu(throughputCPU, per: "commands"),
            "               raw baseline: " + cpu(rawBaselineCPU, per: "records"),
        ]
        lines += [
            "",
            "service        peak RSS (load)  CPU s/1000 cmds  KB written/cmd  DB MB/100k shares  start-up live/ready  RSS / DB at stored shares",
        ]
        for service in services {
            let startup = service.startupToLiveSeconds.map { "\(f($0, 2)) / \(f(service.startupToReadySeconds ?? 0, 2)) s" } ?? "-"
            let stored = service.residentMegabytesAtStoredShares.map { "\(f($0)) MB / \(f(service.databaseMegabytesAtStoredShares ?? 0)) MB" } ?? "-"
            lines.append(
                service.name.padding(toLength: 15, withPad: " ", startingAt: 0)
                    + "\(f(service.peakResidentMegabytesDuringLoad)) MB".padding(toLength: 17, withPad: " ", startingAt: 0)
                    + f(service.cpuSecondsPerThousandCommands, 2).padding(toLength: 17, withPad: " ", startingAt: 0)
                    + f(service.writtenKilobytesPerCommand, 1).padding(toLength: 16, withPad: " ", startingAt: 0)
                    + f(service.databaseMegabytesPerHundredThousandShares).padding(toLength: 19, withPad: " ", startingAt: 0)
                    + startup.padding(toLength: 21, withPad: " ", startingAt: 0) + stored
            )
        }
        return lines.joined(separator: "\n")
    }

    static func signatureLine(_ cost: SignatureCost.Result) -> String {
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        return "signatures     a \(cost.commandBytes) B command verified in \(f(cost.verifyMicroseconds)) us (target < 10 us), "
            + "\(f(cost.firstVerifyOfAKeyMicroseconds)) us the first time for its key; an event tagged for every follower in "
            + "\(f(cost.tagEventMicroseconds)) us, its tag checked in \(f(cost.checkEventTagMicroseconds)) us"
    }
}
