import Foundation
import Models
import TestSupport
import Testing

/// Issue 19's key limits through the `tenancy` CLI, against running Lifecycle and Sharing processes
/// and a real broker: a key mints nothing that outlives or exceeds it, `workspace create` with a
/// narrow key returns a narrow key, and revoking a key revokes what it minted, at Sharing too.
@Suite("End to end: keys capped by the key that issues them", .serialized, .timeLimit(.minutes(10)))
struct KeyLimitsEndToEndTests {
    @Test func aOneDayKeyMintsNothingLongerOrBroaderAndItsKeysGoWithIt() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let deployment = try Deployment(broker: broker)
        let (lifecycle, lifecyclePort, _) = try await deployment.startReady("lifecycle")
        defer { lifecycle.stop(signal: SIGKILL) }
        let (sharing, sharingPort, _) = try await deployment.startReady("sharing")
        defer { sharing.stop(signal: SIGKILL) }
        let stack = Stack(deployment: deployment, lifecyclePort: lifecyclePort, sharingPort: sharingPort)

        let org = try await stack.accepted(["org", "create", "--as-operator", "--name", "Acme", "--owner-email", "ana@acme.example"], as: [:])
        let organization = try #require(org.created["organization_id"])
        let home = try #require(org.created["workspace_id"])
        let ana = try Stack.key(org)
        _ = try await stack.accepted(
            ["org", "features", organization, "--as-operator", "--enable", "workspace_creation", "--enable", "cross_workspace_sharing"],
            as: [:]
        )

        // A contractor's key: one day, two scopes.
        let oneDayResult = try await stack.accepted(
            ["key", "issue", "--scope", "organizations.write", "--scope", "workspace.read", "--expires-in-days", "1"],
            as: ana
        )
        let oneDay = try Stack.key(oneDayResult)
        let oneDayID = try #require(oneDayResult.created["client_id"])
        try await stack.rejected(["key", "issue", "--expires-in-days", "2"], as: oneDay, .forbidden)
        try await stack.rejected(["key", "issue", "--scope", "users.invite"], as: oneDay, .forbidden)
        let childResult = try await stack.accepted(["key", "issue"], as: oneDay)
        let child = try Stack.key(childResult)

        let homeKeys = try await keys(in: home, stack)
        let oneDayView = try #require(homeKeys[oneDayID])
        let oneDayExpiry = try #require(expiry(oneDayView))
        #expect(oneDayExpiry < Date().addingTimeInterval(86_400 + 60))
        let childID = try #require(childResult.created["client_id"])
        let childView = try #require(homeKeys[childID])
        #expect(expiry(childView) == oneDayExpiry, "a key asked without an expiry expires with its issuer")
        #expect(childView["scopes"] as? [String] == ["organizations.write", "workspace.read"] && childView["issued_by"] as? String == oneDayID)

        // Creating a workspace with the narrow key returns a narrow key, expiring with it.
        let labResult = try await stack.accepted(["workspace", "create", "--name", "Lab"], as: oneDay)
        let lab = try #require(labResult.created["workspace_id"])
        let labKey = try Stack.key(labResult)
        let labKeyID = try #require(labResult.created["client_id"])
        let labView = try #require(try await keys(in: lab, stack)[labKeyID])
        #expect(labView["scopes"] as? [String] == ["organizations.write", "workspace.read"])
        #expect(expiry(labView) == oneDayExpiry && labView["issued_by"] as? String == oneDayID)
        try await stack.rejected(["key", "issue", "--scope", "users.invite"], as: labKey, .forbidden)
        // Sharing knows the Lab key, and refuses it for lack of `resource.share`.
        try await stack.rejected(["share", "create", "int_0", "--to", home], as: labKey, .forbidden, justIssuedKey: true)

        // Revoking the contractor's key revokes the keys it minted, here and in Lab, at Sharing too.
        let revoked = try await stack.accepted(["key", "revoke", oneDayID], as: ana)
        #expect(revoked.status == .accepted)
        for (workspace, key) in [(home, childID), (lab, labKeyID)] {
            #expect(try await keys(in: workspace, stack)[key]?["revoked_at"] as? String != nil, "\(key) in \(workspace)")
        }
        try await stack.rejected(["key", "issue"], as: child, .unauthenticated)
        try await stack.rejected(["key", "issue"], as: labKey, .unauthenticated)
        var atSharing: ErrorCode?
        try await Wait.until("Sharing refuses the Lab key", timeout: .seconds(20), every: .milliseconds(200)) {
            atSharing = try await stack.run(["share", "create", "int_0", "--to", home], as: labKey).result?.error?.code
            return atSharing == .unauthenticated
        }
        // Ana's own key keeps working.
        _ = try await stack.accepted(["key", "issue", "--scope", "workspace.read", "--expires-in-days", "1"], as: ana)

        // The organization's maximum: an operator setting, applied to keys issued from then on.
        _ = try await stack.accepted(["org", "key-lifetime", organization, "--days", "30", "--as-operator"], as: [:])
        #expect(try await stack.read(["org", "show", organization])["max_key_lifetime_days"] as? Int == 30)
        try await stack.rejected(["key", "issue", "--expires-in-days", "31"], as: ana, .forbidden)
        let capped = try #require(try await stack.accepted(["key", "issue"], as: ana).created["client_id"])
        let cappedExpiry = try #require(try await keys(in: home, stack)[capped].flatMap(expiry))
        #expect(abs(cappedExpiry.timeIntervalSinceNow - 30 * 86_400) < 120)
    }

    /// A workspace's keys from Lifecycle's read side, by client id.
    private func keys(in workspace: String, _ stack: Stack) async throws -> [String: [String: Any]] {
        let listed = try await stack.read(["key", "list", workspace])["api_keys"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: listed.compactMap { key in (key["client_id"] as? String).map { ($0, key) } })
    }

    private func expiry(_ key: [String: Any]) -> Date? {
        (key["expires_at"] as? String).flatMap(Timestamp.parse)
    }
}
