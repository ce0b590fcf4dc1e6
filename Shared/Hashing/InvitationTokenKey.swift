import Crypto
import Foundation
import Models

/// The key that Lifecycle and Notifications alone hold, from which an invitation's token is made:
/// HMAC-SHA256 over the invitation id and a random nonce, both public (they travel in
/// `InvitationSent`). Lifecycle keeps only the token's hash; Notifications computes the token again
/// to write it into the invitation email. Whoever reads the topics, the databases or the results
/// sees the id, the nonce and the hash, and none of them gives the token without this key.
public struct InvitationTokenKey: Sendable {
    private let key: SymmetricKey

    /// - Parameter base64: 32 random bytes, base64 (`head -c 32 /dev/urandom | base64`).
    public init(base64: String) throws(InvitationTokenKeyError) {
        guard let bytes = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw InvitationTokenKeyError("the invitation key must be 32 bytes, base64-encoded (head -c 32 /dev/urandom | base64)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// The token of one invitation: 256 bits, base64url without padding, like every other secret.
    public func token(invitationID: String, nonce: String) -> String {
        var mac = HMAC<SHA256>(key: key)
        for part in ["tenancy.invitation-token.v1", invitationID, nonce] {
            let bytes = Data(part.utf8)
            // Each part preceded by its length, so that no two different (id, nonce) pairs give the same input.
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { mac.update(data: Data($0)) }
            mac.update(data: bytes)
        }
        return Base64URL.encode(Data(mac.finalize()))
    }
}

/// A missing or malformed invitation key.
public struct InvitationTokenKeyError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
