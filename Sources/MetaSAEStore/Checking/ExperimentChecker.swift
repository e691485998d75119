import Foundation
import HDF5

/// The one checker: proves what the rest of the code relies on about an
/// experiment's structure and turns the located objects into a
/// `CheckedExperiment`, or reports every rule the file breaks. Data values
/// (labels in range, finiteness, sparse entries) are checked while data is
/// streamed, by `DataScan` and the readers.
public struct ExperimentChecker: Sendable {
    /// Bytes the analysis may hold at once (weights, F×F state).
    public var memoryBudget: Int

    public init(memoryBudget: Int = SizeBudget.memory) {
        self.memoryBudget = memoryBudget
    }

    public func check(_ layout: ExperimentLayout, located: [Violation] = []) -> CheckOutcome {
        var run = CheckRun(layout: layout, memoryBudget: memoryBudget)
        run.violations = located
        let experiment = run.check()
        return CheckOutcome(layout: layout, violations: run.violations, experiment: run.violations.contains { $0.severity == .error } ? nil : experiment)
    }

    /// Locates and checks a canonical file.
    public func check(_ file: CanonicalFile) -> CheckOutcome {
        var locator = CanonicalLocator(file: file)
        let layout = locator.locate()
        return check(layout, located: locator.violations)
    }
}

/// What the checker found: the checked experiment when the file breaks no
/// rule, and every violation (errors and warnings).
public struct CheckOutcome: @unchecked Sendable {
    public let layout: ExperimentLayout
    public let violations: [Violation]
    public let experiment: CheckedExperiment?

    public var errors: [Violation] { violations.filter { $0.severity == .error } }

    /// Whether an object may be read: nothing damaged or unsupported was
    /// found at it or at a group that holds it.
    public func isReadable(_ path: String) -> Bool {
        !errors.contains { ($0.problem == .damaged || $0.problem == .unsupported) && Self.path(path, isWithin: $0.path) }
    }

    /// `path` is `root` or lies under it (`/labels_x` is not under `/labels`).
    public static func path(_ path: String, isWithin root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    /// The experiment, or the failure that names the file's first problem.
    public func checked() throws -> CheckedExperiment {
        if let experiment { return experiment }
        throw CheckFailure(file: layout.path, violations: errors)
    }
}

/// A file refused by the checker.
public struct CheckFailure: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let violations: [Violation]

    /// The violation that decides the exit status: damage first, then
    /// what is not supported, then everything else.
    public var leading: Violation { Violation.mostSevere(violations) ?? Violation("missing", "/", "no experiment found") }

    public var description: String {
        let first = leading
        var text = "\(file): \(first.path): \(first.message)"
        if violations.count > 1 {
            text += " (and \(violations.count - 1) more problem(s); `metasae validate` lists them all)"
        }
        return text
    }
}

/// The state of one check.
struct CheckRun {
    let layout: ExperimentLayout
    let memoryBudget: Int
    var violations: [Violation] = []

    init(layout: ExperimentLayout, memoryBudget: Int) {
        self.layout = layout
        self.memoryBudget = memoryBudget
    }

    mutating func report(_ check: String, _ path: String, _ message: String) {
        violations.append(Violation(check, path.hasPrefix("/") ? path : "/" + path, message))
    }

    mutating func warn(_ check: String, _ path: String, _ message: String) {
        violations.append(Violation(check, path.hasPrefix("/") ? path : "/" + path, message, severity: .warning))
    }

