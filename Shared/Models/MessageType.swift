/// The versioned wire name of a command or event (`tenancy.lifecycle.CreateWorkspace.v1`),
/// declared next to its type and never derived from the Swift name.
public struct MessageType: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public var description: String { rawValue }

    /// `tenancy.<area>.<Name>.v<N>`: lower-case dotted prefix, a name, a version.
    public var isWellFormed: Bool {
        guard rawValue.count <= 200 else { return false }
        let parts = rawValue.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.first == "tenancy", let version = parts.last,
            version.first == "v", version.count > 1, version.dropFirst().allSatisfy(\.isNumber)
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}

/// A payload with a wire name: every command and event type conforms.
public protocol Message: Codable, Sendable {
    static var messageType: MessageType { get }
}
