import Foundation
import Hummingbird
import Kafka
import Pipeline

/// `/tasks` on the ops port: the tasks this instance owns - one per partition number, made of
/// that partition of every topic it reads - with, for each topic, the next offset stored with the
/// state, the high watermark last seen, and the lag between them. With several instances of a
/// service, each answers for its own share; an instance with none answers an empty list. Then the
/// replicas every instance keeps whole (read outside the group): each partition with the next
/// offset applied, the high watermark last seen and the lag, and whether they have caught up.
enum TaskRoutes {
    struct TasksView: Encodable {
        struct Task: Encodable {
            struct Input: Encodable {
                var topic: String
                /// The next offset to read, from the state's own database; nil before anything was read.
                var nextOffset: Int64?
                var highWatermark: Int64?
                var lag: Int64?

                enum CodingKeys: String, CodingKey {
                    case topic, lag
                    case nextOffset = "next_offset"
                    case highWatermark = "high_watermark"
                }
            }

            var partition: Int32
            var inputs: [Input]
        }

        struct Replicas: Encodable {
            struct Partition: Encodable {
                var topic: String
                var partition: Int32
                var nextOffset: Int64?
                var highWatermark: Int64?
                var lag: Int64?

                enum CodingKeys: String, CodingKey {
                    case topic, partition, lag
                    case nextOffset = "next_offset"
                    case highWatermark = "high_watermark"
                }
            }

            var caughtUp: Bool
            var partitions: [Partition]

            enum CodingKeys: String, CodingKey {
                case partitions
                case caughtUp = "caught_up"
            }
        }

        var service: String
        var instance: String?
        var assignmentStrategy: String
        var partitions: Int32
        var tasks: [Task]
        /// Nil for a service that keeps no replicas.
        var replicas: Replicas?

        enum CodingKeys: String, CodingKey {
            case service, instance, partitions, tasks, replicas
            case assignmentStrategy = "assignment_strategy"
        }
    }

    static func register(
        on router: Router<BasicRequestContext>,
        service: String,
        instance: String?,
        assignmentStrategy: String,
        partitions: Int32,
        store: ServiceStore,
        consumer: KafkaConsumer,
        replica: ReplicaReader?
    ) {
        router.get("/tasks") { _, _ -> Response in
            let assigned = consumer.assignment.sorted { ($0.partition, $0.topic) < ($1.partition, $1.topic) }
            let stored = try store.storedOffsets(for: assigned)
            let tasks = Dictionary(grouping: assigned, by: \.partition).sorted { $0.key < $1.key }.map { partition, inputs in
                TasksView.Task(
                    partition: partition,
                    inputs: inputs.map { input in
                        let next = stored[input]
                        let high = consumer.cachedHighWatermark(of: input)
                        return TasksView.Task.Input(
                            topic: input.topic,
                            nextOffset: next,
                            highWatermark: high,
                            lag: high.map { max(0, $0 - (next ?? 0)) }
                        )
                    }
                )
            }
            let view = TasksView(
                service: service,
                instance: instance,
                assignmentStrategy: assignmentStrategy,
                partitions: partitions,
                tasks: tasks,
                replicas: replica.map(replicasView)
            )
            return try JSONResponse.make(view, notFound: "")
        }
    }

    private static func replicasView(_ reader: ReplicaReader) -> TasksView.Replicas {
        let applied = reader.progress.applied
        let partitions = applied.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.map { partition in
            let next = applied[partition]
            let high = reader.consumer.cachedHighWatermark(of: partition)
            return TasksView.Replicas.Partition(
                topic: partition.topic,
                partition: partition.partition,
                nextOffset: next,
                highWatermark: high,
                lag: high.map { max(0, $0 - (next ?? 0)) }
            )
        }
        return TasksView.Replicas(caughtUp: reader.progress.isCaughtUp, partitions: partitions)
    }
}
