/// `GET /secrets-key` on Lifecycle: the public key clients seal integration secret values to
/// (``SealedSecrets``, for the purpose `tenancy integration secrets v1`).
public struct SecretsKeyView: Codable, Sendable, Hashable {
    /// The X25519 public key, 32 bytes, base64url without padding.
    public var publicKey: String
    /// The HPKE suite to seal with.
    public var suite: String

    public init(publicKey: String, suite: String) {
        self.publicKey = publicKey
        self.suite = suite
    }

    enum CodingKeys: String, CodingKey {
        case publicKey = "public_key"
        case suite
    }
}
