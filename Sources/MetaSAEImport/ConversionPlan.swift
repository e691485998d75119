import Foundation
import HDF5
import MetaSAEStore

/// A mapping checked against the input file: every source exists, every
/// required target is present, shapes agree along the chain. It then reads
/// sources with the dtype rules: floats of any width and byte order become
/// Float32, bfloat16 bits only when marked, integers never silently.
struct ConversionPlan {
    let mapping: ConversionMapping
    let root: Group
    let flagBF16: Bool
    let rows: Int
    let widths: [Int]
    let saeDepths: [Int]
    let classifierLayers: [Int]

    init(mapping: ConversionMapping, root: Group, flagBF16: Bool) throws {
        self.mapping = mapping
        self.root = root
        self.flagBF16 = flagBF16
        var seen = Set<String>()
        for entry in mapping.entries {
            guard CanonicalTarget(parsing: entry.target) != nil else {
                throw ConversionError.mapping("unknown target '\(entry.target)' (targets: labels, depths/D/activations, depths/D/sae/{W_enc,b_enc,W_dec,b_dec}, classifier/layers/I/{weight,bias})")
            }
            guard seen.insert(entry.target).inserted else { throw ConversionError.mapping("target '\(entry.target)' is mapped twice") }
            guard root.contains(entry.source), (try? root.dataset(entry.source)) != nil else {
                throw ConversionError.mapping("source '\(entry.source)' (for \(entry.target)) is not a dataset in the input")
            }
        }
        guard mapping.entry(for: "labels") != nil else { throw ConversionError.layout("the mapping has no labels entry") }
        let depths = mapping.saeDepths
        guard let deepest = depths.last, depths == Array(1...deepest) else {
            throw ConversionError.layout("SAE depths must be 1…D without gaps, the mapping has \(depths)")
        }
        saeDepths = depths
        guard let base = mapping.entry(for: "depths/0/activations") else {
            throw ConversionError.layout("the mapping has no depth-0 activations (target depths/0/activations)")
        }
        let baseDims = try root.dataset(base.source).shape.dims
        guard baseDims.count == 2 else { throw ConversionError.layout("\(base.source) must be 2-D [N, F], it is \(baseDims)") }
        rows = baseDims[0]
        var widths = [baseDims[1]]
        for depth in depths {
            for tensor in CanonicalPaths.SAETensor.allCases.map(\.rawValue) where mapping.entry(for: "depths/\(depth)/sae/\(tensor)") == nil {
                throw ConversionError.layout("SAE \(depth) has no \(tensor) (\(LayoutDetector.describe(tensor)))")
            }
            func dims(_ tensor: String) throws -> [Int] {
                let entry = mapping.entry(for: "depths/\(depth)/sae/\(tensor)")!
                let raw = try root.dataset(entry.source).shape.dims
                return entry.transposed ? raw.reversed() : raw
            }
            let encoder = try dims("W_enc")
            guard encoder.count == 2, encoder[0] == widths[depth - 1] else {
                throw ConversionError.layout("SAE \(depth)'s W_enc is \(encoder) (after any transpose) but must be [\(widths[depth - 1]), F\(depth)]: depth \(depth - 1) is \(widths[depth - 1]) wide")
            }
            let latent = encoder[1]
            let expected: [String: [Int]] = ["b_enc": [latent], "W_dec": [latent, widths[depth - 1]], "b_dec": [widths[depth - 1]]]
            for (tensor, shape) in expected where try dims(tensor) != shape {
                throw ConversionError.layout("SAE \(depth)'s \(tensor) is \(try dims(tensor)) (after any transpose), expected \(shape)")
            }
            widths.append(latent)
        }
        self.widths = widths
        for depth in 0...deepest {
            guard let entry = mapping.entry(for: "depths/\(depth)/activations") else { continue }
            let dims = try root.dataset(entry.source).shape.dims
            guard dims == [rows, widths[depth]] else {
                throw ConversionError.layout("\(entry.source) is \(dims) but depth \(depth) must be [\(rows), \(widths[depth])]")
            }
        }
        classifierLayers = Set(mapping.entries.compactMap { entry -> Int? in
            if case .classifier(let layer, _)? = CanonicalTarget(parsing: entry.target) { return layer }
            return nil
        }).sorted()
    }

    func hasActivations(_ depth: Int) -> Bool { mapping.entry(for: "depths/\(depth)/activations") != nil }

    func isBF16(_ source: String) -> Bool { (mapping.bf16 ?? []).contains(source) }

