import ArgumentParser
import AsyncAPI

struct AsyncAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asyncapi",
        abstract: "Print the AsyncAPI 3 document of every topic, key, header and message this version uses.",
        discussion: """
            Generated from the message types themselves; deploy/asyncapi.yaml is this output, checked by a
            test. Example: tenancy asyncapi > tenancy-asyncapi.yaml
            """
    )

    func run() throws {
        print(try AsyncAPIDocument.yaml(), terminator: "")
    }
}
