import Foundation
import TestSupport
import Testing
import Yams

/// The deployment files stay valid: the Kubernetes manifests render with kustomize and carry what
/// operators rely on; the compose file passes `docker compose config` where a compose client exists.
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
            #expect(
                (container["readinessProbe"] as? [String: Any])?["httpGet"] != nil
                    && (container["livenessProbe"] as? [String: Any])?["httpGet"] != nil
            )
            let sources = (container["envFrom"] as? [[String: Any]] ?? []).flatMap { $0.keys }
            #expect(Set(sources) == ["configMapRef", "secretRef"], "config from a ConfigMap, credentials from a Secret")
            #expect((spec["volumeClaimTemplates"] as? [Any])?.count == 1, "a volume for the SQLite file")
        }
        #expect(!rendered.output.contains("TENANCY_OPERATOR_TOKEN"), "no credential in the rendered manifests")
    }

    static let composeClient: [String]? = {
        [["docker", "compose"], ["docker-compose"]].first { exitStatus(of: "/usr/bin/env", $0 + ["version"]) == 0 }
    }()

    @Test(.enabled(if: composeClient != nil, "no docker compose client is installed"))
    func composeFileIsValid() async throws {
        let client = try #require(Self.composeClient)
        let checked = try await runToCompletion(
            "/usr/bin/env",
            client + ["-f", Self.root.appendingPathComponent("deploy/compose.yaml").path, "config", "--quiet"],
            environment: ["TENANCY_OPERATOR_TOKEN": "t", "TENANCY_SECRETS_KEY": "k", "TENANCY_INVITATION_KEY": "i"]
        )
        #expect(checked.status == 0, "\(checked.errors)")
    }
}
