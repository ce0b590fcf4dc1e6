import ArgumentParser
import Foundation
import Models

/// Prints results for people (default) or as JSON (`--json`), and sets the exit code:
/// 0 accepted, 1 rejected, 3 no result in time.
enum Output {
    static func report(_ outcome: CommandSender.Outcome, json: Bool) throws {
        switch outcome {
        case .sent(let commandID):
            print(json ? #"{"command_id":"\#(commandID)","status":"sent"}"# : "sent command \(commandID) (not waiting for its result)")
        case .result(let result):
            if json {
                print(String(decoding: JSONCoding.encode(result), as: UTF8.self))
            } else {
                printHuman(result)
            }
            if result.status == .rejected { throw ExitCode(1) }
        }
    }

    private static func printHuman(_ result: CommandResult) {
        let name = result.commandType.split(separator: ".").dropLast().last.map(String.init) ?? result.commandType
        switch result.status {
        case .accepted:
            print("accepted: \(name) (command \(result.commandID))\(result.replayed == true ? " [repeated command id: original result]" : "")")
            for (key, value) in result.created.sorted(by: { $0.key < $1.key }) {
                print("  \(key): \(value)")
            }
            for (key, value) in (result.secrets ?? [:]).sorted(by: { $0.key < $1.key }) {
                print("  \(key): \(value)   <- shown only once: store it now")
            }
            for item in result.items ?? [] {
                let created = item.created.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                var error = item.error.map { "\($0.code): \($0.message)" } ?? ""
                if let seconds = item.error?.retryAfterSeconds { error += " (retry after \(duration(seconds)))" }
                print("  item \(item.index): \(item.status.rawValue) \(created)\(error)")
            }
        case .rejected:
            let error = result.error ?? Rejection(.internalError, "no reason given")
            var line = "rejected: \(name) (command \(result.commandID))\n  code: \(error.code)\n  reason: \(error.message)"
            if let field = error.field { line += "\n  field: \(field)" }
            if let seconds = error.retryAfterSeconds { line += "\n  retry after: \(duration(seconds)) (nothing was done; send it again then)" }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// A retry-after for people: the seconds, and above two minutes roughly in minutes or hours.
    static func duration(_ seconds: Double) -> String {
        let exact = seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
        switch seconds {
        case ..<120: return exact
        case ..<7_200: return exact + " (about \(Int((seconds / 60).rounded())) min)"
        default: return exact + " (about \(Int((seconds / 3_600).rounded())) h)"
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        exit(3)
    }
}
