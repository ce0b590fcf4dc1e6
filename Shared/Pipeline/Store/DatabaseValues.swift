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

/// A key's sealed signing keys of every service (``StoredKey/sealedSigningKeys``), stored as the
/// JSON object the key event carries; NULL for a key issued before commands were signed.
public enum SigningKeysColumn {
    public static func encode(_ keys: [String: SealedSecrets]) -> String {
        String(decoding: JSONCoding.encode(keys), as: UTF8.self)
    }

    public static func decode(_ text: String?) throws -> [String: SealedSecrets] {
        guard let text else { return [:] }
        return try JSONCoding.decode([String: SealedSecrets].self, from: Data(text.utf8))
    }
}
