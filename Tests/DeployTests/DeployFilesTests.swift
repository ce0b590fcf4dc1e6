import Foundation
import TestSupport
import Testing
import Yams

/// The deployment files stay valid: the Kubernetes manifests render with kustomize and carry what
/// operators rely on (probes and the metrics scrape on the ops port, which only monitoring may
/// reach); the compose file passes `docker compose config` where a compose client exists.
@Suite("Deployment files")
struct DeployFilesTests {
    static let root = Repository.root
    static let hasKubectl =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/kubectl")

    @Test(.enabled(if: hasKubectl, "kubectl is not installed"))
    func kubernetesManifestsRenderWithProbesVolumesAndScrapeAnnotations() async throws {
        let rendered = try await runToCompletion(
            "/usr/bin/env",
            ["kubectl", "kustomize", Self.root.appendingPathComponent("deploy/kubernetes").path]
        )
        #expect(rendered.status == 0, "\(rendered.errors)")
        let documents = try Yams.load_all(yaml: rendered.output).compactMap { $0 as? [String: Any] }
        let statefulSets = documents.filter { $0["kind"] as? String == "StatefulSet" }
        #expect(
            Set(statefulSets.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }) == [
                "lifecycle", "sharing", "notifications", "deactivation",
            ]
        )
        for set in statefulSets {
            let spec = try #require(set["spec"] as? [String: Any])
            let template = try #require(spec["template"] as? [String: Any])
            let annotations = (template["metadata"] as? [String: Any])?["annotations"] as? [String: String]
            #expect(annotations?["prometheus.io/scrape"] == "true" && annotations?["prometheus.io/path"] == "/metrics")
            let container = try #require(((template["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
            try Self.checkOpsPort(set, container: container, scrapePort: annotations?["prometheus.io/port"])
            let sources = (container["envFrom"] as? [[String: Any]] ?? []).flatMap { $0.keys }
            #expect(sources == ["configMapRef"], "settings from the ConfigMap; credentials only as files")
            #expect((spec["volumeClaimTemplates"] as? [Any])?.count == 1, "a volume for the SQLite file")
            try Self.checkRestricted(set, container: container)
        }
        #expect(!rendered.output.contains("TENANCY_OPERATOR"), "no credential in the rendered manifests")
        let namespace = try #require(documents.first { $0["kind"] as? String == "Namespace" })
        #expect(((namespace["metadata"] as? [String: Any])?["labels"] as? [String: String])?["pod-security.kubernetes.io/enforce"] == "restricted")
        let policy = try #require(documents.first { $0["kind"] as? String == "NetworkPolicy" })
        let policySpec = try #require(policy["spec"] as? [String: Any])
        #expect(policySpec["policyTypes"] as? [String] == ["Ingress"])
        // The gateway reaches the reads only; monitoring reaches health and metrics only.
        let rules = try #require(policySpec["ingress"] as? [[String: Any]])
        let portsByPeer = rules.map { rule in
            let peers = (rule["from"] as? [[String: Any]] ?? []).flatMap { peer in
                peer.values.compactMap { ($0 as? [String: Any])?["matchLabels"] as? [String: String] }.flatMap { $0.keys }
            }
            return (Set(peers), (rule["ports"] as? [[String: Any]] ?? []).compactMap { $0["port"] as? Int })
        }
        #expect(portsByPeer.count == 2)
        #expect(portsByPeer.contains { $0.0 == ["tenancy.example/read-gateway"] && $0.1 == [Self.readPort] }, "\(portsByPeer)")
        #expect(portsByPeer.contains { $0.0 == ["kubernetes.io/metadata.name"] && $0.1 == [Self.opsPort] }, "\(portsByPeer)")
        let config = try #require(documents.first { $0["kind"] as? String == "ConfigMap" }?["data"] as? [String: String])
        #expect(config["TENANCY_HTTP_PORT"] == String(Self.readPort) && config["TENANCY_OPS_PORT"] == String(Self.opsPort))
        #expect(config["TENANCY_OPS_HOST"] == "0.0.0.0", "kubelet and Prometheus reach the ops port from outside the pod")
    }

    /// The ports inside a container: tenant reads, and health and metrics (no tenant data).
    static let (readPort, opsPort) = (8080, 9090)

    /// Probes and the metrics scrape go to the container's ops port, never to its read port.
    static func checkOpsPort(_ set: [String: Any], container: [String: Any], scrapePort: String?) throws {
        let name = try #require((set["metadata"] as? [String: Any])?["name"] as? String)
        let ports = Dictionary(
            uniqueKeysWithValues: (container["ports"] as? [[String: Any]] ?? []).compactMap { port in
                (port["name"] as? String).flatMap { name in (port["containerPort"] as? Int).map { (name, $0) } }
            }
        )
        #expect(ports == ["http": readPort, "ops": opsPort], "\(name): \(ports)")
        #expect(scrapePort == String(opsPort), "\(name) is scraped on \(scrapePort ?? "no port")")
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let check = (container[probe] as? [String: Any])?["httpGet"] as? [String: Any]
            #expect(
                check?["port"] as? String == "ops" && (check?["path"] as? String)?.hasPrefix("/health/") == true,
                "\(name) \(probe): \(String(describing: check))"
            )
        }
    }

    /// The services' Secrets: each its own, only Lifecycle and Notifications the invitation key.
    static let secretsOfService = [
        "lifecycle": ["tenancy-lifecycle", "tenancy-invitation-key"], "sharing": ["tenancy-sharing"],
        "notifications": ["tenancy-notifications", "tenancy-invitation-key"], "deactivation": ["tenancy-deactivation"],
    ]

    /// A pod the restricted Pod Security profile admits, with no API token, reading only its own
    /// Secrets, as files, and nothing secret from the environment.
    static func checkRestricted(_ set: [String: Any], container: [String: Any]) throws {
        let name = try #require((set["metadata"] as? [String: Any])?["name"] as? String)
        let pod = try #require(((set["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(pod["automountServiceAccountToken"] as? Bool == false, "\(name)")
        let podSecurity = try #require(pod["securityContext"] as? [String: Any])
        #expect(
            podSecurity["runAsNonRoot"] as? Bool == true && (podSecurity["seccompProfile"] as? [String: Any])?["type"] as? String == "RuntimeDefault"
        )
        let security = try #require(container["securityContext"] as? [String: Any])
        #expect(security["allowPrivilegeEscalation"] as? Bool == false && security["readOnlyRootFilesystem"] as? Bool == true, "\(name)")
        #expect((security["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"], "\(name)")
        let secrets = (pod["volumes"] as? [[String: Any]] ?? []).compactMap { ($0["secret"] as? [String: Any])?["secretName"] as? String }
        #expect(secrets == Self.secretsOfService[name], "\(name) mounts \(secrets)")
        let environment = (container["env"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(environment.allSatisfy { !$0.contains("TOKEN") && !$0.contains("KEY") && !$0.contains("PASSWORD") }, "\(name): \(environment)")
    }

    /// Loopback unless the one who runs it says otherwise (containers.sh's test publishes on 127.0.0.2).
    static let publishAddress = "${TENANCY_PUBLISH_ADDRESS:-127.0.0.1}:"

    @Test func composePublishesOnLoopbackOnlyAndHandsKeysAsFiles() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("deploy/compose.yaml"), encoding: .utf8)
        let compose = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(compose["services"] as? [String: [String: Any]])
        #expect(services["mail"]?["ports"] == nil, "the mail UI shows invitation tokens: not published")
        for (name, service) in services {
            for port in service["ports"] as? [String] ?? [] {
                #expect(port.hasPrefix(Self.publishAddress), "\(name) publishes \(port) beyond loopback")
            }
        }
        for name in ["lifecycle", "sharing", "notifications", "deactivation"] {
            let environment = (services[name]?["environment"] as? [String: Any] ?? [:]).keys
            #expect(environment.allSatisfy { !$0.contains("TOKEN") && !$0.contains("KEY") && !$0.contains("PASSWORD") }, "\(name): \(environment)")
        }
        for (name, ports) in ["lifecycle": (8081, 9181), "sharing": (8082, 9182), "notifications": (8083, 9183), "deactivation": (8084, 9184)] {
            #expect(
                services[name]?["ports"] as? [String] == [
                    "\(Self.publishAddress)\(ports.0):\(Self.readPort)", "\(Self.publishAddress)\(ports.1):\(Self.opsPort)",
                ],
                "\(name) publishes its read port and its ops port on loopback"
            )
        }
        let tenancy = try #require(compose["x-tenancy"] as? [String: Any])
        #expect(tenancy["read_only"] as? Bool == true && tenancy["cap_drop"] as? [String] == ["ALL"], "a read-only root, no capabilities")
        #expect(tenancy["healthcheck"] == nil, "the image's own health check applies")
        #expect(
            services["lifecycle"]?["secrets"] as? [String] == [
                "lifecycle_key", "public_keys", "lifecycle_operators", "secrets_key", "invitation_key",
            ]
        )
        #expect(services["sharing"]?["secrets"] as? [String] == ["sharing_key", "public_keys", "sharing_operators"])
        #expect(
            services["notifications"]?["secrets"] as? [String] == ["notifications_key", "public_keys", "notifications_operators", "invitation_key"]
        )
        #expect(services["deactivation"]?["secrets"] as? [String] == ["deactivation_key", "public_keys", "deactivation_operators"])
    }

    static let composeClient: [String]? = {
        [["docker", "compose"], ["docker-compose"]].first { exitStatus(of: "/usr/bin/env", $0 + ["version"]) == 0 }
    }()

    @Test(.enabled(if: composeClient != nil, "no docker compose client is installed"))
    func composeFileIsValid() async throws {
        let client = try #require(Self.composeClient)
        // Alone, and with what containers.sh changes in it for a machine without a registry.
        for files in [["deploy/compose.yaml"], ["deploy/compose.yaml", "deploy/local/containers/compose.yaml"]] {
            let arguments = files.flatMap { ["-f", Self.root.appendingPathComponent($0).path] }
            let checked = try await runToCompletion("/usr/bin/env", client + arguments + ["config", "--quiet"])
            #expect(checked.status == 0, "\(files): \(checked.errors)")
        }
    }

    @Test func theImageRunsUnprivilegedWithAHealthCheck() throws {
        let dockerfile = try String(contentsOf: Self.root.appendingPathComponent("deploy/Dockerfile"), encoding: .utf8)
        let stages = dockerfile.components(separatedBy: "\nFROM ").dropFirst()
        let targets = stages.compactMap { $0.split(separator: "\n").first?.components(separatedBy: " AS ").last }
        #expect(targets == ["build", "base", "host", "runtime"], "\(targets)")
        for stage in stages where stage.hasPrefix("base AS ") {
            #expect(stage.contains("\nUSER tenancy\n"), "the \(stage.prefix(20)) target runs as the unprivileged user")
        }
        let health = try #require(dockerfile.split(separator: "\n").first { $0.contains("CMD [\"bash\", \"-c\", \"exec 3<>") })
        #expect(health.contains("/dev/tcp/127.0.0.1/\(Self.opsPort) ") && health.contains("GET /health/ready"), "the health check asks the ops port")
    }
}
