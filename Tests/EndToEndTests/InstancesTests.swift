import Foundation
import TestSupport
import Testing

/// Several instances of one service in its consumer group, as real processes against Tansu. What
/// holds so far of running a service as several instances (issue 20): the group spreads the tasks
/// over the instances, each task (one partition number of every topic the service reads) whole on
/// one of them, and each says which it owns on `/tasks`; state does not move with a task yet.
@Suite("End to end: several instances of a service", .serialized, .timeLimit(.minutes(5)))
struct InstancesTests {
    /// The partition numbers of the tasks an instance owns, as its `/tasks` says; nil while one of
    /// them lacks the partition of a topic Sharing reads (a task split over instances).
    func wholeTasks(opsPort: Int, deployment: Deployment) async -> Set<Int32>? {
        struct View: Decodable {
            struct Task: Decodable {
                struct Input: Decodable { var topic: String }
                var partition: Int32
                var inputs: [Input]
            }
            var tasks: [Task]
        }
        let read = [deployment.topics.sharingCommands, deployment.topics.lifecycleEvents, deployment.topics.deactivationEvents].sorted()
        guard let body = await httpGet(port: opsPort, path: "/tasks")?.body,
            let view = try? JSONDecoder().decode(View.self, from: Data(body.utf8)),
            view.tasks.allSatisfy({ $0.inputs.map(\.topic).sorted() == read })
        else { return nil }
        return Set(view.tasks.map(\.partition))
    }

    @Test func twoInstancesShareTheTasksAndOneTakesThemAllWhenTheOtherLeaves() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (first, _, firstOps) = try await deployment.startReady("sharing")
        defer { first.stop(signal: SIGKILL) }
        try await Wait.until("the first instance owns every task", timeout: .seconds(60)) {
            await wholeTasks(opsPort: firstOps, deployment: deployment) == [0, 1, 2]
        }

        let secondOps = try FreePort.next()
        let second = try deployment.start("sharing", instance: "sharing-2", httpPort: try FreePort.next(), opsPort: secondOps)
        defer { second.stop(signal: SIGKILL) }
        try await Wait.until("the two instances share the tasks, each whole", timeout: .seconds(90), every: .milliseconds(250)) {
            guard let mine = await wholeTasks(opsPort: firstOps, deployment: deployment),
                let theirs = await wholeTasks(opsPort: secondOps, deployment: deployment)
            else { return false }
            return !mine.isEmpty && !theirs.isEmpty && mine.isDisjoint(with: theirs) && mine.union(theirs) == [0, 1, 2]
        }
        try await Wait.until("the second instance is ready", timeout: .seconds(60), every: .milliseconds(250)) {
            await httpGet(port: secondOps, path: "/health/ready")?.status == 200
        }

        let status = await second.stopped(by: SIGTERM, timeout: .seconds(30))
        #expect(status == .exited(0), "log:\n\(second.log.suffix(2_000))")
        #expect(second.log.contains("consumer closed"))
        try await Wait.until("the first instance owns every task again", timeout: .seconds(60), every: .milliseconds(250)) {
            await wholeTasks(opsPort: firstOps, deployment: deployment) == [0, 1, 2]
        }
    }
}
