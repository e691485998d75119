import HDF5

/// Checks a file against a `LayoutSchema`, collecting every violation
/// instead of stopping at the first.
public struct SchemaValidator: Sendable {
    public var schema: LayoutSchema
    /// When false, only metadata is checked (fast; used by `describe`).
    public var scanData: Bool

    public init(schema: LayoutSchema = .canonicalV1, scanData: Bool = true) {
        self.schema = schema
        self.scanData = scanData
    }

    public func validate(_ file: CanonicalFile) -> ValidationReport {
        var run = ValidationRun(schema: schema, file: file, scanData: scanData)
        run.checkRootAttributes()
        run.collectBindingsAndSymbols()
        run.checkObjects()
        run.checkChain()
        return ValidationReport(file: file.path, violations: run.violations, scannedData: scanData)
    }
}

/// The state of one validation pass.
struct ValidationRun {
    let schema: LayoutSchema
    let file: CanonicalFile
    let scanData: Bool
    var violations: [Violation] = []
    var symbols = SymbolTable()
    var bindings: [String: [Int]] = [:]

    init(schema: LayoutSchema, file: CanonicalFile, scanData: Bool) {
        self.schema = schema
        self.file = file
        self.scanData = scanData
    }

    var root: Group { file.root }

    mutating func report(_ check: String, _ path: String, _ message: String, severity: Violation.Severity = .error) {
        violations.append(Violation(check, path.hasPrefix("/") ? path : "/" + path, message, severity: severity))
    }

    // MARK: Root attributes

    mutating func checkRootAttributes() {
        if !root.hasAttribute(CanonicalPaths.schemaAttribute) {
            report("attribute", "/", "not a canonical metasae file: root attribute '\(CanonicalPaths.schemaAttribute)' is missing (use `metasae convert` for other layouts)")
        } else if let name = try? root.attribute(CanonicalPaths.schemaAttribute).stringValue, name != schema.schema {
            report("attribute", "/", "schema is '\(name)', expected '\(schema.schema)'")
        }
        if let version = try? root.attribute(CanonicalPaths.versionAttribute).intValue, version != schema.version {
            report("attribute", "/", "layout version \(version) is not supported (this tool reads version \(schema.version))")
        }
        // The marker's absence is reported once, above.
        let rest = schema.rootAttributes.filter { $0.name != CanonicalPaths.schemaAttribute }
        checkAttributes(rest, on: root, path: "/")
    }

    mutating func checkAttributes(_ rules: [AttributeRule], on holder: some AttributeHolder, path: String) {
        for rule in rules {
            guard holder.hasAttribute(rule.name) else {
                if rule.required { report("attribute", path, "required attribute '\(rule.name)' is missing") }
                continue
            }
            let value = (try? holder.attribute(rule.name)) ?? .unsupported("unreadable")
            let fits: Bool
            switch (rule.type, value) {
            case ("string", .string), ("string", .strings): fits = true
            case ("integer", .integer), ("integer", .integers): fits = true
            case ("float", .double), ("float", .doubles), ("float", .integer), ("float", .integers): fits = true
            default: fits = false
            }
            if !fits {
                report("attribute", path, "attribute '\(rule.name)' should be \(rule.type), it is \(value)")
            }
        }
    }

    // MARK: Placeholders and symbols

    mutating func collectBindingsAndSymbols() {
        do {
            _ = try root.linkNames()
        } catch {
            report("unreadable", "/", "the root group cannot be listed: \(error)")
        }
        var depths: [Int] = []
        if root.contains(CanonicalPaths.depths) {
            var names: [String] = []
            do {
                names = try root.group(CanonicalPaths.depths).linkNames()
            } catch {
                report("unreadable", CanonicalPaths.depths, "cannot be listed: \(error)")
            }
            for name in names where Int(name) == nil || Int(name)! < 0 {
                report("contiguous_depths", CanonicalPaths.depths + "/" + name, "depth groups must be named 0, 1, 2, …")
            }
            depths = names.compactMap(Int.init).filter { $0 >= 0 }.sorted()
        }
        if depths.isEmpty {
            report("missing", CanonicalPaths.depths, "no depth groups: expected depths/0 (base activations) and depths/1 … depths/D")
        } else if depths != Array(0...(depths.last!)) {
            report("contiguous_depths", CanonicalPaths.depths, "depths must be 0…D without gaps, found \(depths)")
        } else if depths.count < 2 {
            report("contiguous_depths", CanonicalPaths.depths, "only depth 0 is present; at least one SAE depth is needed", severity: .warning)
        }
        bindings["{depth}"] = depths
        bindings["{d}"] = depths.filter { $0 >= 1 }
        bindings["{k}"] = integerChildren(CanonicalPaths.nullModels)
        bindings["{i}"] = integerChildren(CanonicalPaths.classifier + "/layers")

        if let labels = try? root.dataset(CanonicalPaths.labels), let shape = try? labels.shape, shape.rank >= 1 {
            symbols.exampleCount = shape.dims[0]
        } else {
            symbols.exampleCount = try? file.activationShape(depth: 0)?.first
        }
        for depth in depths {
            symbols.widths[depth] = try? file.width(depth: depth)
        }
        if symbols.exampleCount == 0 {
            report("shape", CanonicalPaths.labels, "the file has no examples (N = 0)")
        }
    }

