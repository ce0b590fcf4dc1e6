/// Who may do what: role and scope checks shared by the rules.
public enum Authorization {
    public static func requireOperator(_ principal: Principal, to action: String) throws(Rejection) {
        guard case .operator = principal else {
            throw Rejection(.forbidden, "only an operator can \(action)")
        }
    }

    public static func requireMember(_ principal: Principal, role: Role, scope: Scope, to action: String) throws(Rejection) -> Caller {
        guard case .member(let caller) = principal else {
            throw Rejection(.forbidden, "\(action) needs a workspace member's API key, not the operator credential")
        }
        guard caller.role <= role else {
            throw Rejection(.forbidden, "\(action) needs the \(role.rawValue) role; the key's user is \(caller.role.rawValue)")
        }
        guard caller.scopes.contains(scope) else {
            throw Rejection(.forbidden, "\(action) needs the '\(scope)' scope, which this API key does not carry")
        }
        return caller
    }
}
