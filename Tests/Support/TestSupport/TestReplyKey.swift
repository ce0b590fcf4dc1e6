import Crypto
import Foundation
import Models
import Sealing

/// The reply key every command the tests build carries (a new one for each test process), and the
/// opening of results sealed to it, as a client does.
public enum TestReplyKey {
    public static let privateKey = Curve25519.KeyAgreement.PrivateKey()
    /// The public half, as `ce_replykey` carries it.
    public static let encoded = SecretSeal.encode(privateKey.publicKey)
}

extension CommandResult {
    /// The result in `data`, with its sealed secrets opened into ``secrets`` when they were sealed
    /// to ``TestReplyKey`` (others, the CLI's, stay sealed); nil when `data` is not a result.
    public static func openingSecrets(_ data: Data) -> CommandResult? {
        guard var result = try? JSONCoding.decode(CommandResult.self, from: data) else { return nil }
        if let sealed = result.sealedSecrets {
            result.secrets = try? SecretSeal.open(sealed, with: TestReplyKey.privateKey, for: .result(commandID: result.commandID))
        }
        return result
    }
}
