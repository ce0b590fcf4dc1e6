import Foundation
import Testing

@testable import Bench

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("The bench's chart")
struct BenchChartTests {
    @Test func latenciesFallInTheFirstBucketTheyDoNotExceed() {
        let counts = BenchChart.histogram(ofSorted: [0.4, 1, 1.5, 2, 9.9, 10, 10.1, 4_999, 5_000, 7_500, 90_000])
        #expect(counts.count == BenchChart.bucketBounds.count + 1)
        #expect(counts[0] == 2, "0.4 and 1 are at most 1 ms")
        #expect(counts[1] == 2, "1.5 and 2")
        #expect(counts[BenchChart.bucketBounds.firstIndex(of: 10)!] == 2, "9.9 and 10")
        #expect(counts[BenchChart.bucketBounds.firstIndex(of: 15)!] == 1, "10.1")
        #expect(counts[BenchChart.bucketBounds.count - 1] == 2 && counts.last == 2, "up to 5 s, and the two above")
        #expect(counts.reduce(0, +) == 11)
    }

    @Test func resultsAreCountedInTheSecondTheyArrived() {
        let start = ContinuousClock.now
        let arrivals = [0.1, 0.9, 1.0, 3.5, 3.6].map { start + .milliseconds(Int($0 * 1_000)) }
        #expect(BenchChart.perSecond(arrivals, since: start) == [2, 1, 0, 2])
    }

    static let throughput = LoadPhases.Throughput(
        commands: 6,
        shareRequests: 6,
        lifecycleCommands: 0,
        rejected: 0,
        seconds: 3,
        commandsPerSecond: 2,
        resultsPerSecond: [1, 3, 2]
    )

    static func latency(histogram: [Int]?) -> LoadPhases.Latency {
        LoadPhases.Latency(
            commands: 4,
            ratePerSecond: 500,
            rejected: 0,
            p50Milliseconds: 4,
            p99Milliseconds: 12,
            p999Milliseconds: 12,
            maxMilliseconds: 12,
            histogram: histogram
        )
    }

    /// A well-formed SVG document: a bar per second and per bucket, the two percentiles marked, the
    /// title escaped.
    @Test func theChartIsAnSVGWithABarPerSecondAndPerBucket() throws {
        var histogram = [Int](repeating: 0, count: BenchChart.bucketBounds.count + 1)
        histogram[3] = 2
        histogram[7] = 2
        let svg = try #require(BenchChart.svg(throughput: Self.throughput, latency: Self.latency(histogram: histogram), title: "run <1> & more"))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 3 + histogram.count)
        #expect(svg.contains("p50 4 ms") && svg.contains("p99 12 ms"))
        #expect(svg.contains("run &lt;1&gt; &amp; more"))
    }

    @Test func aReportFromBeforeTheSeriesWereKeptHasNoChart() {
        var older = Self.throughput
        older.resultsPerSecond = nil
        #expect(BenchChart.svg(throughput: older, latency: Self.latency(histogram: [1]), title: "x") == nil)
        #expect(BenchChart.svg(throughput: Self.throughput, latency: Self.latency(histogram: nil), title: "x") == nil)
    }
}
