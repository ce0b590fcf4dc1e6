import Foundation

/// Settings from `TENANCY_*` environment variables, for options that can also be given as flags:
/// a flag wins over the environment, the environment over the default. An empty variable is unset.
public enum Setting {
    private static let variables = ProcessInfo.processInfo.environment

    /// The variable's value as a `T`; nil when it is unset, empty or not a `T`.
    public static func environment<T: LosslessStringConvertible>(_ variable: String) -> T? {
        variables[variable].flatMap { $0.isEmpty ? nil : T($0) }
    }

    /// The flag's value when one was given, else the variable's.
    public static func flag<T: LosslessStringConvertible>(_ value: T?, or variable: String) -> T? {
        value ?? environment(variable)
    }
}