    /// Labels as Int64, checked to be integers in 0–9, one per row.
    func labels(expectedRows: Int) throws -> [Int64] {
        let source = mapping.entry(for: "labels")!.source
        let dataset = try root.dataset(source)
        let type = try dataset.datatype
        guard type.typeClass == .integer else {
            throw ConversionError.labels(path: source, "labels must be integers, they are \(type.displayName)")
        }
        let shape = try dataset.shape
        guard shape.rank == 1 else { throw ConversionError.labels(path: source, "labels must be 1-D, shape is \(shape)") }
        guard shape.dims[0] == expectedRows else {
            throw ConversionError.labels(path: source, "\(shape.dims[0]) labels for \(expectedRows) rows of activations")
        }
        var labels: [Int64] = []
        labels.reserveCapacity(expectedRows)
        try dataset.forEachRowBlock(as: Int64.self) { rows, values in
            if let bad = values.firstIndex(where: { !Conventions.labels.contains($0) }) {
                throw ConversionError.labels(path: source, "label \(values[bad]) at row \(rows.lowerBound + bad) is outside 0–9")
            }
            labels.append(contentsOf: values)
        }
        return labels
    }

    /// A whole source as Float32 in canonical orientation, with its
    /// canonical dims and a non-finite summary.
    func matrix(_ target: String) throws -> ([Float], [Int], String?) {
        let entry = mapping.entry(for: target)!
        let dataset = try root.dataset(entry.source)
        let dims = try dataset.shape.dims
        var values = try read(dataset, rows: 0..<(dims.first ?? 1))
        var canonical = dims
        if entry.transposed {
            guard dims.count == 2 else { throw ConversionError.mapping("\(entry.source) is not 2-D and cannot be transposed") }
            values = Self.transpose(values, rows: dims[0], columns: dims[1])
            canonical = [dims[1], dims[0]]
        }
        return (values, canonical, Self.nonFiniteSummary(values, source: entry.source))
    }

    func tensor(_ target: String) throws -> ([Float], String?) {
        let (values, _, bad) = try matrix(target)
        return (values, bad)
    }

    /// Streams a depth's activations in row blocks; returns a non-finite summary.
    @discardableResult
    func streamActivations(depth: Int, _ body: ([Float]) throws -> Void) throws -> String? {
        let entry = mapping.entry(for: "depths/\(depth)/activations")!
        let dataset = try root.dataset(entry.source)
        var nan = 0
        var infinite = 0
        for block in try dataset.rowBlocks(targetBytes: Self.blockBytes) {
            let values = try read(dataset, rows: block)
            for value in values where !value.isFinite { if value.isNaN { nan += 1 } else { infinite += 1 } }
            try body(values)
        }
        return nan + infinite > 0 ? "\(entry.source): \(nan) NaN, \(infinite) Inf" : nil
    }

    /// Reads rows as Float32 under the dtype rules.
    func read(_ dataset: Dataset, rows: Range<Int>) throws -> [Float] {
        let type = try dataset.datatype
        // Marked in the mapping, or any 2-byte integer/opaque source under --bf16.
        let marked = isBF16(dataset.path) || (flagBF16 && type.couldHoldBFloat16)
        switch type.typeClass {
        case .float where !marked:
            return try dataset.readRows(rows, as: Float.self)
        case .integer where marked && type.size == 2:
            return try dataset.readRows(rows, as: UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        case .opaque where marked && type.size == 2:
            let (bytes, _) = try dataset.readRawBytes(rows: rows)
            return stride(from: 0, to: bytes.count, by: 2).map { index in
                Float(bitPattern: (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8) << 16)
            }
        case .integer where type.size == 2, .opaque where type.size == 2:
            throw ConversionError.dtype(path: dataset.path, "\(type.displayName) where floats are expected; if it holds bfloat16 bits, pass --bf16 or give it the attribute dtype = \"bfloat16\" (it is never read as integers)")
        case .integer:
            throw ConversionError.dtype(path: dataset.path, "\(type.displayName) where floats are expected")
        default:
            throw ConversionError.dtype(path: dataset.path, "\(type.displayName) cannot be converted to floats")
        }
    }

    /// Rows per streamed block: 8 MiB, or 64 KiB under the debug delay so
    /// small test inputs still take several blocks.
    static var blockBytes: Int { ProcessInfo.processInfo.environment["METASAE_DEBUG_BLOCK_DELAY_MS"] == nil ? 8 << 20 : 64 << 10 }

    static func transpose(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        for row in 0..<rows {
            for column in 0..<columns { result[column * rows + row] = values[row * columns + column] }
        }
        return result
    }

    static func nonFiniteSummary(_ values: [Float], source: String) -> String? {
        let nan = values.filter(\.isNaN).count
        let infinite = values.filter(\.isInfinite).count
        return nan + infinite > 0 ? "\(source): \(nan) NaN, \(infinite) Inf" : nil
    }
}
