// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tenancy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tenancy", targets: ["CLI"]),
        .executable(name: "tenancy-lifecycle", targets: ["LifecycleMain"]),
        .executable(name: "tenancy-sharing", targets: ["SharingMain"]),
        .executable(name: "tenancy-notifications", targets: ["NotificationsMain"]),
        .executable(name: "tenancy-deactivation", targets: ["DeactivationMain"]),
        .executable(name: "tenancy-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.3.0"),
        // OTLP/HTTP only: the gRPC exporter would add grpc-swift to the build for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // Contracts and bridges: what every other layer builds on.
        .target(name: "Models", path: "Shared/Models"),
        .target(name: "Hashing", dependencies: ["Models", .product(name: "Crypto", package: "swift-crypto")], path: "Shared/Hashing"),
        // Sealing one-time secrets and signing keys (HPKE), signing commands and reads (HMAC), service keys.
        .target(name: "Sealing", dependencies: ["Models", "Hashing", .product(name: "Crypto", package: "swift-crypto")], path: "Shared/Sealing"),
        .systemLibrary(name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka"),
        .target(name: "Kafka", dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")], path: "Shared/Kafka"),
        // The one mapping between an Envelope and a Kafka record (CloudEvents 1.0 binary mode); Models stays free of Kafka.
        .target(name: "Messaging", dependencies: ["Models", "Kafka"], path: "Shared/Messaging"),
        .target(
            name: "SMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Shared/SMTP"
        ),

        // The engine: one transaction per polled batch (state, inbox, outbox, offsets), MessageHandler.
        .target(
            name: "Pipeline",
            dependencies: [
                "Models", "Kafka", "Messaging", "Hashing", "Sealing",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Shared/Pipeline"
        ),
        // Exporting spans over OTLP/HTTP, for the services and the CLI.
        .target(
            name: "Telemetry",
            dependencies: [
                .product(name: "Logging", package: "swift-log"), .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Telemetry"
        ),
        // The replica of Lifecycle's directory that the other services keep.
        .target(name: "Directory", dependencies: ["Models", "Pipeline", .product(name: "GRDB", package: "GRDB.swift")], path: "Shared/Directory"),

        // The kit: the runtime every service executable runs (options, consumer loop, outbox relay, HTTP side, main).
        .target(
            name: "ServiceKit",
            dependencies: [
                "Models", "Kafka", "Hashing", "Sealing", "Pipeline",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "Telemetry",
            ],
            path: "Shared/ServiceKit"
        ),

        // Services: a library each (rules, store, routes) and an executable that only parses arguments.
        .target(
            name: "Lifecycle",
            dependencies: [
                "Models", "Hashing", "Sealing", "Pipeline", "ServiceKit",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Services/Lifecycle"
        ),
        .target(
            name: "Sharing",
            dependencies: [
                "Models", "Pipeline", "ServiceKit", "Directory",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Sharing"
        ),
        .target(
            name: "Deactivation",
            dependencies: [
                "Models", "Pipeline", "ServiceKit", "Directory",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Services/Deactivation"
        ),
        .target(
            name: "Notifications",
            dependencies: [
                "Models", "Hashing", "Pipeline", "ServiceKit", "Directory", "SMTP",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Services/Notifications",
            resources: [.copy("Templates")]
        ),
        .executableTarget(
            name: "LifecycleMain",
            dependencies: ["Lifecycle", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Services/LifecycleMain"
        ),
        .executableTarget(
            name: "SharingMain",
            dependencies: ["Sharing", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Services/SharingMain"
        ),
        .executableTarget(
            name: "NotificationsMain",
            dependencies: ["Notifications", "ServiceKit", "SMTP", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Services/NotificationsMain"
        ),
        .executableTarget(
            name: "DeactivationMain",
            dependencies: ["Deactivation", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Services/DeactivationMain"
        ),

        // Clients: they speak to the services only through topics and HTTP.
        // Progress lines of long work on a terminal (the CLI's provisioning, the bench, the reliability run).
        .target(name: "Progress", path: "Clients/Progress"),
        .target(name: "AsyncAPI", dependencies: ["Models", .product(name: "Yams", package: "Yams")], path: "Clients/AsyncAPI"),
        .executableTarget(
            name: "CLI",
            dependencies: [
                "Models", "Kafka", "Messaging", "AsyncAPI", "Hashing", "Sealing", "Progress",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "Telemetry",
            ],
            path: "Clients/CLI"
        ),

        // Tools
        .executableTarget(
            name: "Bench",
            dependencies: [
                "Models", "Kafka", "Sealing", "Pipeline", "TestSupport", "Progress",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/Bench"
        ),

        // Test support: real brokers, SMTP servers and processes for the tests and the bench.
        // CSpawn: spawning processes without Foundation's Process (see TestSupport/Subprocess.swift).
        .target(name: "CSpawn", path: "Tests/Support/CSpawn"),
        .target(
            name: "TestSupport",
            dependencies: [
                "Models", "Kafka", "Messaging", "Hashing", "Sealing", "Pipeline", "CSpawn", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/Support/TestSupport"
        ),

        // Tests, one target per module; EndToEndTests drives the executables as processes.
        .testTarget(name: "ModelsTests", dependencies: ["Models"], path: "Tests/ModelsTests"),
        .testTarget(
            name: "AsyncAPITests",
            dependencies: ["AsyncAPI", "Models", .product(name: "Yams", package: "Yams")],
            path: "Tests/AsyncAPITests"
        ),
        .testTarget(
            name: "SMTPTests",
            dependencies: ["SMTP", "TestSupport", .product(name: "NIOEmbedded", package: "swift-nio")],
            path: "Tests/SMTPTests"
        ),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"], path: "Tests/KafkaTests"),
        .testTarget(
            name: "SealingTests",
            dependencies: ["Sealing", "Models", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/SealingTests"
        ),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging", "Models", "Kafka"], path: "Tests/MessagingTests"),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport", "Progress"], path: "Tests/TestSupportTests"),
        .testTarget(name: "BenchTests", dependencies: ["Bench"], path: "Tests/BenchTests"),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Messaging", "Hashing", "Sealing", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/PipelineTests"
        ),
        .testTarget(
            name: "ServiceKitTests",
            dependencies: [
                "ServiceKit", "Pipeline", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/ServiceKitTests"
        ),
        .testTarget(
            name: "LifecycleTests",
            dependencies: [
                "Lifecycle", "Pipeline", "ServiceKit", "Hashing", "Sealing", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/LifecycleTests"
        ),
        .testTarget(
            name: "SharingTests",
            dependencies: [
                "Sharing", "Directory", "Pipeline", "Hashing", "Sealing", "ServiceKit", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/SharingTests"
        ),
        .testTarget(
            name: "DeactivationTests",
            dependencies: [
                "Deactivation", "Directory", "Pipeline", "Hashing", "Sealing", "ServiceKit", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/DeactivationTests"
        ),
        .testTarget(
            name: "NotificationsTests",
            dependencies: [
                "Notifications", "Directory", "Hashing", "Sealing", "Pipeline", "SMTP", "ServiceKit", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/NotificationsTests"
        ),
        .testTarget(
            name: "DeployTests",
            dependencies: ["TestSupport", .product(name: "Yams", package: "Yams")],
            path: "Tests/DeployTests"
        ),
        .testTarget(
            name: "EndToEndTests",
            // The executables are dependencies so that `swift test` builds them; the tests run them as processes.
            dependencies: [
                "Models", "Kafka", "Messaging", "Pipeline", "Sealing", "TestSupport", "Progress", .product(name: "Logging", package: "swift-log"),
                "LifecycleMain",
                "SharingMain",
                "NotificationsMain", "DeactivationMain", "CLI",
            ],
            path: "Tests/EndToEndTests"
        ),
    ]
)
