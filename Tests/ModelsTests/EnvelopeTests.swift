import Foundation
import Models
import Testing

@Suite("Envelope: CloudEvents binary mode")
struct EnvelopeTests {
    let payload = Data(#"{"name":"Acme"}"#.utf8)

    func headers(_ envelope: Envelope) -> [(name: String, value: Data)] {
        envelope.headers.map { ($0.name, Data($0.value.utf8)) }
    }

    var sample: Envelope {
        Envelope(
            id: "cmd-1",
            type: "tenancy.lifecycle.CreateWorkspace.v1",
            source: "/tests",
            time: Date(timeIntervalSince1970: 1_700_000_000.123),
            subject: "ws_1",
            correlationID: "c-1",
            authorization: "Bearer key_abc:secret",
            payload: payload
        )
    }

    @Test func roundTripKeepsEveryAttribute() throws {
        let decoded = try Envelope.decode(headers: headers(sample), value: payload)
        #expect(decoded == sample)
    }

    @Test func optionalAttributesMayBeAbsent() throws {
        let minimal = Envelope(id: "e", type: "tenancy.x.Y.v2", source: "/s", time: nil, subject: nil, payload: payload)
        let decoded = try Envelope.decode(headers: headers(minimal), value: payload)
        #expect(decoded == minimal)
        #expect(!headers(minimal).contains { $0.name == "authorization" || $0.name == "ce_time" })
    }

    @Test func headersAreCloudEventsBinaryMode() {
        let names = sample.headers.map(\.name)
        #expect(
            names == [
                "ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject", "ce_correlationid", "content-type", "authorization",
            ]
        )
        #expect(sample.headers.first { $0.name == "ce_specversion" }?.value == "1.0")
        #expect(sample.headers.first { $0.name == "ce_time" }?.value == "2023-11-14T22:13:20.123Z")
    }

    /// Each malformed form is refused with its code, and the id is recovered whenever it was readable.
    @Test(arguments: [
        ("ce_specversion", Data("0.3".utf8), ErrorCode.malformedEnvelope),
        ("ce_type", Data("CreateWorkspace".utf8), ErrorCode.unknownType),
        ("ce_type", Data("tenancy.lifecycle.CreateWorkspace".utf8), ErrorCode.unknownType),
        ("ce_time", Data("yesterday".utf8), ErrorCode.malformedEnvelope),
        ("content-type", Data("text/plain".utf8), ErrorCode.malformedEnvelope),
        ("ce_source", Data([0xff, 0xfe]), ErrorCode.malformedEnvelope),
        ("ce_subject", Data(repeating: 0x61, count: 5_000), ErrorCode.messageTooLarge),
    ])
    func malformedHeaderIsRejected(name: String, value: Data, code: ErrorCode) {
        var fields = headers(sample)
        fields.removeAll { $0.name == name }
        fields.append((name, value))
        #expect {
            try Envelope.decode(headers: fields, value: payload)
        } throws: { error in
            let error = error as! EnvelopeError
            return error.rejection.code == code && error.recoveredID == "cmd-1"
        }
    }

    @Test(arguments: ["ce_specversion", "ce_id", "ce_type", "ce_source", "content-type"])
    func missingRequiredHeaderIsRejected(name: String) {
        let fields = headers(sample).filter { $0.name != name }
        #expect {
            try Envelope.decode(headers: fields, value: payload)
        } throws: { error in
            let error = error as! EnvelopeError
            return error.rejection.code == .malformedEnvelope && error.rejection.message.contains(name)
                && (name == "ce_id") == (error.recoveredID == nil)
        }
    }

    @Test func duplicatedHeaderIsRejected() {
        let fields = headers(sample) + [("ce_type", Data("tenancy.other.Thing.v1".utf8))]
        #expect(throws: EnvelopeError.self) { try Envelope.decode(headers: fields, value: payload) }
    }

    @Test func noHeadersAtAllRecoversNoID() {
        #expect {
            try Envelope.decode(headers: [], value: Data("garbage".utf8))
        } throws: { error in
            (error as! EnvelopeError).recoveredID == nil
        }
    }

    @Test func emptyAndOversizedPayloadsAreRejected() {
        #expect {
            try Envelope.decode(headers: headers(sample), value: nil)
        } throws: { ($0 as! EnvelopeError).rejection.code == .malformedPayload }
        #expect {
            try Envelope.decode(headers: headers(sample), value: Data(count: 2_000), limits: EnvelopeLimits(maxPayloadBytes: 1_000))
        } throws: { ($0 as! EnvelopeError).rejection.code == .messageTooLarge }
    }

    @Test func controlCharactersInIDAreRejected() {
        var fields = headers(sample).filter { $0.name != "ce_id" }
        fields.append(("ce_id", Data("a\u{0}b".utf8)))
        #expect(throws: EnvelopeError.self) { try Envelope.decode(headers: fields, value: payload) }
    }

    @Test func unknownHeadersAreIgnored() throws {
        let fields = headers(sample) + [("traceparent", Data("00-abc".utf8))]
        #expect(try Envelope.decode(headers: fields, value: payload) == sample)
    }
}
