import Foundation
import GRDB
import Models

/// Where and when an event is applied: the batch's transaction, at the event's time.
struct ProjectionTarget {
    let db: Database
    let time: Date
}

/// Applies Lifecycle's events, and Sharing's events about shared copies, to its tables: the only
/// code that writes Lifecycle state, so the database always equals the fold of those events.
/// Each feature registers its own events; an event no feature registered throws
/// ``UnhandledMessage`` (the pipeline refuses it) instead of stopping the service.
enum LifecycleProjection {
    static let table = OrganizationStore.projection
        .merging(WorkspaceStore.projection)
        .merging(MemberStore.projection)
        .merging(KeyStore.projection)
        .merging(InvitationStore.projection)
        .merging(SSOStore.projection)
        .merging(RunnerStore.projection)
        .merging(IntegrationStore.projection)
        .merging(WorkflowStore.projection)

    static func apply(_ event: any Message, at time: Date, db: Database) throws {
        try table.handle(event, ProjectionTarget(db: db, time: time))
    }
}
