import Foundation
import Testing

/// The BLAS kernels a run used, as results.json records them: the user's
/// OPENBLAS_CORETYPE when set, and never OpenBLAS's SSE3 fallback on a CPU
/// with AVX2 (OpenBLAS 0.3.21 falls back to it on CPU models it does not know).
@Suite struct BLASCoreTests {
    /// The CPU's feature flags, read from /proc/cpuinfo (not through the code under test).
    static var cpuFlags: Set<Substring> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":", maxSplits: 1).last?.split(separator: " ") ?? [])
    }

    @Test func resultsRecordTheKernelsThisCPURuns() throws {
        let folder = try CLI.scratch("blas-core")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["analyze", AnalyzeCommandTests.example, "--out", folder.path, "--null-seeds", "0", "--quiet",
                               "--no-diagnostics", "--feature-examples", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json")))
        let blas = try #require((object as? [String: Any])?["blas"] as? String)
        #expect(blas.hasPrefix("OpenBLAS "), "\(blas)")
        let core = blas.dropFirst("OpenBLAS ".count).lowercased()
        if let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !chosen.isEmpty {
            #expect(core == chosen.lowercased(), "the user's OPENBLAS_CORETYPE=\(chosen) must stand; ran \(blas)")
        } else if Self.cpuFlags.isSuperset(of: ["avx2", "fma"]) {
            #expect(core != "prescott", "an AVX2 CPU ran OpenBLAS's SSE3 kernels")
        }
    }
}
