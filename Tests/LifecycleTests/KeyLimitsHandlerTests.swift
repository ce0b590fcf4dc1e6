import Foundation
import GRDB
import Models
import Pipeline
import Testing

@testable import Lifecycle

/// The limits on what a key issues, through the handler over SQLite: the organization's maximum key
/// lifetime as stored and shown.
extension LifecycleHandlerTests {
    @Test func theOrganizationsMaximumKeyLifetimeIsStoredAndShown() throws {
        let (organization, _) = try bootstrap()
        let id = OrganizationID(rawValue: organization)
        #expect(try store.writer.read { try OrganizationReads.organization(id, db: $0)?.maxKeyLifetimeDays } == 365)
        _ = try run(SetOrganizationKeyLifetime(organizationID: id, maxKeyLifetimeDays: 30), as: .operator(token: "op-token"))
        #expect(try store.writer.read { try OrganizationReads.organization(id, db: $0)?.maxKeyLifetimeDays } == 30)
        let other = try run(
            CreateOrganization(name: "Brief", ownerEmail: "b@brief.example", maxKeyLifetimeDays: 7),
            as: .operator(token: "op-token")
        )
        let otherID = OrganizationID(rawValue: other.created["organization_id"]!)
        #expect(try store.writer.read { try OrganizationReads.organization(otherID, db: $0)?.maxKeyLifetimeDays } == 7)
    }
}
