import Foundation
import GRDB
import Models

// Model values stored as their raw strings, so that rows can be read into them directly.
extension Identifier: DatabaseValueConvertible, StatementColumnConvertible {}
extension Role: DatabaseValueConvertible {}
extension Feature: DatabaseValueConvertible {}
extension WorkspaceStatus: DatabaseValueConvertible {}
extension IntegrationKind: DatabaseValueConvertible {}
extension ShareStatus: DatabaseValueConvertible {}

/// A key's signing keys of every service, each sealed to that service's key, kept as the JSON
/// object the key event carries (NULL for a key issued before commands were signed) and decoded
/// only when a service has not opened its own yet.
public struct SealedSigningKeys: Sendable, DatabaseValueConvertible {
    /// The JSON object, nil for none.
    public let json: String?

    public init(_ keys: [String: SealedSecrets]) {
        json = String(decoding: JSONCoding.encode(keys), as: UTF8.self)
    }

    public init(json: String?) {
        self.json = json
    }

    /// All of them; none for a key from before signing.
    public func decoded() throws -> [String: SealedSecrets] {
        guard let json else { return [:] }
        return try JSONCoding.decode([String: SealedSecrets].self, from: Data(json.utf8))
    }

    /// The one sealed to `service`; nil when there is none or the column cannot be read.
    public func sealed(for service: String) -> SealedSecrets? {
        (try? decoded())?[service]
    }

    public var databaseValue: DatabaseValue {
        json.databaseValue
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> SealedSigningKeys? {
        dbValue.isNull ? SealedSigningKeys(json: nil) : String.fromDatabaseValue(dbValue).map { SealedSigningKeys(json: $0) }
    }
}
