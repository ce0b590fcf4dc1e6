import Foundation
import Models
import Mustache

/// Subject, plain-text and HTML body of a notification, rendered from the Mustache templates
/// `<kind>.subject`, `<kind>.text` and `<kind>.html` of a folder that operators may replace.
struct TemplateRenderer: Sendable {
    struct Rendered: Sendable, Hashable {
        var subject: String
        var text: String
        var html: String
    }

    private let library: MustacheLibrary

    /// Loads every template of `directory`; fails naming each template that is missing, or an
    /// invitation template that would not show the token (the invitee gets it nowhere else).
    init(directory: String) async throws {
        library = try await MustacheLibrary(directory: directory)
        let missing = NotificationKind.allCases.flatMap { kind in ["subject", "text", "html"].map { "\(kind.rawValue).\($0)" } }
            .filter { library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else {
            throw TemplateError("templates missing from \(directory): \(missing.map { $0 + ".mustache" }.joined(separator: ", "))")
        }
        let placeholder = InvitationTokenSource.placeholder
        let invitation = try render(.invitationSent, ["token": placeholder, "accept_command": placeholder])
        guard invitation.text.contains(placeholder), invitation.html.contains(placeholder) else {
            throw TemplateError(
                "invitation_sent.text.mustache and invitation_sent.html.mustache in \(directory) must each show {{token}} or {{accept_command}}: the invitation email is the only way the invitee gets the token"
            )
        }
    }

    func render(_ kind: NotificationKind, _ values: [String: String]) throws -> Rendered {
        func render(_ part: String) throws -> String {
            guard let output = library.render(values, withTemplate: "\(kind.rawValue).\(part)") else {
                throw TemplateError("template \(kind.rawValue).\(part) could not be rendered")
            }
            return output
        }
        let subject = try render("subject").split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return Rendered(subject: subject, text: try render("text"), html: try render("html"))
    }

    /// The templates shipped with the service.
    static var bundledDirectory: String? {
        Bundle.module.url(forResource: "Templates", withExtension: nil)?.path
    }
}

struct TemplateError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
