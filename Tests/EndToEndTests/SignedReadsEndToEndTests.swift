import Foundation
import Models
import TestSupport
import Testing

/// Every tenant read of every service, against running processes: refused without a signature
/// (401), refused to a key without `workspace.read` (403), answered to another tenant's key exactly
/// as for an id that does not exist, shown to the tenant's key and to the operator.
@Suite("End to end: signed, tenant-scoped reads", .serialized, .timeLimit(.minutes(10)))
struct SignedReadsEndToEndTests {
    /// One read: the service that serves it, its path, the id in the path and a key of its tenant.
    struct Route: CustomStringConvertible {
        var service: String
        var path: String
        var id: String
        var tenant: Credential

        /// The same read of an id of the same kind that does not exist.
        var missing: String { path.replacingOccurrences(of: id, with: Self.missing(id)) }
        static func missing(_ id: String) -> String { id.prefix { $0 != "_" } + "_nothing0" }
        var description: String { "\(service) \(path)" }
    }

    @Test func everyRouteOfEveryServiceChecksTheSignatureTheScopeAndTheTenant() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        var ports: [String: Int] = [:]
        var processes: [ChildProcess] = []
        defer { for process in processes { process.stop(signal: SIGKILL) } }
        for service in ["lifecycle", "sharing", "notifications", "deactivation"] {
            let started = try await deployment.startReady(service)
            processes.append(started.process)
            ports[service] = started.port
        }
        let stack = Stack(
            deployment: deployment,
            lifecyclePort: ports["lifecycle"]!,
            sharingPort: ports["sharing"]!,
            deactivationPort: ports["deactivation"]!,
            notificationsPort: ports["notifications"]!
        )

        // Acme: Ana owns Home and Lab; Globex is another tenant.
        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let organization = try #require(org.created["organization_id"])
        let home = try #require(org.created["workspace_id"])
        let ana = try Stack.key(org)
        _ = try await stack.accepted(
            [
                "org", "features", organization, "--as-operator", "--enable", "workspace_creation", "--enable", "cross_workspace_sharing",
                "--enable", "workspace_deactivation",
            ],
            as: [:]
        )
        let globex = try Stack.key(
            try await stack.accepted(["org", "create", "--as-operator", "--name", "Globex", "--owner-email", "gus@globex.example"], as: [:])
        )
        let narrow = try Stack.key(try await stack.accepted(["key", "issue", "--scope", "workspace.write"], as: ana))
        let labCreated = try await stack.accepted(["workspace", "create", "--name", "Lab"], as: ana)
        let lab = try #require(labCreated.created["workspace_id"])

