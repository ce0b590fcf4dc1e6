import Foundation
import Synchronization

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts.
///
/// Picked below the kernel's ephemeral range (32768-60999 here), which every outgoing connection
/// takes its local port from: a port the kernel picked could be taken by a client's connection
/// before the server binds it ("Address already in use", seen in a CI run). And never the same port
/// twice in one test process, whose tests run side by side.
public enum FreePort {
    private static let range = 20_000..<32_768
    private static let handedOut = Mutex<Set<Int>>([])

    public static func next() throws -> Int {
        for _ in 0..<1_000 {
            let port = Int.random(in: range)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if isBindable(port) { return port }
        }
        throw TestSupportError("no free port in \(range) after 1,000 tries")
    }

    /// Whether a listening socket can bind 127.0.0.1:port now.
    private static func isBindable(_ port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Whether something accepts TCP connections on 127.0.0.1:port.
    public static func isAccepting(_ port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
