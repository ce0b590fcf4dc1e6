import Foundation

/// Id bodies derived from a message id and a label, so that handling the same message again
/// gives the same ids.
public enum DerivedID {
    /// 24 hex characters (96 bits) of SHA-256 over the id and the label.
    public static func make(from messageID: String, label: String) -> String {
        String(Hex.encode(SHA256Digest.of([Data(messageID.utf8), Data(label.utf8)])).prefix(24))
    }
}