        // Something of Home's behind every kind of id.
        let certificate = deployment.directory.appendingPathComponent("idp.pem").path
        let made = try await runToCompletion(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", deployment.directory.appendingPathComponent("idp.key").path, "-out", certificate, "-days", "2", "-subj", "/CN=idp",
            ]
        )
        #expect(made.status == 0, "\(made.errors)")
        _ = try await stack.accepted(
            ["sso", "configure", "--entity-id", "urn:acme:idp", "--sso-url", "https://idp.acme.example/sso", "--certificate-file", certificate],
            as: ana
        )
        let slack = try #require(
            try await stack.accepted(["integration", "create", "--kind", "step", "--vendor", "slack", "--name", "Alerts"], as: ana).created[
                "integration_id"
            ]
        )
        let share = try #require(try await stack.accepted(["share", "create", slack, "--to", lab], as: ana).created["share_id"])
        let yaml = deployment.directory.appendingPathComponent("triage.yaml")
        try "name: triage\nsteps:\n  - run: page\n".write(to: yaml, atomically: true, encoding: .utf8)
        let imported = try await stack.accepted(["workflow", "import", yaml.path, "--name", "Triage"], as: ana)
        _ = try await stack.accepted(["user", "invite", "bob@acme.example", "--role", "viewer"], as: ana)

        // Lab is deactivated and reactivated; a fresh Owner key of Lab reads its operations.
        let deactivation = try #require(
            try await stack.accepted(["workspace", "deactivate", lab], as: try Stack.key(labCreated)).created["operation_id"]
        )
        try await Self.waitForOperation(deactivation, "deactivated", stack)
        let reactivation = try await stack.accepted(["workspace", "reactivate", lab, "--as-operator"], as: [:])
        try await Self.waitForOperation(try #require(reactivation.created["operation_id"]), "reactivated", stack)
        let labOwner = try Stack.key(
            try await stack.accepted(["key", "issue-owner", lab, try #require(org.created["user_id"]), "--as-operator"], as: [:])
        )
        let notifications = try await Self.eventually(
            Route(service: "notifications", path: "/workspaces/\(home)/notifications", id: home, tenant: Self.credential(ana)),
            ports
        ) { $0.body.contains("notification_id") }
        let notification = try #require(
            ((try JSONSerialization.jsonObject(with: Data(notifications.body.utf8)) as? [String: Any])?["notifications"] as? [[String: Any]])?
                .first?["notification_id"] as? String
        )

        let homeKey = Self.credential(ana)
        let workflow = try #require(imported.created["workflow_id"])
        let revision = try #require(imported.created["revision_id"])
        var routes = [Route(service: "lifecycle", path: "/organizations/\(organization)", id: organization, tenant: homeKey)]
        for suffix in [
            "", "/deactivation-preview", "/api-keys", "/invitations", "/sso", "/claim-mappings", "/step-runners", "/integrations", "/workflows",
            "/executions",
        ] {
            routes.append(Route(service: "lifecycle", path: "/workspaces/\(home)\(suffix)", id: home, tenant: homeKey))
        }
        routes += [
            Route(service: "lifecycle", path: "/workflows/\(workflow)", id: workflow, tenant: homeKey),
            Route(service: "lifecycle", path: "/revisions/\(revision)", id: revision, tenant: homeKey),
            Route(service: "sharing", path: "/workspaces/\(home)/shares", id: home, tenant: homeKey),
            Route(service: "sharing", path: "/workspaces/\(home)/share-requests", id: home, tenant: homeKey),
            Route(service: "sharing", path: "/workspaces/\(home)/deactivation-preview", id: home, tenant: homeKey),
            Route(service: "sharing", path: "/integrations/\(slack)/destinations", id: slack, tenant: homeKey),
            Route(service: "sharing", path: "/shares/\(share)", id: share, tenant: homeKey),
            Route(service: "notifications", path: "/workspaces/\(home)/notifications", id: home, tenant: homeKey),
            Route(service: "notifications", path: "/notifications/\(notification)", id: notification, tenant: homeKey),
            Route(service: "deactivation", path: "/workspaces/\(home)/operations", id: home, tenant: homeKey),
            Route(service: "deactivation", path: "/operations/\(deactivation)", id: deactivation, tenant: Self.credential(labOwner)),
        ]

        for route in routes {
            let port = ports[route.service]!
            let unsigned = await httpGet(port: port, path: route.path)
            #expect(unsigned?.status == 401 && unsigned?.body.contains(#""code":"unauthenticated""#) == true, "\(route): \(unsigned?.body ?? "")")
            _ = try await Self.eventually(route, ports) { $0.status == 200 }
            _ = try await Self.eventually(route, ports, as: TestKeys.operatorCredential) { $0.status == 200 }
            let refused = try await Self.eventually(route, ports, as: Self.credential(narrow)) { $0.status != 401 }
            #expect(refused.status == 403 && refused.body.contains(#""code":"forbidden""#), "\(route) without workspace.read: \(refused.body)")
            let foreign = try await Self.eventually(route, ports, as: Self.credential(globex)) { $0.status != 401 }
            let missing = try #require(await signedGet(port: port, path: route.missing, credential: Self.credential(globex), service: route.service))
            #expect(foreign.status == 404 && foreign.status == missing.status, "\(route) to another tenant: \(foreign.body)")
            #expect(foreign.body.replacingOccurrences(of: route.id, with: Route.missing(route.id)) == missing.body, "\(route) to another tenant")
        }
        // Lifecycle's public key stays public.
        #expect(await httpGet(port: ports["lifecycle"]!, path: "/secrets-key")?.status == 200)
    }

    static func waitForOperation(_ operation: String, _ status: String, _ stack: Stack) async throws {
        try await Wait.until("operation \(operation) \(status)", timeout: .seconds(60), every: .milliseconds(250)) {
            (try? await stack.read(["workspace", "operation", operation]))?["status"] as? String == status
        }
    }

    static func credential(_ key: [String: String]) -> Credential {
        .apiKey(clientID: ClientID(rawValue: key["TENANCY_CLIENT_ID"] ?? ""), secret: key["TENANCY_CLIENT_SECRET"] ?? "")
    }

    /// `route` read as `credential` (its tenant's key by default) once `done` holds of the answer:
    /// the services other than Lifecycle learn keys and data from its events, a moment later.
    static func eventually(
        _ route: Route,
        _ ports: [String: Int],
        as credential: Credential? = nil,
        until done: @escaping @Sendable ((status: Int, body: String)) -> Bool
    ) async throws -> (status: Int, body: String) {
        let (port, signer) = (ports[route.service]!, credential ?? route.tenant)
        try await Wait.until("\(route) answers", timeout: .seconds(30), every: .milliseconds(200)) {
            await signedGet(port: port, path: route.path, credential: signer, service: route.service).map(done) ?? false
        }
        return try #require(await signedGet(port: port, path: route.path, credential: signer, service: route.service))
    }
}
