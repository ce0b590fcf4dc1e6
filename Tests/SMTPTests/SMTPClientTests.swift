import Foundation
import TestSupport
import Testing

@testable import SMTP

/// The client against a real SMTP server (aiosmtpd) started on a free loopback port.
@Suite("SMTP client against aiosmtpd", .serialized, .timeLimit(.minutes(3)))
struct SMTPClientTests {
    func message(to recipient: String, id: String = "<\(UUID().uuidString)@tenancy>") -> MailMessage {
        MailMessage(
            from: "Tenancy <noreply@tenancy.example>",
            to: recipient,
            subject: "Hello",
            text: "plain body",
            html: "<b>html body</b>",
            messageID: id,
            date: Date()
        )
    }

    @Test func deliversAndClassifiesRefusals() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, replyTimeout: 30))
        try await client.send(message(to: "Owner <owner@acme.example>", id: "<ntf_1@tenancy>"))
        let received = try #require(server.messages().first)
        #expect(received.contains("X-Envelope-To: owner@acme.example") && received.contains("Message-ID: <ntf_1@tenancy>"))
        #expect(body(received, type: "text/plain") == "plain body" && body(received, type: "text/html") == "<b>html body</b>")

        await #expect { try await client.send(message(to: "gone+reject@acme.example")) } throws: { ($0 as? SMTPError)?.isPermanent == true }
        await #expect { try await client.send(message(to: "busy+defer@acme.example")) } throws: { ($0 as? SMTPError)?.isPermanent == false }
        #expect(server.messages().count == 1)
    }

    @Test func anUnreachableServerIsATemporaryFailure() async throws {
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: try FreePort.next(), replyTimeout: 2))
        await #expect { try await client.send(message(to: "a@b.example")) } throws: { ($0 as? SMTPError)?.isPermanent == false }
    }

    /// A certificate for localhost and 127.0.0.1, and its key, made with openssl.
    func certificate() async throws -> (certificate: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let made = try await runToCompletion(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate,
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ]
        )
        #expect(made.status == 0, "\(made.errors)")
        return (certificate, key)
    }

    @Test(arguments: [SMTPConfiguration.Security.startTLS, .tls])
    func authenticatesOverTLS(security: SMTPConfiguration.Security) async throws {
        let tls = try await certificate()
        let server = try await TestSMTPServer.start(auth: "mailer:s3cret", tls: tls, implicitTLS: security == .tls)
        defer { server.stop() }
        var configuration = SMTPConfiguration(
            host: "localhost",
            port: server.port,
            security: security,
            username: "mailer",
            password: "s3cret",
            trustRootsFile: tls.certificate,
            replyTimeout: 30
        )
        try await SMTPClient(configuration: configuration).send(message(to: "owner@acme.example"))
        #expect(server.messages().count == 1)

        configuration.password = "wrong"
        await #expect { try await SMTPClient(configuration: configuration).send(message(to: "owner@acme.example")) } throws: {
            ($0 as? SMTPError)?.isPermanent == true && !"\($0)".contains("wrong")
        }
        #expect(server.messages().count == 1)
    }

    /// The password never goes over a connection without TLS: the client refuses before connecting.
    @Test func aPasswordIsNeverSentWithoutTLS() async throws {
        let server = try await TestSMTPServer.start(auth: "mailer:s3cret")
        defer { server.stop() }
        let configuration = SMTPConfiguration(host: "127.0.0.1", port: server.port, username: "mailer", password: "s3cret", replyTimeout: 30)
        #expect(configuration.refusal != nil)
        await #expect { try await SMTPClient(configuration: configuration).send(message(to: "owner@acme.example")) } throws: {
            ($0 as? SMTPError)?.isPermanent == true && "\($0)".contains("in clear") && !"\($0)".contains("s3cret")
        }
        #expect(server.messages().isEmpty)
    }

    @Test func startTLSIsRequiredWhenConfigured() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, security: .startTLS, replyTimeout: 30))
        await #expect { try await client.send(message(to: "a@b.example")) } throws: { ($0 as? SMTPError)?.isPermanent == true }
        #expect(server.messages().isEmpty)
    }
}
