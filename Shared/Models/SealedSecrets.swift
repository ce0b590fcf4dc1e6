/// One-time secrets of a result (a new key's client secret, a runner's registration token), sealed
/// to the reply key the command carried in `ce_replykey`: only the client holding that key's
/// private half can open them. HPKE (RFC 9180), base mode, with the suite ``suite`` names.
public struct SealedSecrets: Codable, Sendable, Hashable {
    /// The HPKE suite: `DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305`.
    public var suite: String
    /// The encapsulated key (`enc`), base64.
    public var encapsulatedKey: String
    /// The sealed JSON object of the secrets by name, base64.
    public var ciphertext: String

    public init(suite: String, encapsulatedKey: String, ciphertext: String) {
        self.suite = suite
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }

    enum CodingKeys: String, CodingKey {
        case suite
        case encapsulatedKey = "enc"
        case ciphertext
    }
}
