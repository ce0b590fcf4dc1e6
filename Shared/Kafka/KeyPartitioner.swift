/// Where a keyed record lands: the partition librdkafka's `murmur2_random` partitioner (the
/// producers' default here, and the Java client's) gives a key, computed without a client, so that a
/// service can tell whether a record is in the partition its key belongs to.
public enum KeyPartitioner {
    /// The partition of `key` among `count`.
    public static func partition(of key: some Collection<UInt8>, count: Int32) -> Int32 {
        precondition(count > 0, "a topic has at least one partition")
        return Int32(bitPattern: murmur2(key) & 0x7fff_ffff) % count
    }

    /// The partition of a text key (its UTF-8 bytes) among `count`.
    public static func partition(of key: String, count: Int32) -> Int32 {
        partition(of: Array(key.utf8), count: count)
    }

    /// MurmurHash2, 32 bits, with Kafka's seed, as Kafka's `Utils.murmur2` and librdkafka's `rd_murmur2`.
    static func murmur2(_ key: some Collection<UInt8>) -> UInt32 {
        let bytes = Array(key)
        let m: UInt32 = 0x5bd1_e995
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: bytes.count)
        let whole = bytes.count / 4 * 4
        for start in stride(from: 0, to: whole, by: 4) {
            var k =
                UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24
            k &*= m
            k ^= k >> 24
            k &*= m
            h &*= m
            h ^= k
        }
        let tail = bytes.count - whole
        if tail == 3 { h ^= UInt32(bytes[whole + 2]) << 16 }
        if tail >= 2 { h ^= UInt32(bytes[whole + 1]) << 8 }
        if tail >= 1 {
            h ^= UInt32(bytes[whole])
            h &*= m
        }
        h ^= h >> 13
        h &*= m
        h ^= h >> 15
        return h
    }
}
