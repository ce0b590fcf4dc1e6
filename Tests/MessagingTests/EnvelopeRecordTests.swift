import Foundation
import Kafka
import Messaging
import Models
import Testing

@Suite("Messaging: an envelope as a Kafka record and back")
struct EnvelopeRecordTests {
    /// Bytes a text round trip could alter: non-ASCII, escapes, CR LF, trailing blanks.
    static let payload = Data(#"{"name":"Åcme \"ö\" 🚀","note":"a\r\nb  "}  "#.utf8)

    static let full = Envelope(
        id: "cmd-1",
        type: "tenancy.lifecycle.CreateWorkspace.v1",
        source: "/tests",
        time: Date(timeIntervalSince1970: 1_700_000_000.123),
        subject: "ws_1",
        correlationID: "c-1",
        authorization: "Bearer key_abc:secret",
        replyKey: "3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08",
        payload: payload
    )
    static let minimal = Envelope(id: "e", type: "tenancy.x.Y.v2", source: "/s", time: nil, subject: nil, payload: payload)

    /// What a consumer is handed for a produced record.
    static func consumed(_ record: KafkaRecord) -> KafkaConsumedMessage {
        KafkaConsumedMessage(
            topic: record.topic,
            partition: 3,
            offset: 42,
            key: record.key,
            value: record.value,
            headers: record.headers,
            timestampMilliseconds: 1
        )
    }

    @Test(arguments: [full, minimal])
    func roundTripKeepsEveryAttributeAndThePayload(envelope: Envelope) throws {
        let record = KafkaRecord(envelope, topic: "tenancy.lifecycle.commands", key: "ws_1")
        #expect(record.value == envelope.payload)
        var decoded = try Envelope(decoding: Self.consumed(record))
        #expect(decoded.recordKey == "ws_1", "the record's key is kept beside the headers")
        decoded.recordKey = nil
        #expect(decoded == envelope)
        #expect(Array(decoded.payload) == Array(Self.payload))
    }

    @Test func recordIsCloudEventsBinaryMode() {
        let record = KafkaRecord(Self.full, topic: "tenancy.lifecycle.commands", key: "ws_1")
        #expect(record.topic == "tenancy.lifecycle.commands")
        #expect(record.partition == nil, "the partitioner picks the partition from the key")
        #expect(record.key == Data("ws_1".utf8))
        #expect(
            record.headers == [
                KafkaHeader(name: "ce_specversion", string: "1.0"),
                KafkaHeader(name: "ce_id", string: "cmd-1"),
                KafkaHeader(name: "ce_type", string: "tenancy.lifecycle.CreateWorkspace.v1"),
                KafkaHeader(name: "ce_source", string: "/tests"),
                KafkaHeader(name: "ce_time", string: "2023-11-14T22:13:20.123Z"),
                KafkaHeader(name: "ce_subject", string: "ws_1"),
                KafkaHeader(name: "ce_correlationid", string: "c-1"),
                KafkaHeader(name: "ce_replykey", string: "3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08"),
                KafkaHeader(name: "content-type", string: "application/json"),
                KafkaHeader(name: "authorization", string: "Bearer key_abc:secret"),
            ]
        )
        let minimal = KafkaRecord(Self.minimal, topic: "t", key: "k")
        #expect(minimal.headers.map(\.name) == ["ce_specversion", "ce_id", "ce_type", "ce_source", "content-type"])
    }

    @Test func headersAreTheEnvelopesInItsOrder() {
        let headers = Self.full.kafkaHeaders
        #expect(headers.map(\.name) == Self.full.headers.map(\.name))
        #expect(headers.map { String(decoding: $0.value, as: UTF8.self) } == Self.full.headers.map(\.value))
    }

