import CRdKafka
import Foundation

/// The producer's calls: enqueueing records, serving delivery reports, flushing and purging.
extension RDKafkaClient {
    /// Enqueues one record with `rd_kafka_produceva`; `opaque` comes back with its delivery report.
    /// librdkafka copies key, value and headers (`RD_KAFKA_MSG_F_COPY`), so the temporary C buffers
    /// are freed on return. Returns why librdkafka refused the record, if it did.
    func produce(_ record: KafkaRecord, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        var buffers = CBuffers()
        defer { buffers.free() }
        var values: [rd_kafka_vu_t] = []
        values.reserveCapacity(6 + record.headers.count)

        var topic = rd_kafka_vu_t()
        topic.vtype = RD_KAFKA_VTYPE_TOPIC
        topic.u.cstr = UnsafePointer(buffers.string(record.topic))
        values.append(topic)
        if let partition = record.partition {
            var value = rd_kafka_vu_t()
            value.vtype = RD_KAFKA_VTYPE_PARTITION
            value.u.i32 = partition
            values.append(value)
        }
        for (type, data) in [(RD_KAFKA_VTYPE_KEY, record.key), (RD_KAFKA_VTYPE_VALUE, record.value)] {
            guard let data else { continue }
            var value = rd_kafka_vu_t()
            value.vtype = type
            value.u.mem.ptr = buffers.bytes(data)
            value.u.mem.size = data.count
            values.append(value)
        }
        for header in record.headers {
            var value = rd_kafka_vu_t()
            value.vtype = RD_KAFKA_VTYPE_HEADER
            value.u.header.name = UnsafePointer(buffers.string(header.name))
            value.u.header.val = UnsafeRawPointer(buffers.bytes(header.value))
            value.u.header.size = header.value.count
            values.append(value)
        }
        var flags = rd_kafka_vu_t()
        flags.vtype = RD_KAFKA_VTYPE_MSGFLAGS
        flags.u.i = RD_KAFKA_MSG_F_COPY
        values.append(flags)
        var ticket = rd_kafka_vu_t()
        ticket.vtype = RD_KAFKA_VTYPE_OPAQUE
        ticket.u.ptr = opaque
        values.append(ticket)

        guard let error = rd_kafka_produceva(handle, values, values.count) else { return nil }
        defer { rd_kafka_error_destroy(error) }
        let code = rd_kafka_error_code(error)
        return KafkaError(.produce, String(cString: rd_kafka_error_string(error)), rdKafkaError: code.rawValue)
    }

    /// Serves queued callbacks (delivery reports, logs, errors), waiting up to `timeoutMilliseconds` for one.
    func poll(timeoutMilliseconds: Int32) {
        rd_kafka_poll(handle, timeoutMilliseconds)
    }

    /// Waits up to `timeoutMilliseconds` for every queued record's delivery report, serving them;
    /// false when some were still undelivered.
    @discardableResult
    func flush(timeoutMilliseconds: Int32) -> Bool {
        rd_kafka_flush(handle, timeoutMilliseconds) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Records and requests still waiting in librdkafka's queues.
    var queuedCount: Int32 { rd_kafka_outq_len(handle) }

    /// Fails every record still queued or in flight; their delivery reports are served by the next
    /// poll or flush.
    func purge() {
        rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
    }
}

/// C memory that lives for one produce call.
private struct CBuffers {
    private var pointers: [UnsafeMutableRawPointer] = []

    mutating func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        let pointer = strdup(string)!
        pointers.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    mutating func bytes(_ data: Data) -> UnsafeMutableRawPointer {
        let pointer = malloc(max(data.count, 1))!
        data.copyBytes(to: pointer.assumingMemoryBound(to: UInt8.self), count: data.count)
        pointers.append(pointer)
        return pointer
    }

    func free() {
        for pointer in pointers { Foundation.free(pointer) }
    }
}
