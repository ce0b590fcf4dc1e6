import Foundation

/// Id bodies derived from a message id and a label, for what must come out the same each time one
/// message is handled: every copy of a result, the reactions to one event. Never for what a command
/// creates: a command id is its sender's choice, and anyone may send it again (``TimeOrderedID``).
public enum DerivedID {
    /// 24 hex characters (96 bits) of SHA-256 over the id and the label.
    public static func make(from messageID: String, label: String) -> String {
        String(Hex.encode(SHA256Digest.of([Data(messageID.utf8), Data(label.utf8)])).prefix(24))
    }
}
