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
        if text.utf8.starts(with: Self.operatorPrefix.utf8) {
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

    /// The authorization `header` holds; nil when it is missing or not of that form. Read on its
    /// UTF-8 bytes: it is parsed for every command and read, and Foundation's string functions
    /// would cost more than checking the signature.
    public init?(header: String?) {
        guard let header, header.utf8.count <= 300, header.hasPrefix(Self.algorithm + " ") else { return nil }
        let fields = header.utf8.dropFirst(Self.algorithm.utf8.count + 1)
        guard let comma = fields.firstIndex(of: UInt8(ascii: ",")),
            let credential = Self.value(of: "Credential=", in: fields[..<comma]),
            let signature = Self.value(of: "Signature=", in: fields[fields.index(after: comma)...]),
            signature.count == 64, signature.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
            let slash = credential.lastIndex(of: UInt8(ascii: "/")),
            let signer = Signer(Substring(credential[..<slash]))
        else { return nil }
        self.init(signer: signer, service: String(Substring(credential[credential.index(after: slash)...])), signature: String(Substring(signature)))
    }

    /// What follows `name` in `field`, spaces and tabs around it dropped; nil when it does not start with `name`.
    private static func value(of name: String, in field: Substring.UTF8View) -> Substring.UTF8View? {
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var field = field
        while let first = field.first, isBlank(first) { field.removeFirst() }
        while let last = field.last, isBlank(last) { field.removeLast() }
        guard field.starts(with: name.utf8) else { return nil }
        return field.dropFirst(name.utf8.count)
    }

    public var headerValue: String {
        "\(Self.algorithm) Credential=\(signer)/\(service), Signature=\(signature)"
    }
}
