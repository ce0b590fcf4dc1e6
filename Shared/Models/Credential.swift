/// What a client signs with: an API key (its client id and secret) or a named operator's key. The
/// secret never travels; commands and reads carry a ``SignedAuthorization`` made with it.
public enum Credential: Sendable, Hashable {
    case apiKey(clientID: ClientID, secret: String)
    case `operator`(name: String, secret: String)

    /// Who signs with it.
    public var signer: Signer {
        switch self {
        case .apiKey(let clientID, _): .key(clientID)
        case .operator(let name, _): .operator(name)
        }
    }

    public var secret: String {
        switch self {
        case .apiKey(_, let secret), .operator(_, let secret): secret
        }
    }
}

/// Who a signature names: an API key by its client id, or an operator by name.
public enum Signer: Sendable, Hashable, CustomStringConvertible {
    case key(ClientID)
    case `operator`(String)

    /// `key_...`, or `operator:<name>`.
    public var description: String {
        switch self {
        case .key(let clientID): clientID.rawValue
        case .operator(let name): Self.operatorPrefix + name
        }
    }

    static let operatorPrefix = "operator:"

    /// The signer `text` names; nil when it is neither a well-formed client id nor `operator:` with
    /// a well-formed operator name.
    public init?(_ text: Substring) {
        if text.hasPrefix(Self.operatorPrefix) {
            let name = String(text.dropFirst(Self.operatorPrefix.count))
            guard Self.isOperatorName(name) else { return nil }
            self = .operator(name)
        } else {
            let clientID = ClientID(rawValue: String(text))
            guard clientID.isWellFormed else { return nil }
            self = .key(clientID)
        }
    }

    /// An operator's name: a lower-case letter, then up to 63 lower-case letters, digits, `.`, `_` or `-`.
    public static func isOperatorName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.unicodeScalars.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) }
    }
}

/// The `authorization` header of a signed command or read:
/// `TNCY1-HMAC-SHA256 Credential=<signer>/<service>, Signature=<64 hex digits>`.
public struct SignedAuthorization: Sendable, Hashable {
    public static let algorithm = "TNCY1-HMAC-SHA256"

    public var signer: Signer
    /// The service the signature is for (`lifecycle`, `sharing`, ...): its signing key made it.
    public var service: String
    /// Lower-case hex HMAC-SHA256.
    public var signature: String

    public init(signer: Signer, service: String, signature: String) {
        self.signer = signer
        self.service = service
        self.signature = signature
    }

    /// The authorization `header` holds; nil when it is missing or not of that form.
    public init?(header: String?) {
        guard let header, header.utf8.count <= 300, header.hasPrefix(Self.algorithm + " ") else { return nil }
        let fields = header.dropFirst(Self.algorithm.count + 1).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 2, fields[0].hasPrefix("Credential="), fields[1].hasPrefix("Signature=") else { return nil }
        let credential = fields[0].dropFirst("Credential=".count)
        let signature = String(fields[1].dropFirst("Signature=".count))
        guard let slash = credential.lastIndex(of: "/"), let signer = Signer(credential[..<slash]),
            signature.utf8.count == 64, signature.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        self.init(signer: signer, service: String(credential[credential.index(after: slash)...]), signature: signature)
    }

    public var headerValue: String {
        "\(Self.algorithm) Credential=\(signer)/\(service), Signature=\(signature)"
    }
}
