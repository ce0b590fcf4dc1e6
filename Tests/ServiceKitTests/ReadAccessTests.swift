import Models
import ServiceKit
import Testing

/// Who may read what, decided from the principal and what the route shows alone: the operator
/// everything, a member with `workspace.read` their key's workspace, what belongs to it and their
/// organization, another tenant's data as if it did not exist, and nothing without the scope.
@Suite("Read access")
struct ReadAccessTests {
    static let home = WorkspaceID(rawValue: "ws_home")
    static let other = WorkspaceID(rawValue: "ws_other")
    static let acme = OrganizationID(rawValue: "org_acme")

    static func member(role: Role = .viewer, scopes: Set<Scope>? = nil) -> Principal {
        .member(
            Caller(
                userID: UserID(rawValue: "usr_ana"),
                clientID: ClientID(rawValue: "key_ana"),
                workspaceID: home,
                organizationID: acme,
                role: role,
                scopes: scopes ?? role.scopes
            )
        )
    }

    @Test(arguments: Role.allCases)
    func everyRoleReadsItsOwnWorkspaceAndOrganization(role: Role) {
        let reader = Self.member(role: role)
        #expect(ReadAccess.decide(reader, .workspace(Self.home)) == .allowed)
        #expect(ReadAccess.decide(reader, .organization(Self.acme)) == .allowed)
        #expect(ReadAccess.decide(reader, .workspaces([Self.other, Self.home])) == .allowed, "a share of which home is one side")
    }

    @Test func anotherTenantsDataIsNotFound() {
        let reader = Self.member()
        #expect(ReadAccess.decide(reader, .workspace(Self.other)) == .notFound)
        #expect(ReadAccess.decide(reader, .workspaces([Self.other, WorkspaceID(rawValue: "ws_third")])) == .notFound)
        #expect(ReadAccess.decide(reader, .workspaces([])) == .notFound)
        #expect(ReadAccess.decide(reader, .organization(OrganizationID(rawValue: "org_globex"))) == .notFound)
    }

    @Test func aKeyWithoutWorkspaceReadIsForbiddenWhateverTheTarget() {
        let reader = Self.member(role: .owner, scopes: [.integrationsWrite, .workspaceWrite])
        #expect(!ReadAccess.mayRead(reader))
        for target in [ReadTarget.workspace(Self.home), .workspace(Self.other), .organization(Self.acme)] {
            #expect(ReadAccess.decide(reader, target) == .forbidden, "\(target)")
        }
    }

    @Test func theOperatorReadsEverything() {
        let reader = Principal.operator(name: "support-1")
        #expect(ReadAccess.mayRead(reader))
        for target in [ReadTarget.workspace(Self.other), .workspaces([]), .organization(Self.acme)] {
            #expect(ReadAccess.decide(reader, target) == .allowed, "\(target)")
        }
    }
}
