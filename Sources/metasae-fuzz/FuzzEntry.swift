import ArrayFiles
import AtomicityMetrics
import Foundation
import HDF5
import MetaSAEImport
import MetaSAEStore

// The byte-level fuzz target: libFuzzer's inputs become a file that goes
// through everything a command does with a user's file after the probe:
// the object walk `describe` shows, the checker, validate's data scans,
// layout detection for convert, and, for files the checker accepts and that
// are small, loading the weights and the analysis. The same bytes also go
// through the safetensors and .npy readers and the SAELens cfg.json parser. Built by
// `scripts/fuzz-bytes.sh` with `-sanitize=fuzzer,address -DFUZZING`.

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzInput.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
#else
@main
struct MetaSAEFuzz {
    static func main() {
        print("metasae-fuzz is a libFuzzer target: build and run it with scripts/fuzz-bytes.sh SECONDS")
    }
}
#endif

enum FuzzInput {
    /// One scratch file per process, rewritten for every input.
    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("metasae-fuzz-\(getpid()).h5").path

    /// Inputs the analysis itself runs on (larger ones stop at the checker).
    static let largestAnalyzedRows = 4_096
    static let largestAnalyzedWidth = 512

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes)) else { return }
        arrays(Data(buffer: bytes))
        guard let file = try? CanonicalFile(path: path) else { return }
        _ = try? file.file.describeObjects()
        _ = SchemaValidator().validate(file)
        let outcome = file.check()
        if let experiment = outcome.experiment { analyze(experiment) }
        let converter = Converter(toolVersion: "fuzz")
        if let mapping = try? converter.detect(path) { _ = try? converter.check(path, mapping: mapping) }
    }

    /// Everything the array readers accept is read in full.
    static func arrays(_ data: Data) {
        if let tensors = try? SafeTensorsFile(path: path) {
            for name in tensors.order { _ = try? tensors.floats(name) }
        }
        if let array = try? NPYFile(path: path) {
            if array.dtype.isFloatingPoint { _ = array.floats(rows: 0..<array.rowCount) } else { _ = array.integers(rows: 0..<array.rowCount) }
        }
        _ = try? SAELensConfig.parse(data, path: path)
    }

    static func analyze(_ experiment: CheckedExperiment) {
        guard experiment.exampleCount <= largestAnalyzedRows, experiment.widths.allSatisfy({ $0 <= largestAnalyzedWidth }) else { return }
        var settings = AnalysisSettings()
        settings.nullSeeds = 1
        settings.nonFinite = .exclude
        _ = try? AtomicityAnalysis(settings: settings).run(experiment, toolVersion: "fuzz")
    }
}
