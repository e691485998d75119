import HDF5

/// The rules for cascades: every depth's activations [N, F_d], every SAE's
/// four tensors chained F_{d−1} → F_d, known activation functions, and null
/// cascades with the trained cascade's depths and widths.
extension CheckRun {
    /// The trained cascade: every depth's activations are required (unless
    /// the layout lets a converter recompute them) and every SAE.
    mutating func checkTrainedCascade(_ depths: [Int: DepthObjects], widths: [Int?], exampleCount: Int?) -> CheckedCascade? {
        var saes: [CheckedSAE?] = []
        var stores: [ActivationStore?] = []
        for depth in 0..<widths.count {
            guard let objects = depths[depth] else { continue }
            let store = checkActivations(objects, width: widths[depth], exampleCount: exampleCount,
                                         required: depth == 0 || !layout.activationsOptional)
            stores.append(store)
            if depth >= 1 {
                saes.append(objects.sae.flatMap { checkSAE($0, depth: depth, input: widths[depth - 1], latent: widths[depth]) })
            }
        }
        let checked = saes.compactMap { $0 }
        guard checked.count == widths.count - 1 else { return nil }
        return CheckedCascade(role: .trained, saes: checked, activations: stores)
    }

    mutating func checkNullCascade(
        _ cascade: CascadeObjects, role: CheckedCascade.Role, widths: [Int?], exampleCount: Int?
    ) -> CheckedCascade? {
        let numbers = cascade.depths.keys.sorted()
        let deepest = widths.count - 1
        guard deepest >= 1, numbers.count == deepest, Numbering.isDense(numbers, from: 1) else {
            report("chain", cascade.path, "a null cascade has the trained cascade's depths 1…\(deepest), this one has \(Self.list(numbers))")
            return nil
        }
        var saes: [CheckedSAE] = []
        var stores: [ActivationStore?] = [nil]
        for depth in numbers {
            let objects = cascade.depths[depth]!
            stores.append(checkActivations(objects, width: widths[depth], exampleCount: exampleCount, required: false))
            guard let sae = objects.sae,
                  let checked = checkSAE(sae, depth: depth, input: widths[depth - 1], latent: widths[depth]) else { continue }
            saes.append(checked)
        }
        guard saes.count == deepest else { return nil }
        return CheckedCascade(role: role, saes: saes, activations: stores)
    }

    /// A flat control of depth d: an SAE F_0 → F_d and its codes [N, F_d].
    mutating func checkFlatControl(_ objects: DepthObjects, depth: Int, widths: [Int?], exampleCount: Int?) -> CheckedFlatControl? {
        guard depth >= 1, depth < widths.count else {
            report("naming", objects.path, "a flat control matches a depth of the cascade, 1…\(widths.count - 1), not \(depth)")
            return nil
        }
        let store = checkActivations(objects, width: widths[depth], exampleCount: exampleCount, required: true)
        guard let sae = objects.sae, let checked = checkSAE(sae, depth: depth, input: widths[0], latent: widths[depth]),
              let store else { return nil }
        return CheckedFlatControl(depth: depth, sae: checked, activations: store)
    }

    // MARK: Activations

    /// Dense [N, F] and/or sparse with shape [N, F]; the sparse form is
    /// preferred when both are stored.
    mutating func checkActivations(_ objects: DepthObjects, width: Int?, exampleCount: Int?, required: Bool) -> ActivationStore? {
        var dense: DenseActivations?
        if let tensor = objects.activations {
            checkFloat(tensor)
            if expect(tensor, [("N", exampleCount, "shape"), ("F", width, "chain")], names: "[N, F]") {
                dense = DenseActivations(checked: tensor, rows: tensor.storedDims[0], width: tensor.storedDims[1])
                warnIfChunksSplitRows(tensor)
            }
        }
        let sparse = objects.sparse.flatMap { checkSparse($0, width: width, exampleCount: exampleCount) }
        if let store = ActivationStore(dense: dense, sparse: sparse) { return store }
        if required && objects.activations == nil && objects.sparse == nil {
            report("missing", objects.path + "/activations", "required dataset is missing (dense activations, or the sparse form under \(objects.path)/sparse)")
        }
        return nil
    }

    mutating func warnIfChunksSplitRows(_ tensor: TensorRef) {
        if let chunks = tensor.layout.chunkDims, Array(chunks.dropFirst()) != Array(tensor.storedDims.dropFirst()) {
            warn("chunking", tensor.path, "chunks \(chunks) split rows; whole-row chunks stream faster")
        }
    }

