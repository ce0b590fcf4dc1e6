import Foundation

/// The checkout the tests run from: the nearest directory above this file that holds Package.swift.
public enum Repository {
    public static let root: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory
    }()

    /// The Python of the virtual environment deploy/local/setup.sh makes, with the pinned tools
    /// (TENANCY_PYTHON overrides it).
    public static var python: String {
        ProcessInfo.processInfo.environment["TENANCY_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/tenancy/python/bin/python").path
    }
}
