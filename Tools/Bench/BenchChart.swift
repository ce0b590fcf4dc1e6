import Foundation

/// The bench's two pictures, in one SVG written next to its JSON: results per second through the
/// throughput phase, and how the latency phase's commands spread over latency buckets, with p50 and
/// p99 marked. Drawn by hand (rectangles, lines and text): nothing to install to look at it.
enum BenchChart {
    /// Upper bounds of the latency buckets, in milliseconds; the last bucket takes everything above.
    static let bucketBounds: [Double] = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1_000, 1_500, 2_000, 3_000, 5_000]

    /// How many of `sorted` latencies fall in each bucket: one more than there are bounds.
    static func histogram(ofSorted sorted: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: bucketBounds.count + 1)
        var bucket = 0
        for value in sorted {
            while bucket < bucketBounds.count && value > bucketBounds[bucket] { bucket += 1 }
            counts[bucket] += 1
        }
        return counts
    }

    /// Results counted in each whole second since `start`.
    static func perSecond(_ instants: [ContinuousClock.Instant], since start: ContinuousClock.Instant) -> [Int] {
        var counts: [Int] = []
        for instant in instants {
            let second = max(0, Int((instant - start) / .seconds(1)))
            if counts.count <= second { counts += [Int](repeating: 0, count: second + 1 - counts.count) }
            counts[second] += 1
        }
        return counts
    }

    static let width = 960.0
    static let height = 380.0

    /// The SVG; nil when the report holds neither series (one from before they were kept).
    static func svg(throughput: LoadPhases.Throughput, latency: LoadPhases.Latency, title: String) -> String? {
        guard let perSecond = throughput.resultsPerSecond, let histogram = latency.histogram, !perSecond.isEmpty else { return nil }
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" font-family="sans-serif" font-size="12">"#
        out += #"<rect width="100%" height="100%" fill="white"/>"#
        out += text(escaped(title), x: 20, y: 24, size: 15, anchor: "start")
        out += panel(
            x: 60,
            title: "throughput: \(throughput.commands) commands, results per second (mean \(Int(throughput.commandsPerSecond.rounded())))",
            bars: perSecond.map(Double.init),
            labels: perSecond.indices.map { $0 % max(1, perSecond.count / 8) == 0 ? "\($0) s" : "" },
            marks: []
        )
        let labels = bucketBounds.map { "≤\(format($0))" } + [">\(format(bucketBounds.last!))"]
        let marks = [
            (latency.p50Milliseconds, "p50 \(format(latency.p50Milliseconds)) ms"),
            (latency.p99Milliseconds, "p99 \(format(latency.p99Milliseconds)) ms"),
        ]
        .map { value, label in (Double(bucketBounds.firstIndex { value <= $0 } ?? bucketBounds.count), label) }
        out += panel(
            x: 530,
            title: "latency at \(latency.ratePerSecond)/s: \(latency.commands) commands by milliseconds",
            bars: histogram.map(Double.init),
            labels: labels.enumerated().map { $0.offset % 3 == 0 ? $0.element : "" },
            marks: marks
        )
        return out + "</svg>\n"
    }

    /// One bar chart 400 wide, 260 high, its y axis from 0 to the largest bar, `marks` drawn as
    /// vertical lines through the middle of the bar they fall in.
    private static func panel(x: Double, title: String, bars: [Double], labels: [String], marks: [(bar: Double, label: String)]) -> String {
        let (top, plotWidth, plotHeight) = (70.0, 400.0, 260.0)
        let peak = max(bars.max() ?? 1, 1)
        let step = plotWidth / Double(bars.count)
        var out = text(escaped(title), x: x, y: top - 20, size: 12, anchor: "start")
        out += #"<line x1="\#(x)" y1="\#(top + plotHeight)" x2="\#(x + plotWidth)" y2="\#(top + plotHeight)" stroke="black"/>"#
        out += #"<line x1="\#(x)" y1="\#(top)" x2="\#(x)" y2="\#(top + plotHeight)" stroke="black"/>"#
        out += text(format(peak), x: x - 4, y: top + 4, size: 10, anchor: "end") + text("0", x: x - 4, y: top + plotHeight, size: 10, anchor: "end")
        for (index, value) in bars.enumerated() {
            let barHeight = value / peak * plotHeight
            out +=
                #"<rect x="\#(rounded(x + Double(index) * step + step * 0.1))" y="\#(rounded(top + plotHeight - barHeight))" "#
                + ##"width="\##(rounded(step * 0.8))" height="\##(rounded(barHeight))" fill="#4878a8"><title>\##(format(value))</title></rect>"##
            if !labels[index].isEmpty {
                out += text(escaped(labels[index]), x: x + (Double(index) + 0.5) * step, y: top + plotHeight + 16, size: 10, anchor: "middle")
            }
        }
        for (position, (bar, label)) in marks.enumerated() {
            let lineX = x + (bar + 0.5) * step
            out +=
                ##"<line x1="\##(rounded(lineX))" y1="\##(top)" x2="\##(rounded(lineX))" y2="\##(top + plotHeight)" stroke="#c03030" stroke-dasharray="4 3"/>"##
            out += text(escaped(label), x: lineX + 4, y: top + 12 + Double(position) * 14, size: 10, anchor: "start")
        }
        return out
    }

    private static func text(_ content: String, x: Double, y: Double, size: Int, anchor: String) -> String {
        #"<text x="\#(rounded(x))" y="\#(rounded(y))" font-size="\#(size)" text-anchor="\#(anchor)">\#(content)</text>"#
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func rounded(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func format(_ value: Double) -> String {
        value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }
}
