import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The child side of `IsolatedProbe`'s separate process, for when the
/// command cannot fork (see `Supervision`): walk the file under resource
/// limits, exit. Hidden from help; not meant to be typed.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "__probe", shouldDisplay: false)

    @Argument var file: String

    func run() throws {
        let seconds = rlim_t(IsolatedProbe.timeout.rounded(.up) + 5)
        var limit = rlimit(rlim_cur: seconds, rlim_max: seconds)
        setrlimit(ResourceLimits.cpu, &limit)
        try reportingFailures { try ProbeWalk.confined { try ProbeWalk.run(file) } }
    }
}