    /// The compressed-row form's metadata: the shape attribute [N, F],
    /// indptr [N+1], indices and values [nnz], nnz ≤ N·F, and indptr's ends 0 and nnz.
    mutating func checkSparse(_ sparse: SparseObjects, width: Int?, exampleCount: Int?) -> SparseActivations? {
        guard let shape = sparse.shape, shape.count == 2, let rows = Int(exactly: shape[0]), let columns = Int(exactly: shape[1]),
              rows >= 0, columns >= 0 else {
            report("csr_structure", sparse.path, "needs a 'shape' attribute of two non-negative integers [N, F]")
            return nil
        }
        var good = true
        if let exampleCount, rows != exampleCount {
            report("shape", sparse.path, "shape attribute says \(rows) rows, expected N = \(exampleCount)")
            good = false
        }
        if let width, columns != width {
            report("chain", sparse.path, "shape attribute says \(columns) columns, expected F = \(width)")
            good = false
        }
        guard let indptr = sparse.indptr, let indices = sparse.indices, let values = sparse.values else { return nil }
        checkInteger(indptr, size: 8)
        checkInteger(indices, size: 4)
        checkFloat(values)
        let (pointerCount, overflow) = rows.addingReportingOverflow(1)
        good = !overflow && expect(indptr, [("N+1", pointerCount, "csr_structure")], names: "[N+1]") && good
        good = expect(indices, [("nnz", nil, "csr_structure")], names: "[nnz]") && good
        good = expect(values, [("nnz", indices.rank == 1 ? indices.storedDims[0] : nil, "csr_structure")], names: "[nnz]") && good
        guard good, !violations.contains(where: { $0.severity == .error && $0.path.hasPrefix("/" + sparse.path) }) else { return nil }
        let nonZeros = indices.storedDims[0]
        let (cells, wide) = rows.multipliedReportingOverflow(by: columns)
        if !wide && nonZeros > cells {
            report("csr_structure", sparse.path, "stores \(nonZeros) values, more than the \(rows) × \(columns) matrix has cells")
            return nil
        }
        // indptr's ends tie the rows to the stored values: two reads.
        guard let ends = try? indptr.dataset.readRows(0..<1, as: Int64.self) + indptr.dataset.readRows(rows..<(rows + 1), as: Int64.self) else {
            report("unreadable", indptr.path, "cannot be read")
            return nil
        }
        guard ends[0] == 0, ends[1] == Int64(nonZeros) else {
            report("csr_structure", indptr.path, "runs from \(ends[0]) to \(ends[1]); it must run from 0 to nnz = \(nonZeros)")
            return nil
        }
        return SparseActivations(checked: sparse.group, indptr: indptr.dataset, indices: indices.dataset, values: values.dataset,
                                 rowCount: rows, width: columns, nonZeros: nonZeros)
    }

    // MARK: SAEs

    /// W_enc [F_{d−1}, F_d], b_enc [F_d], W_dec [F_d, F_{d−1}], b_dec
    /// [F_{d−1}], d_in and d_sae as declared, and a known activation function.
    mutating func checkSAE(_ sae: SAEObjects, depth: Int, input: Int?, latent: Int?) -> CheckedSAE? {
        let before = violations.count
        let rules: [(CanonicalPaths.SAETensor, [(String, Int?, String)], String)] = [
            (.encoderWeight, [("F{d-1}", input, "chain"), ("F{d}", latent, "chain")], "[d_in, d_sae]"),
            (.encoderBias, [("F{d}", latent, "chain")], "[d_sae]"),
            (.decoderWeight, [("F{d}", latent, "chain"), ("F{d-1}", input, "chain")], "[d_sae, d_in]"),
            (.decoderBias, [("F{d-1}", input, "chain")], "[d_in]"),
        ]
        for (name, dims, names) in rules {
            guard let tensor = sae.tensors[name] else { continue }
            checkFloat(tensor)
            if tensor.rank == 2, let input, let latent, input != latent, dims.count == 2,
               tensor.dims == dims.map({ $0.1 ?? -1 }).reversed() {
                report("chain", tensor.path, "has shape \(tensor.dims), the transpose of the \(names) = [\(dims[0].1!), \(dims[1].1!)] it must have")
                continue
            }
            _ = expect(tensor, dims, names: names)
        }
        for (attribute, declared, expected) in [("d_in", sae.declaredInputWidth, input), ("d_sae", sae.declaredLatentWidth, latent)] {
            if let declared, let expected, declared != Int64(expected) {
                report("chain", sae.path, "\(attribute) = \(declared) but the data says \(expected)")
            }
        }
        let activation = checkActivation(sae, latent: latent)
        guard violations.count == before || !violations[before...].contains(where: { $0.severity == .error }),
              let activation, let input, let latent, sae.tensors.count == CanonicalPaths.SAETensor.allCases.count else { return nil }
        return CheckedSAE(path: sae.path, depth: depth, inputWidth: input, latentWidth: latent, activation: activation,
                          subtractsDecoderBias: sae.subtractsDecoderBias ?? false, tensors: sae.tensors, threshold: sae.threshold)
    }

