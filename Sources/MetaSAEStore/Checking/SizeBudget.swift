import Foundation
import HDF5

/// Limits derived from the file's real size and the machine's memory, so
/// that sizes a file declares can never size an allocation or a loop.
public enum SizeBudget {
    /// Deflate cannot shrink data by more than about 1032:1.
    public static let largestCompressionRatio = 1_100
    /// Small datasets are exempt (fill values of never-written biases).
    public static let unstoredAllowance = 1 << 20

    /// Half of physical memory: what the analysis may hold at once.
    public static var memory: Int {
        Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
    }

    /// The most bytes a dataset's data can honestly be, given what it
    /// stores: data beyond this was never written, or the file is damaged.
    public static func largestLogicalBytes(of tensor: TensorRef) -> Int {
        let compressed = tensor.layout.filters.contains { $0.id != 2 && $0.id != 3 }  // not shuffle or fletcher32
        let (bytes, overflow) = tensor.storedBytes.multipliedReportingOverflow(by: compressed ? largestCompressionRatio : 1)
        return overflow ? Int.max : bytes + unstoredAllowance
    }

    /// Bytes the analysis holds for one depth of width F: F×F Float64
    /// co-moments plus their Float32 Gram (Double, so nothing overflows).
    public static func stateBytes(width: Int) -> Double {
        12 * Double(width) * Double(width)
    }

    /// Bytes of one SAE's weights in Float32, and of its depth's composite
    /// decoder M_d [F_d, F_0] in Float64 and Float32.
    public static func weightBytes(input: Int, latent: Int, base: Int) -> Double {
        4 * (2 * Double(input) * Double(latent) + Double(input) + Double(latent)) + 12 * Double(latent) * Double(base)
    }

    static func gigabytes(_ bytes: Double) -> String {
        String(format: "%.1f GB", bytes / 1e9)
    }
}

extension CheckRun {
    /// No data outside the file, no filter the library lacks, and no more
    /// data declared than the file stores.
    mutating func checkStorage(_ tensor: TensorRef) {
        if tensor.layout.externalFileCount > 0 {
            report("unsupported", tensor.path, "its data lives in external raw files, which are not read; copy the data into the file")
        }
        if tensor.layout.kind == .virtual {
            report("unsupported", tensor.path, "is a virtual dataset (its data lives in other datasets or files), which is not read; copy the data into the file")
        }
        if let missing = tensor.layout.filters.first(where: { !$0.isAvailable }) {
            report("unsupported", tensor.path, "needs the \(missing.name) filter, which this libhdf5 does not have; rewrite it with gzip")
        }
        guard let logical = tensor.logicalBytes else {
            report("budget", tensor.path, "declares shape \(tensor.storedDims), whose size overflows")
            return
        }
        if logical > SizeBudget.largestLogicalBytes(of: tensor) {
            report("budget", tensor.path, "declares \(logical) bytes of data (shape \(tensor.storedDims)) but stores only \(tensor.storedBytes); the rest was never written or the file is damaged")
        }
    }

    /// The weights and the largest depth's F×F state must fit the budget.
    mutating func checkMemory(widths: [Int?]) {
        let known = widths.compactMap { $0 }
        guard known.count == widths.count, let base = known.first else { return }
        var weights = 0.0
        for depth in 1..<max(known.count, 1) {
            weights += SizeBudget.weightBytes(input: known[depth - 1], latent: known[depth], base: base)
        }
        let state = known.map(SizeBudget.stateBytes).max() ?? 0
        let budget = Double(memoryBudget)
        if weights + state > budget {
            let widest = known.enumerated().max { $0.element < $1.element }!
            report("memory", CanonicalPaths.depths,
                   "analysing it needs about \(SizeBudget.gigabytes(weights + state)) of memory (weights, and depth \(widest.offset)'s \(widest.element)×\(widest.element) state), more than this machine's \(SizeBudget.gigabytes(budget))")
        }
        for (depth, width) in known.enumerated() {
            if let exampleCount = layout.labels?.storedDims.first {
                let (cells, overflow) = exampleCount.multipliedReportingOverflow(by: max(width, 1))
                if overflow || cells > Int.max / 8 {
                    report("budget", CanonicalPaths.depth(depth), "\(exampleCount) rows of width \(width) overflow any index")
                }
            }
        }
    }

    // MARK: Classifier and images

    /// Layers 0…L−1, weight [out, in] and bias [out] each, chained; the
    /// declared hidden layer's output is depth 0.
    mutating func checkClassifier(_ classifier: ClassifierObjects, baseWidth: Int?) -> CheckedClassifier? {
        let numbers = classifier.layers.keys.sorted()
        guard !numbers.isEmpty else { return nil }
        guard Numbering.isDense(numbers, from: 0) else {
            report("naming", classifier.path + "/" + CanonicalPaths.layers, "layers must be numbered 0…L−1 without gaps, found \(Self.list(numbers))")
            return nil
        }
        var layers: [CheckedClassifier.Layer] = []
        for number in numbers {
            guard let weight = classifier.layers[number]?.weight, let bias = classifier.layers[number]?.bias else { continue }
            checkFloat(weight)
            checkFloat(bias)
            let inputs = layers.last?.outputs
            guard expect(weight, [("out", nil, "chain"), ("in", inputs, "chain")], names: "[out, in]") else { continue }
            let outputs = weight.storedDims[0]
            guard expect(bias, [("out", outputs, "chain")], names: "[out]") else { continue }
            layers.append(CheckedClassifier.Layer(weight: weight, bias: bias, inputs: weight.storedDims[1], outputs: outputs))
        }
        guard layers.count == numbers.count else { return nil }
        var hidden: Int?
        if let declared = classifier.hiddenLayer {
            if declared >= 1, declared < Int64(layers.count), let baseWidth, layers[Int(declared) - 1].outputs == baseWidth {
                hidden = Int(declared)
            } else {
                report("chain", classifier.path, "hidden_layer = \(declared) does not name a hidden layer whose output is depth 0's \(baseWidth.map(String.init) ?? "?") features")
            }
        }
        return CheckedClassifier(layers: layers, hiddenLayer: hidden)
    }

    /// Images: [N, pixels] uint8.
    mutating func checkImages(exampleCount: Int?) -> TensorRef? {
        guard let images = layout.images else { return nil }
        if layout.dtypes == .canonical, !(images.type.typeClass == .integer && images.type.size == 1 && !images.type.isSigned) {
            report("dtype", images.path, "should be uint8, it is \(images.type.displayName)")
        }
        return expect(images, [("N", exampleCount, "shape"), ("*", nil, "shape")], names: "[N, pixels]") ? images : nil
    }
}