    mutating func integerChildren(_ path: String) -> [Int] {
        guard root.contains(path), let names = try? root.group(path).linkNames() else { return [] }
        for name in names where Int(name) == nil {
            report("naming", path + "/" + name, "entries of \(path) must be named 0, 1, 2, …")
        }
        return names.compactMap(Int.init).sorted()
    }

    // MARK: Objects

    mutating func checkObjects() {
        for rule in schema.objects {
            for binding in expand(rule.path) {
                let path = substitute(rule.path, binding)
                checkObject(rule, path: path, binding: binding)
            }
        }
    }

    /// Every assignment of the placeholders in `pattern`.
    func expand(_ pattern: String) -> [[String: Int]] {
        var results: [[String: Int]] = [[:]]
        for (placeholder, values) in bindings where pattern.contains(placeholder) {
            results = results.flatMap { partial in values.map { partial.merging([placeholder: $0]) { $1 } } }
        }
        return results
    }

    func substitute(_ pattern: String, _ binding: [String: Int]) -> String {
        binding.reduce(pattern) { $0.replacingAll($1.key, with: String($1.value)) }
    }

    /// The rule whose pattern matches a concrete path, if any.
    func rule(matching path: String) -> ObjectRule? {
        let parts = path.split(separator: "/")
        return schema.objects.first { rule in
            let pattern = rule.path.split(separator: "/")
            guard pattern.count == parts.count else { return false }
            return zip(pattern, parts).allSatisfy { want, have in
                want.hasPrefix("{") ? Int(have) != nil : want == have
            }
        }
    }

    mutating func checkObject(_ rule: ObjectRule, path: String, binding: [String: Int]) {
        let parent = String(path.split(separator: "/").dropLast().joined(separator: "/"))
        let parentIsGoverned = !parent.isEmpty && self.rule(matching: parent) != nil
        let entry = lookUp(path)
        guard let entry else {
            guard rule.presence == .required else { return }
            if parentIsGoverned && lookUp(parent) == nil { return }  // the parent's absence is reported once
            if let alternative = rule.unlessPresent, lookUp(substitute(alternative, binding)) != nil { return }
            report("missing", path, "required \(rule.kind.rawValue) is missing (\(rule.description))")
            return
        }
        switch (rule.kind, entry) {
        case (_, .unreadable(let reason)):
            report("unreadable", path, "cannot be read: \(reason)")
        case (_, .externalLink(let target, let inside)):
            report("unsupported", path, "is an external link to \(target):\(inside), which is not followed")
        case (_, .softLink(let target)):
            let check = softLinkCheck(path)
            report(check, path, "is a soft link to \(target) that cannot be resolved (\(check == "unreadable" ? "a loop" : "dangling"))")
        case (.group, .group):
            if let group = try? root.group(path) { checkAttributes(rule.attributes, on: group, path: path) }
            if scanData && rule.checks.contains("csr_structure") { scanCSR(group: path) }
        case (.dataset, .dataset):
            guard let dataset = try? root.dataset(path) else {
                report("unreadable", path, "dataset cannot be opened")
                return
            }
            checkDataset(rule, dataset, path: path, binding: binding)
        default:
            report("kind", path, "should be a \(rule.kind.rawValue), found \(describe(entry))")
        }
    }

    /// "unreadable" for a soft link that loops, "missing" for a dangling one.
    func softLinkCheck(_ path: String) -> String {
        do {
            _ = try root.dataset(path)
            return "kind"
        } catch let error as HDF5Error {
            return error.kind == .corrupt ? "unreadable" : "missing"  // the layer classes a loop ("too many links") as corrupt
        } catch {
            return "missing"
        }
    }

    /// What `path` is, looked up through its parent so that external and
    /// broken links are seen rather than reported as absent.
    func lookUp(_ path: String) -> LinkEntry.Kind? {
        let parts = path.split(separator: "/")
        let parentPath = parts.dropLast().joined(separator: "/")
        guard parentPath.isEmpty || root.contains(parentPath),
              let parent = parentPath.isEmpty ? root : try? root.group(parentPath),
              parent.hasLink(String(parts.last!)),
              var entry = try? parent.entry(named: String(parts.last!)) else { return nil }
        if case .softLink = entry.kind {
            // Soft links inside the file are followed, like h5py does.
            if (try? root.dataset(path)) != nil { entry.kind = .dataset } else if (try? root.group(path)) != nil { entry.kind = .group }
        }
        return entry.kind
    }

    func describe(_ kind: LinkEntry.Kind) -> String {
        switch kind {
        case .group: return "a group"
        case .dataset: return "a dataset"
        case .namedDatatype: return "a named datatype"
        case .softLink(let target): return "a dangling soft link to \(target)"
        case .externalLink(let file, let path): return "an external link to \(file):\(path) (not followed)"
        case .unreadable(let reason): return "an unreadable object (\(reason))"
        }
    }

