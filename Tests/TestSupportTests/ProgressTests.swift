import Progress
import Synchronization
import Testing

@Suite("Progress lines")
struct ProgressTests {
    final class Recorder: Sendable {
        let lines = Mutex<[String]>([])
        let clock = Mutex(ContinuousClock.now)
        var all: [String] { lines.withLock { $0 } }
        func advance(_ duration: Duration) { clock.withLock { $0 += duration } }
    }

    func progress(_ recorder: Recorder, total: Int?, enabled: Bool = true) -> ProgressLines {
        ProgressLines(
            total: total,
            enabled: enabled,
            now: { recorder.clock.withLock { $0 } },
            write: { line in recorder.lines.withLock { $0.append(line) } }
        )
    }

    @Test func eachStepIsNumberedOfTheTotalWithTheTimeSinceTheStart() {
        let recorder = Recorder()
        let progress = progress(recorder, total: 3)
        progress.step("create workspace 'Ops'")
        recorder.advance(.milliseconds(1_300))
        progress.step("invite users")
        progress.detail("2 of 5 invited")
        recorder.advance(.seconds(130))
        progress.step("import workflow 'deploy'")
        recorder.advance(.seconds(600))
        progress.detail("done")
        #expect(
            recorder.all == [
                "[1/3 0.0 s] create workspace 'Ops'\n", "[2/3 1.3 s] invite users\n", "[1.3 s]   2 of 5 invited\n",
                "[3/3 131 s] import workflow 'deploy'\n", "[12 min 11 s]   done\n",
            ]
        )
    }

    @Test func withoutATotalOnlyTheNumber() {
        let recorder = Recorder()
        progress(recorder, total: nil).step("latency")
        #expect(recorder.all == ["[1 0.0 s] latency\n"])
    }

    @Test func nobodyWatchingNothingIsWritten() {
        let recorder = Recorder()
        let quiet = progress(recorder, total: 2, enabled: false)
        quiet.step("a")
        quiet.detail("b")
        #expect(recorder.all.isEmpty)
    }
}
