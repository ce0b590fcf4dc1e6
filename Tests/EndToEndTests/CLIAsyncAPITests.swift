import Foundation
import TestSupport
import Testing

/// `tenancy asyncapi` prints the document that `deploy/asyncapi.yaml` holds, without a broker.
@Suite("CLI: the AsyncAPI document")
struct CLIAsyncAPITests {
    @Test func printsTheCommittedDocument() async throws {
        let root = Repository.root
        let printed = try await runToCompletion(Deployment.binary("tenancy"), ["asyncapi"])
        #expect(printed.status == 0, "\(printed.errors)")
        #expect(printed.output == (try String(contentsOf: root.appendingPathComponent("deploy/asyncapi.yaml"), encoding: .utf8)))
    }
}
