import Foundation
import Yams

/// Settings from a YAML file, for what is not given by flag or environment: `TENANCY_CONFIG`, else
/// `~/.config/tenancy/config.yaml` when it exists. Keys are the environment variables' names without
/// `TENANCY_`, in lower case (`bootstrap_servers`, `topic_prefix`, `client_id`, `client_secret`,
/// `lifecycle_url`, `operator_name`, `operator_secret`, ...). A file holding `client_secret` or
/// `operator_secret` must be readable by its owner only.
struct ConfigFile: Sendable {
    let path: String?
    let values: [String: String]
    /// Why the file cannot be used; reported when the CLI validates its options.
    let problem: String?

    static let current = load(environment: ProcessInfo.processInfo.environment)

    static func load(environment: [String: String]) -> ConfigFile {
        let explicit = environment["TENANCY_CONFIG"]
        let path = explicit ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/tenancy/config.yaml").path
        guard FileManager.default.fileExists(atPath: path) else {
            return ConfigFile(path: nil, values: [:], problem: explicit.map { "TENANCY_CONFIG names \($0), which does not exist" })
        }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard let mapping = try Yams.load(yaml: text) as? [String: Any] else {
                return ConfigFile(path: path, values: [:], problem: "\(path) is not a YAML mapping of settings")
            }
            let values = mapping.mapValues { value in
                (value as? [Any]).map { $0.map { "\($0)" }.joined(separator: ",") } ?? "\(value)"
            }
            if let secret = ["client_secret", "operator_secret"].first(where: { values[$0] != nil }),
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, mode & 0o077 != 0
            {
                return ConfigFile(path: path, values: [:], problem: "\(path) holds \(secret) but others can read it; run: chmod 600 \(path)")
            }
            return ConfigFile(path: path, values: values, problem: nil)
        } catch {
            return ConfigFile(path: path, values: [:], problem: "\(path) cannot be read: \(error)")
        }
    }

    /// The environment variable `TENANCY_<KEY>`, else the file's `key`.
    func setting(_ key: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["TENANCY_" + key.uppercased()] ?? values[key]
    }
}