    mutating func checkDataset(_ rule: ObjectRule, _ dataset: Dataset, path: String, binding: [String: Int]) {
        guard let type = try? dataset.datatype, let shape = try? dataset.shape else {
            report("unreadable", path, "datatype or dataspace cannot be read")
            return
        }
        if let wanted = rule.dtype, !dtypeMatches(wanted, type) {
            report("dtype", path, "should be \(wanted), it is \(type.displayName)")
        }
        if let dims = rule.shape {
            if shape.rank != dims.count {
                report("rank", path, "should have \(dims.count) dimension(s) [\(dims.joined(separator: ", "))], it has shape \(shape)")
            } else {
                for (axis, symbol) in dims.enumerated() {
                    guard case .some(.some(let expected)) = symbols.evaluate(symbol, bindings: binding) else { continue }
                    if shape.dims[axis] != expected {
                        report(symbol.hasPrefix("F") ? "chain" : "shape", path,
                               "dimension \(axis) is \(shape.dims[axis]), expected \(symbol) = \(expected)")
                    }
                }
            }
        }
        if rule.chunking == "rows", let layout = try? dataset.storageLayout, let chunks = layout.chunkDims,
           Array(chunks.dropFirst()) != Array(shape.dims.dropFirst()) {
            report("chunking", path, "chunks \(chunks) split rows; whole-row chunks stream faster", severity: .warning)
        }
        checkAttributes(rule.attributes, on: dataset, path: path)
        guard scanData else { return }
        for check in rule.checks {
            switch check {
            case "labels_in_range": scanLabels(dataset, path: path)
            case "finite": scanFinite(dataset, type: type, path: path)
            default: break
            }
        }
    }

    func dtypeMatches(_ wanted: String, _ type: DatatypeInfo) -> Bool {
        switch wanted {
        case "float": return type.typeClass == .float && (type.size == 4 || type.size == 8)
        case "float32": return type.typeClass == .float && type.size == 4
        case "integer": return type.typeClass == .integer
        case "uint8": return type.typeClass == .integer && type.size == 1 && !type.isSigned
        case "int32": return type.typeClass == .integer && type.size == 4 && type.isSigned
        case "int64": return type.typeClass == .integer && type.size == 8 && type.isSigned
        default: return true
        }
    }

    // MARK: Data scans

    mutating func scanLabels(_ dataset: Dataset, path: String) {
        guard (try? dataset.datatype.typeClass) == .integer else { return }
        var outside = 0
        var example: Int64?
        do {
            try dataset.forEachRowBlock(as: Int64.self) { _, values in
                for value in values where !Conventions.labels.contains(value) {
                    outside += 1
                    if example == nil { example = value }
                }
            }
        } catch {
            report(Self.failureCheck(error), path, "labels cannot be read: \(error)")
            return
        }
        if outside > 0 {
            report("labels_in_range", path, "\(outside) label(s) outside 0–9 (for example \(example!))")
        }
    }

    mutating func scanFinite(_ dataset: Dataset, type: DatatypeInfo, path: String) {
        guard type.typeClass == .float else { return }
        var nan = 0
        var infinite = 0
        do {
            if type.size == 8 {
                try dataset.forEachRowBlock(as: Double.self) { _, values in
                    for value in values where !value.isFinite { if value.isNaN { nan += 1 } else { infinite += 1 } }
                }
            } else {
                try dataset.forEachRowBlock(as: Float.self) { _, values in
                    for value in values where !value.isFinite { if value.isNaN { nan += 1 } else { infinite += 1 } }
                }
            }
        } catch {
            report(Self.failureCheck(error), path, "data cannot be read: \(error)")
            return
        }
        if nan + infinite > 0 {
            report("finite", path, "\(nan) NaN and \(infinite) infinite value(s)")
        }
    }

    /// Streams the compressed-row form through the reader `analyze` uses,
    /// so the validator and the analysis refuse exactly the same things.
    mutating func scanCSR(group path: String) {
        guard let group = try? root.group(path) else { return }
        do {
            let sparse = try SparseActivations(group)
            try sparse.forEachSparseBlock(rows: 0..<sparse.rowCount, targetBytes: 8 << 20) { _, _ in }
        } catch let error as StoreError {
            report("csr_structure", path, "\(error)")
        } catch {
            report(Self.failureCheck(error), path, "cannot be read: \(error)")
        }
    }

    /// "unsupported" when the library lacks something (a filter), else "unreadable".
    static func failureCheck(_ error: any Error) -> String {
        (error as? HDF5Error)?.kind == .unsupported ? "unsupported" : "unreadable"
    }

    // MARK: Chain

    mutating func checkChain() {
        for depth in bindings["{d}"] ?? [] {
            let path = CanonicalPaths.sae(depth)
            guard let group = try? root.group(path) else { continue }
            for (name, expected) in [("d_in", symbols.widths[depth - 1]), ("d_sae", symbols.widths[depth])] {
                if let expected, let value = try? group.attribute(name).intValue, value != expected {
                    report("chain", path, "\(name) = \(value) but the data says \(expected)")
                }
            }
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