    @Test func otherHeadersAndThePlaceInTheLogPlayNoPart() throws {
        var record = KafkaRecord(Self.full, topic: "elsewhere", key: "someone-else")
        record.headers.insert(KafkaHeader(name: "traceparent", string: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), at: 0)
        record.headers.append(KafkaHeader(name: "x-binary", value: Data([0, 255, 10])))
        var expected = Self.full
        expected.recordKey = "someone-else"
        #expect(try Envelope(decoding: Self.consumed(record)) == expected)
    }

    /// Ways a record can be broken, each with the code it is refused with.
    enum Breakage: CaseIterable, Sendable {
        case oversizedPayload, oversizedHeader, noValue, emptyValue, duplicatedHeader, noSpecVersion, oldSpecVersion
        case typeNotTenancys, headerNotUTF8, noHeadersAtAll, replyKeyNotAKey, replyKeyInStandardBase64

        func apply(to record: inout KafkaRecord) {
            func replace(_ name: String, _ value: Data) {
                record.headers = record.headers.filter { $0.name != name } + [KafkaHeader(name: name, value: value)]
            }
            switch self {
            case .oversizedPayload: record.value = Data(repeating: UInt8(ascii: " "), count: 2_000)
            case .oversizedHeader: replace("ce_subject", Data(repeating: 0x61, count: 5_000))
            case .noValue: record.value = nil
            case .emptyValue: record.value = Data()
            case .duplicatedHeader: record.headers.append(KafkaHeader(name: "ce_type", string: "tenancy.lifecycle.CreateWorkspace.v1"))
            case .noSpecVersion: record.headers.removeAll { $0.name == "ce_specversion" }
            case .oldSpecVersion: replace("ce_specversion", Data("0.3".utf8))
            case .typeNotTenancys: replace("ce_type", Data("CreateWorkspace".utf8))
            case .headerNotUTF8: replace("ce_source", Data([0xff, 0xfe]))
            case .noHeadersAtAll: record = KafkaRecord(topic: record.topic, key: record.key, value: Data("not an event".utf8))
            case .replyKeyNotAKey: replace("ce_replykey", Data("3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK".utf8))
            case .replyKeyInStandardBase64: replace("ce_replykey", Data("3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx/FG+IK08".utf8))
            }
        }

        var code: ErrorCode {
            switch self {
            case .oversizedPayload, .oversizedHeader: .messageTooLarge
            case .noValue, .emptyValue: .malformedPayload
            case .typeNotTenancys: .unknownType
            case .duplicatedHeader, .noSpecVersion, .oldSpecVersion, .headerNotUTF8, .noHeadersAtAll, .replyKeyNotAKey, .replyKeyInStandardBase64:
                .malformedEnvelope
            }
        }
    }

    /// A broken record is refused with its code, naming the command whenever `ce_id` was readable,
    /// and with exactly the error that reading its headers and value directly gives.
    @Test(arguments: Breakage.allCases)
    func brokenRecordIsRefusedAsBefore(breakage: Breakage) {
        let limits = EnvelopeLimits(maxPayloadBytes: 1_000)
        var record = KafkaRecord(Self.full, topic: "tenancy.lifecycle.commands", key: "ws_1")
        breakage.apply(to: &record)
        let bridged = Result { () throws(EnvelopeError) in try Envelope(decoding: Self.consumed(record), limits: limits) }
        let direct = Result { () throws(EnvelopeError) in
            try Envelope.decode(headers: record.headers.map { ($0.name, $0.value) }, value: record.value, limits: limits)
        }
        guard case .failure(let error) = bridged else {
            Issue.record("\(breakage) was accepted")
            return
        }
        #expect(error.rejection.code == breakage.code)
        #expect(error.recoveredID == (breakage == .noHeadersAtAll ? nil : "cmd-1"))
        #expect(bridged == direct)
    }

    @Test func defaultLimitsApply() {
        var record = KafkaRecord(Self.full, topic: "t", key: "ws_1")
        record.value = Data(repeating: UInt8(ascii: " "), count: EnvelopeLimits().maxPayloadBytes + 1)
        #expect(throws: EnvelopeError.self) { try Envelope(decoding: Self.consumed(record)) }
    }
}
