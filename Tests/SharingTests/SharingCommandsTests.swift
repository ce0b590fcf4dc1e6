import Models
import Pipeline
import TestSupport
import Testing

@testable import Sharing

/// The command table handles exactly the commands the catalogue (and so the AsyncAPI document)
/// promises on Sharing's topic, and the handler decodes exactly those.
@Suite("Sharing command table")
struct SharingCommandsTests {
    @Test func theTableIsTheCatalogue() {
        let table = SharingCommands.table.types.map { $0.messageType }
        #expect(table.count == Set(table).count)
        #expect(Set(table) == Set(MessageCatalogue.sharingCommands.map { $0.messageType }))
        #expect(SharingHandler(authenticator: TestKeys.authenticator(for: "sharing")).commands.types == Set(table))
    }
}
