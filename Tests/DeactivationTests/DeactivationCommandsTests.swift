import Models
import Pipeline
import TestSupport
import Testing

@testable import Deactivation

/// The command table handles exactly the commands the catalogue (and so the AsyncAPI document)
/// promises on Deactivation's topic, and the handler decodes exactly those.
@Suite("Deactivation command table")
struct DeactivationCommandsTests {
    @Test func theTableIsTheCatalogue() {
        let table = DeactivationCommands.table.types.map { $0.messageType }
        #expect(table.count == Set(table).count)
        #expect(Set(table) == Set(MessageCatalogue.deactivationCommands.map { $0.messageType }))
        let handler = DeactivationHandler(authenticator: TestKeys.authenticator(for: "deactivation"), settings: SagaSettings())
        #expect(handler.commands.types == Set(table))
    }
}
