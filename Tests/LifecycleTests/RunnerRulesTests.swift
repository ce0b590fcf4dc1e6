import Foundation
import Hashing
import Models
import Pipeline
import TestSupport
import Testing

@testable import Lifecycle

@Suite("Step runner rules")
struct RunnerRulesTests {
    func state(registered: Bool = false, token: String = "secret1", workspace: String = "ws_home", active: Bool = true) -> RunnerRules.RunnerState {
        RunnerRules.RunnerState(
            workspaceID: WorkspaceID(rawValue: workspace),
            registered: registered,
            tokenHash: Secret.hash(token),
            workspaceActive: active
        )
    }

    @Test(arguments: RunnerPlatform.allCases)
    func createdRunnerHasAnInstallCommandWithItsOneTimeToken(platform: RunnerPlatform) throws {
        let outcome = try RunnerRules.create(
            CreateStepRunner(name: "edge-1", platform: platform),
            by: owner(role: .operator),
            takenNames: [],
            context: fixedContext()
        )
        let event = try #require(outcome.events.first?.message as? StepRunnerCreated)
        let token = try #require(outcome.secrets?["registration_token"])
        let install = try #require(outcome.secrets?["install_command"])
        #expect(install.contains(token) && install.contains(event.runnerID.rawValue) && install.contains("edge-1"))
        #expect(event.tokenHash == Secret.hash(token) && event.platform == platform)
        #expect(!String(decoding: JSONCoding.encode(event), as: UTF8.self).contains(token), "the event carries only the token's hash")
    }

    @Test(arguments: ["", "Edge", "edge_1", "-edge", "edge-", String(repeating: "a", count: 64), "edge 1"])
    func runnerNamesAreDNSLabels(name: String) {
        #expect {
            try RunnerRules.create(CreateStepRunner(name: name, platform: .docker), by: owner(), takenNames: [], context: fixedContext())
        } throws: { ($0 as! Rejection).field == "name" }
    }

    @Test func namesAreUniqueAndViewersCannotCreate() {
        #expect {
            try RunnerRules.create(CreateStepRunner(name: "edge", platform: .linux), by: owner(), takenNames: ["edge"], context: fixedContext())
        } throws: { ($0 as! Rejection).code == .nameTaken }
        #expect {
            try RunnerRules.create(
                CreateStepRunner(name: "edge", platform: .linux),
                by: owner(role: .viewer),
                takenNames: [],
                context: fixedContext()
            )
        } throws: { ($0 as! Rejection).code == .forbidden }
    }

    @Test func registrationSpendsTheToken() throws {
        let command = RegisterStepRunner(runnerID: RunnerID(rawValue: "run_1"), sealedToken: unopenedToken)
        #expect((try RunnerRules.register(command, token: "secret1", runner: state())).events.first?.message is StepRunnerRegistered)
        #expect { try RunnerRules.register(command, token: "secret1", runner: state(registered: true)) } throws: {
            ($0 as! Rejection).code == .notPending
        }
        #expect { try RunnerRules.register(command, token: "guess", runner: state()) } throws: {
            ($0 as! Rejection).code == .unauthenticated
        }
        #expect { try RunnerRules.register(command, token: "secret1", runner: nil) } throws: { ($0 as! Rejection).code == .notFound }
        #expect { try RunnerRules.register(command, token: "secret1", runner: state(active: false)) } throws: {
            ($0 as! Rejection).code == .workspaceInactive
        }
    }

    @Test func deleteOnlyInTheCallersWorkspace() throws {
        let command = DeleteStepRunner(runnerID: RunnerID(rawValue: "run_1"))
        #expect(try RunnerRules.delete(command, by: owner(), runner: state()).events.count == 1)
        #expect { try RunnerRules.delete(command, by: owner(), runner: state(workspace: "ws_other")) } throws: {
            ($0 as! Rejection).code == .notFound
        }
    }
}
