import ArgumentParser
import Foundation
import Sealing

/// Writes a new key pair for every service: `<service>.key` (the private key, mode 600) and
/// `public-keys` (every service's public key, for every service).
struct ServiceKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-keys",
        abstract: "Make a key pair for every service: each one's private key and the public keys they all share.",
        discussion: """
            Writes <directory>/<service>.key (mode 600: give each service only its own, with
            --service-key-file) and <directory>/public-keys (give every service the same file, with
            --service-public-keys-file). Existing files are kept unless --replace is given: a new key
            pair makes every API key issued before unusable at that service.
            Example: tenancy service-keys --directory .run/keys
            """
    )

    @Option(help: "Directory to write the key files to (created mode 700 when missing).")
    var directory: String

    @Flag(help: "Overwrite key files that exist.")
    var replace = false

    func run() throws {
        let files = KeyFiles(directory: directory)
        try files.prepare()
        let names = ServiceKeys.services.map { "\($0).key" } + ["public-keys"]
        let existing = names.filter { files.exists($0) }
        if !existing.isEmpty, !replace {
            guard existing.count == names.count else {
                throw ValidationError(
                    "\(directory) holds only some key files (\(existing.joined(separator: ", "))); give --replace to make them all anew"
                )
            }
            print("service keys already in \(directory); kept")
            return
        }
        let generated = ServiceKeys.generate()
        for (service, key) in generated.privateKeys {
            try files.write(key + "\n", to: "\(service).key", secret: true)
        }
        try files.write(generated.publicKeys, to: "public-keys", secret: false)
        print("wrote \(names.map { "\(directory)/\($0)" }.joined(separator: ", "))")
    }
}

/// Files of keys in one directory: the directory is the owner's only, secret files mode 600.
struct KeyFiles {
    let directory: String

    func prepare() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: path(name))
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    func write(_ text: String, to name: String, secret: Bool) throws {
        let url = URL(fileURLWithPath: path(name))
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: secret ? 0o600 : 0o644], ofItemAtPath: url.path)
    }
}