    mutating func check() -> CheckedExperiment? {
        for tensor in layout.allTensors { checkStorage(tensor) }
        let depths = layout.depths.keys.sorted()
        let numbered = checkNumbering(depths)
        let exampleCount = checkLabels()
        guard numbered, let deepest = depths.last else { return nil }
        let widths = chainWidths(depth: deepest)
        let trained = checkTrainedCascade(layout.depths, widths: widths, exampleCount: exampleCount)
        // A missing seed attribute is the locator's to report.
        func check(_ cascades: [Int: CascadeObjects], role: (Int, UInt64) -> CheckedCascade.Role) -> [CheckedCascade] {
            cascades.keys.sorted().compactMap { index in
                let seed = UInt64(bitPattern: cascades[index]!.seed ?? Int64(index))
                return checkNullCascade(cascades[index]!, role: role(index, seed), widths: widths, exampleCount: exampleCount)
            }
        }
        let nulls = check(layout.nullModels) { .null(index: $0, seed: $1) }
        let matched = check(layout.matchedNulls) { .matchedNull(index: $0, seed: $1) }
        let flat = layout.flatControls.keys.sorted().compactMap { depth in
            checkFlatControl(layout.flatControls[depth]!, depth: depth, widths: widths, exampleCount: exampleCount)
        }
        let classifier = layout.classifier.flatMap { checkClassifier($0, baseWidth: widths.first ?? nil) }
        let images = checkImages(exampleCount: exampleCount)
        checkMemory(widths: widths)
        let knownWidths = widths.compactMap { $0 }
        guard let exampleCount, let labels = layout.labels, let trained, knownWidths.count == widths.count,
              !violations.contains(where: { $0.severity == .error }) else { return nil }
        return CheckedExperiment(
            path: layout.path, fileBytes: layout.fileBytes, exampleCount: exampleCount, widths: knownWidths,
            labels: LabelReader(checked: labels, count: exampleCount), trained: trained, nullModels: nulls,
            flatControls: flat, matchedNulls: matched,
            classifier: classifier, images: images, provenance: layout.provenance)
    }

    // MARK: Numbering, N, widths

    /// Depths must be 0…D with D ≥ 1 (the names themselves are the locator's).
    mutating func checkNumbering(_ depths: [Int]) -> Bool {
        guard let deepest = depths.last else {
            if !violations.contains(where: { $0.path == "/" + CanonicalPaths.depths }) {
                report("missing", CanonicalPaths.depths, "no depth groups: expected depths/0 (base activations) and depths/1 … depths/D")
            }
            return false
        }
        guard Numbering.isDense(depths, from: 0) else {
            report("contiguous_depths", CanonicalPaths.depths, "depths must be 0…D without gaps, found \(Self.list(depths))")
            return false
        }
        guard deepest >= 1 else {
            report("contiguous_depths", CanonicalPaths.depths, "only depth 0 is present; at least one SAE depth is needed")
            return false
        }
        return true
    }

    /// N, from the labels: a 1-D integer dataset with at least one row.
    mutating func checkLabels() -> Int? {
        guard let labels = layout.labels else { return nil }
        guard labels.type.typeClass == .integer else {
            report("dtype", labels.path, "should be integer, it is \(labels.type.displayName)")
            return nil
        }
        guard labels.rank == 1 else {
            report("rank", labels.path, "should have 1 dimension(s) [N], it has shape \(labels.storedDims)")
            return nil
        }
        guard labels.storedDims[0] > 0 else {
            report("shape", labels.path, "the file has no examples (N = 0)")
            return nil
        }
        return labels.storedDims[0]
    }

    /// F_0 … F_D: each depth's activation width, or, where an export left
    /// the activations out, its SAE's latent width. nil where unknown.
    mutating func chainWidths(depth deepest: Int) -> [Int?] {
        (0...deepest).map { depth in
            let objects = layout.depths[depth]!
            if let width = objects.declaredWidth { return width }
            guard depth >= 1, let bias = objects.sae?.tensors[.encoderBias], bias.rank == 1 else { return nil }
            return bias.storedDims[0]
        }
    }

    /// The width a depth's stored activations declare, dense or sparse.
    static func list(_ numbers: [Int]) -> String {
        numbers.count <= 12 ? "\(numbers)" : "[\(numbers.prefix(6).map(String.init).joined(separator: ", ")), …, \(numbers.last!)] (\(numbers.count) depths)"
    }
}

extension ExperimentLayout {
    /// Every dataset the layout names.
    var allTensors: [TensorRef] {
        var tensors = [labels, images].compactMap { $0 }
        func add(_ depth: DepthObjects) {
            tensors += [depth.activations, depth.sparse?.indptr, depth.sparse?.indices, depth.sparse?.values].compactMap { $0 }
            tensors += depth.sae.map { Array($0.tensors.values) + [$0.threshold].compactMap { $0 } } ?? []
        }
        depths.values.forEach(add)
        nullModels.values.forEach { $0.depths.values.forEach(add) }
        matchedNulls.values.forEach { $0.depths.values.forEach(add) }
        flatControls.values.forEach(add)
        classifier?.layers.values.forEach { tensors += [$0.weight, $0.bias].compactMap { $0 } }
        return tensors
    }
}
