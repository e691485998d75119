import HDF5

/// The checks that read data rather than metadata: labels in 0…9, no NaN
/// or ±Inf in floats, and every sparse entry in place. Tensors the checker
/// found damaged or unsupported are not read.
struct DataScan {
    let outcome: CheckOutcome
    var violations: [Violation] = []

    init(outcome: CheckOutcome) { self.outcome = outcome }

    mutating func report(_ check: String, _ path: String, _ message: String) {
        violations.append(Violation(check, path, message))
    }

    mutating func run() -> [Violation] {
        // Paths under which the checker found damage or something unsupported.
        func readable(_ tensor: TensorRef) -> Bool { outcome.isReadable(tensor.path) }
        if let labels = outcome.layout.labels, labels.type.typeClass == .integer, readable(labels) { scanLabels(labels) }
        for tensor in outcome.layout.allTensors where tensor.type.typeClass == .float && readable(tensor) {
            scanFinite(tensor)
        }
        for case let sparse? in (outcome.experiment?.trained.activations ?? []).map({ $0?.sparse }) { scanCSR(sparse) }
        return violations
    }

    mutating func scanLabels(_ labels: TensorRef) {
        var outside = 0
        var example: Int64?
        do {
            try labels.dataset.forEachRowBlock(as: Int64.self) { _, values in
                for value in values where !Conventions.labels.contains(value) {
                    outside += 1
                    if example == nil { example = value }
                }
            }
        } catch {
            report(Self.failureCheck(error), labels.path, "labels cannot be read: \(error)")
            return
        }
        if outside > 0 {
            report("labels_in_range", labels.path, "\(outside) label(s) outside 0–9 (for example \(example!))")
        }
    }

    mutating func scanFinite(_ tensor: TensorRef) {
        var nan = 0
        var infinite = 0
        func count<T: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<T>) {
            for value in values where !value.isFinite { if value.isNaN { nan += 1 } else { infinite += 1 } }
        }
        do {
            if tensor.type.size == 8 {
                try tensor.dataset.forEachRowBlock(as: Double.self) { _, values in count(values) }
            } else {
                try tensor.dataset.forEachRowBlock(as: Float.self) { _, values in count(values) }
            }
        } catch {
            report(Self.failureCheck(error), tensor.path, "data cannot be read: \(error)")
            return
        }
        if nan + infinite > 0 {
            report("finite", tensor.path, "\(nan) NaN and \(infinite) infinite value(s)")
        }
    }

    /// Streams the compressed-row form through the reader `analyze` uses,
    /// so the validator and the analysis refuse exactly the same things.
    mutating func scanCSR(_ sparse: SparseActivations) {
        do {
            try sparse.forEachSparseBlock(rows: 0..<sparse.rowCount, targetBytes: 8 << 20) { _, _ in }
        } catch let error as StoreError {
            report("csr_structure", sparse.group.path, "\(error)")
        } catch {
            report(Self.failureCheck(error), sparse.group.path, "cannot be read: \(error)")
        }
    }

    /// "unsupported" when the library lacks something (a filter), else "unreadable".
    static func failureCheck(_ error: any Error) -> String {
        (error as? HDF5Error)?.kind == .unsupported ? "unsupported" : "unreadable"
    }
}
