import Foundation

/// What one reliability run did and found; printed, and written as JSON when
/// `TENANCY_RELIABILITY_OUTPUT` names a file (as `deploy/local/reliability.sh` does).
struct ReliabilityFigures: Codable, CustomStringConvertible {
    var commands: Int
    var faults: [String: Int] = [:]
    var refusedCredentials = 0
    var lost = 0
    var duplicated = 0
    var leaked = 0
    var duplicatesAnsweredByReplay = 0
    var resultCopiesRepublished = 0
    var eventCopiesRepublished = 0
    var emailCopiesAfterSIGKILL = 0

    var faultsInjected: Int { faults.values.reduce(0, +) }

    var description: String {
        """
        reliability: \(commands) commands, \(faultsInjected) faults (\(faults.sorted { $0.key < $1.key }.map { "\($0.value)x \($0.key)" }.joined(separator: ", "))), \
        \(refusedCredentials) bad credentials refused, \(duplicatesAnsweredByReplay) re-sent commands answered by replay; lost \(lost), duplicated \(duplicated), leaked \(leaked); \
        re-published identical copies: \(resultCopiesRepublished) results, \(eventCopiesRepublished) events; email copies after SIGKILL: \(emailCopiesAfterSIGKILL)
        """
    }

    func record() throws {
        print(description)
        guard let output = ProcessInfo.processInfo.environment["TENANCY_RELIABILITY_OUTPUT"] else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let file = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: file)
    }
}
