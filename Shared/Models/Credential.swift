/// The credential a command carries in its `authorization` header:
/// `Bearer <client_id>:<client_secret>`, where the client id `operator` means the operator token.
public enum Credential: Sendable, Hashable {
    case apiKey(clientID: ClientID, secret: String)
    case `operator`(token: String)

    public static let operatorClientID = "operator"

    public static func parse(_ header: String?) -> Credential? {
        guard let header, header.count <= 1_000, header.hasPrefix("Bearer ") else { return nil }
        let value = header.dropFirst("Bearer ".count)
        guard let colon = value.firstIndex(of: ":") else { return nil }
        let client = String(value[..<colon])
        let secret = String(value[value.index(after: colon)...])
        guard !secret.isEmpty else { return nil }
        if client == operatorClientID { return .operator(token: secret) }
        let clientID = ClientID(rawValue: client)
        return clientID.isWellFormed ? .apiKey(clientID: clientID, secret: secret) : nil
    }

    public var headerValue: String {
        switch self {
        case .apiKey(let clientID, let secret): "Bearer \(clientID.rawValue):\(secret)"
        case .operator(let token): "Bearer \(Self.operatorClientID):\(token)"
        }
    }
}