    /// A known activation function with what it needs: TopK an integer k
    /// in 1…d_sae, JumpReLU a float threshold [d_sae]. ReLU when undeclared
    /// (exports); canonical files must declare it.
    mutating func checkActivation(_ sae: SAEObjects, latent: Int?) -> CheckedSAE.Activation? {
        let name = sae.activationFunction ?? SAEActivation.Kind.relu.rawValue
        guard let kind = SAEActivation.Kind(name: name) else {
            report("unsupported", sae.path, "activation_fn '\(Display.cut(name, to: 40))' is not implemented (supported: \(SAEActivation.supportedNames.joined(separator: ", ")))")
            return nil
        }
        if kind != .jumpReLU, let threshold = sae.threshold {
            report("naming", threshold.path, "a threshold belongs to a jumprelu SAE, this one is \(kind.rawValue)")
        }
        switch kind {
        case .relu:
            return .relu
        case .topK:
            guard let k = sae.k else {
                report("attribute", sae.path, "a topk SAE needs the integer attribute 'k'")
                return nil
            }
            guard k >= 1, latent.map({ k <= Int64($0) }) ?? true else {
                report("attribute", sae.path, "k = \(k) must lie in 1…d_sae = \(latent.map(String.init) ?? "?")")
                return nil
            }
            return .topK(Int(k))
        case .jumpReLU:
            guard let threshold = sae.threshold else {
                report("missing", sae.path + "/" + CanonicalPaths.threshold, "a jumprelu SAE needs its threshold dataset [d_sae]")
                return nil
            }
            checkFloat(threshold)
            return expect(threshold, [("F{d}", latent, "chain")], names: "[d_sae]") ? .jumpReLU : nil
        }
    }

    // MARK: Tensors

    /// Checks rank and each dimension against (symbol, expected, check);
    /// a nil expectation matches anything. True when all agree.
    @discardableResult
    mutating func expect(_ tensor: TensorRef, _ dims: [(String, Int?, String)], names: String) -> Bool {
        guard tensor.rank == dims.count else {
            report("rank", tensor.path, "should have \(dims.count) dimension(s) \(names), it has shape \(tensor.dims)")
            return false
        }
        var agrees = true
        for (axis, (symbol, expected, check)) in dims.enumerated() {
            guard let expected, tensor.dims[axis] != expected else { continue }
            report(check, tensor.path, "dimension \(axis) is \(tensor.dims[axis]), expected \(symbol) = \(expected)")
            agrees = false
        }
        return agrees
    }

    /// Floats as the layout's dtype rules allow them.
    mutating func checkFloat(_ tensor: TensorRef) {
        switch layout.dtypes {
        case .canonical:
            if !(tensor.type.typeClass == .float && (tensor.type.size == 4 || tensor.type.size == 8)) {
                report("dtype", tensor.path, "should be float (float32 or float64), it is \(tensor.type.displayName)")
            }
        case .export:
            if !tensor.readsAsFloat {
                let hint = tensor.type.couldHoldBFloat16
                    ? "; if it holds bfloat16 bits, pass --bf16 or give it the attribute dtype = \"bfloat16\" (it is never read as integers)" : ""
                report("dtype", tensor.path, "\(tensor.type.displayName) where floats are expected\(hint)")
            }
        }
    }

    mutating func checkInteger(_ tensor: TensorRef, size: Int) {
        let type = tensor.type
        guard layout.dtypes == .canonical else { return }
        if !(type.typeClass == .integer && type.size == size && type.isSigned) {
            report("dtype", tensor.path, "should be int\(size * 8), it is \(type.displayName)")
        }
    }
}
