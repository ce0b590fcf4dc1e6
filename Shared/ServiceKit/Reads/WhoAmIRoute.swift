import Foundation
import Hummingbird
import Models

/// `GET /me` on every service's read side: who signed the read, as this service knows the key -
/// its workspace, organization, role and scopes - or the operator's name. It needs no scope (a key
/// reads only itself) and holds no secret. The CLI keys a command by its key's workspace from it,
/// so that the command reaches the task that owns it without being forwarded.
enum WhoAmIRoute {
    struct View: Encodable {
        var kind: String
        var clientID: String?
        var userID: String?
        var workspaceID: String?
        var organizationID: String?
        var role: String?
        var scopes: [String]?
        var operatorName: String?

        enum CodingKeys: String, CodingKey {
            case kind, role, scopes
            case clientID = "client_id"
            case userID = "user_id"
            case workspaceID = "workspace_id"
            case organizationID = "organization_id"
            case operatorName = "operator"
        }

        init(_ principal: Principal) {
            switch principal {
            case .operator(let name):
                kind = "operator"
                operatorName = name
            case .member(let caller):
                kind = "member"
                clientID = caller.clientID.rawValue
                userID = caller.userID.rawValue
                workspaceID = caller.workspaceID.rawValue
                organizationID = caller.organizationID.rawValue
                role = caller.role.rawValue
                scopes = caller.scopes.map(\.rawValue).sorted()
            }
        }
    }

    static let path = "/me"

    static func register(on router: ReadRouter) {
        router.get(RouterPath(path)) { _, context -> Response in
            guard let principal = context.principal else { throw SignedReads.unauthenticated }
            return try JSONResponse.make(View(principal), notFound: "")
        }
    }
}
