import Foundation
import Models

/// Input checks shared by the Lifecycle rules; each failure names the field.
enum Validation {
    static let maxNameLength = 100

    /// A display name: 1 to 100 characters once trimmed, no control characters and no bidirectional
    /// formatting characters (which could make a name read as something else in an email or a table).
    static func name(_ value: String, field: String) throws(Rejection) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid(field, "must not be empty") }
        guard trimmed.count <= maxNameLength else { throw .invalid(field, "must be at most \(maxNameLength) characters") }
        guard trimmed.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else {
            throw .invalid(field, "must not contain control characters")
        }
        guard !trimmed.unicodeScalars.contains(where: \.properties.isBidiControl) else {
            throw .invalid(field, "must not contain bidirectional formatting characters")
        }
        return trimmed
    }

    /// An email address: `local@domain.tld`, at most 254 characters, no spaces. Returned lower-cased.
    static func email(_ value: String, field: String) throws(Rejection) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
            trimmed.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "," && $0 != ";" })
        else {
            throw .invalid(field, "is not a valid email address")
        }
        return trimmed.lowercased()
    }

    static func organizationID(_ id: OrganizationID, field: String) throws(Rejection) {
        guard id.isWellFormed else { throw .invalid(field, "is not an organization id (org_...)") }
    }
}

/// The key names are compared by: trimmed and case-folded, so `Acme` and `acme ` collide.
func nameKey(_ name: String) -> String {
    name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
}
