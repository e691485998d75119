import HDF5
import MetaSAEStore

/// Finds an export's objects through a conversion mapping, as the same
/// `ExperimentLayout` a canonical file's locator gives, so the one checker
/// proves both. The mapping's own consistency (known targets, each mapped
/// once, sources that are datasets) is checked here.
struct ExportLocator {
    let mapping: ConversionMapping
    let file: File
    /// `--bf16`: every 2-byte integer or opaque source in a float role holds bfloat16 bits.
    var flagBF16 = false

    func locate() throws -> (ExperimentLayout, [Violation]) {
        let root = try file.root
        var layout = ExperimentLayout(path: file.path, fileBytes: (try? file.fileSize) ?? 0)
        layout.dtypes = .export
        // Deeper depths may come without activations: convert recomputes
        // them when asked, and says how otherwise.
        layout.activationsOptional = true
        layout.provenance.writtenBy = try? root.attribute("exported_by").stringValue
        var violations: [Violation] = []
        var seen = Set<String>()
        for entry in mapping.entries {
            guard let target = CanonicalTarget(parsing: entry.target) else {
                throw ConversionError.mapping("unknown target '\(Display.cut(entry.target))' (targets: \(CanonicalTarget.forms))")
            }
            guard seen.insert(entry.target).inserted else {
                throw ConversionError.mapping("target '\(entry.target)' is mapped twice")
            }
            guard root.contains(entry.source), let dataset = try? root.dataset(entry.source) else {
                throw ConversionError.mapping("source '\(Display.cut(entry.source))' (for \(entry.target)) is not a dataset in the input")
            }
            var tensor: TensorRef
            do {
                tensor = try TensorRef(dataset)
            } catch {
                violations.append(Violation("unreadable", dataset.path, "datatype, dataspace or storage cannot be read"))
                continue
            }
            if entry.transposed {
                guard tensor.rank == 2 else {
                    throw ConversionError.mapping("\(Display.cut(entry.source)) is not 2-D and cannot be transposed")
                }
                tensor.transposed = true
            }
            if case .activations = target, entry.transposed {
                throw ConversionError.mapping("\(entry.target) cannot be transposed: activations are stored [N, F], one row per example")
            }
            if target != .labels, isBF16(tensor) { tensor.encoding = .bfloat16 }
            place(tensor, at: target, in: &layout)
        }
        guard layout.labels != nil else { throw ConversionError.layout("the mapping has no labels entry") }
        // Depth 0 always exists, so its missing activations are named as such.
        if layout.depths[0] == nil { layout.depths[0] = DepthObjects(path: CanonicalPaths.depth(0)) }
        for (depth, objects) in layout.depths {
            if depth >= 1 && objects.sae == nil {
                violations.append(Violation("missing", CanonicalPaths.sae(depth), "depth \(depth)'s activations are mapped but its SAE is not"))
            }
            guard var sae = objects.sae else { continue }
            for tensor in CanonicalPaths.SAETensor.allCases where sae.tensors[tensor] == nil {
                violations.append(Violation("missing", CanonicalPaths.saeTensor(tensor, of: depth),
                                            "SAE \(depth) has no \(tensor.rawValue) (\(LayoutDetector.describe(tensor)))"))
            }
            let declared = mapping.sae?[String(depth)]
            sae.activationFunction = declared?.activation_fn
            sae.k = declared?.k.map(Int64.init)
            sae.subtractsDecoderBias = (declared?.apply_b_dec_to_input ?? 0) != 0
            layout.depths[depth]?.sae = sae
        }
        return (layout, violations)
    }

    func isBF16(_ tensor: TensorRef) -> Bool {
        (mapping.bf16 ?? []).contains(tensor.path) || (flagBF16 && tensor.type.couldHoldBFloat16)
    }

    func place(_ tensor: TensorRef, at target: CanonicalTarget, in layout: inout ExperimentLayout) {
        func depth(_ number: Int) -> DepthObjects { layout.depths[number] ?? DepthObjects(path: CanonicalPaths.depth(number)) }
        switch target {
        case .labels:
            layout.labels = tensor
        case .activations(let number):
            var objects = depth(number)
            objects.activations = tensor
            layout.depths[number] = objects
        case .sae(let number, let name):
            var objects = depth(number)
            var sae = objects.sae ?? SAEObjects(path: CanonicalPaths.sae(number))
            sae.tensors[name] = tensor
            objects.sae = sae
            layout.depths[number] = objects
        case .threshold(let number):
            var objects = depth(number)
            var sae = objects.sae ?? SAEObjects(path: CanonicalPaths.sae(number))
            sae.threshold = tensor
            objects.sae = sae
            layout.depths[number] = objects
        case .classifier(let number, let name):
            var classifier = layout.classifier ?? ClassifierObjects(path: CanonicalPaths.classifier)
            var layer = classifier.layers[number] ?? ClassifierObjects.Layer()
            switch name {
            case .weight: layer.weight = tensor
            case .bias: layer.bias = tensor
            }
            classifier.layers[number] = layer
            layout.classifier = classifier
        }
    }
}
