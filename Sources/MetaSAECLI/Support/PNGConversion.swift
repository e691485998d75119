import Foundation
import HDF5

/// A PNG copy of a figure, when `rsvg-convert` is on the PATH. Optional:
/// its absence is not an error.
enum PNGConversion {
    static func convert(svg: String) -> String? {
        guard let tool = locate("rsvg-convert") else { return nil }
        let png = (svg as NSString).deletingPathExtension + ".png"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format", "png", "--background-color", "white", "--output", png, svg]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try File.startingChildProcess { try process.run() }
            process.waitUntilExit()
        } catch {
            return nil
        }
        return process.terminationStatus == 0 ? png : nil
    }

    static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
