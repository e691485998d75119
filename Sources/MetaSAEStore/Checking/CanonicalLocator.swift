import HDF5

/// Finds a canonical file's objects: what is present, of which kind, with
/// which attributes. It reports what the layout's rules say about presence,
/// kinds, links, names and attribute types; shapes and everything that
/// relates objects to each other are the checker's.
struct CanonicalLocator {
    let file: CanonicalFile
    let schema: LayoutSchema
    var violations: [Violation] = []

    init(file: CanonicalFile, schema: LayoutSchema = .canonicalV1) {
        self.file = file
        self.schema = schema
    }

    var root: Group { file.root }

    mutating func report(_ check: String, _ path: String, _ message: String, severity: Violation.Severity = .error) {
        violations.append(Violation(check, path.hasPrefix("/") ? path : "/" + path, message, severity: severity))
    }

    mutating func locate() -> ExperimentLayout {
        var layout = ExperimentLayout(path: file.path, fileBytes: (try? file.file.fileSize) ?? 0)
        checkRootAttributes()
        layout.provenance.schemaVersion = (try? root.attribute(CanonicalPaths.versionAttribute).intValue).map(Int.init)
        layout.provenance.created = try? root.attribute("created").stringValue
        layout.provenance.source = try? root.attribute("source").stringValue
        layout.provenance.writtenBy = try? root.attribute("tool_version").stringValue
        guard listable(root, path: "/") else { return layout }
        layout.labels = tensor(in: root, CanonicalPaths.labels, required: true)
        layout.images = tensor(in: root, CanonicalPaths.images, required: false)
        if let depths = group(in: root, CanonicalPaths.depths, required: true) {
            for (depth, name) in numbered(depths, path: CanonicalPaths.depths, limit: Numbering.maximumDepth, check: "contiguous_depths") {
                layout.depths[depth] = depthObjects(depths, name, path: CanonicalPaths.depth(depth), depth: depth, sparseAllowed: true)
            }
        }
        if let nulls = group(in: root, CanonicalPaths.nullModels, required: false) {
            for (index, name) in numbered(nulls, path: CanonicalPaths.nullModels, limit: Numbering.maximumIndex, check: "naming") {
                if let cascade = cascadeObjects(nulls, name, prefix: CanonicalPaths.nullModel(index)) { layout.nullModels[index] = cascade }
            }
        }
        if let controls = group(in: root, CanonicalPaths.controls, required: false) {
            locateControls(controls, into: &layout)
        }
        if let classifier = group(in: root, CanonicalPaths.classifier, required: false) {
            layout.classifier = classifierObjects(classifier)
            layout.provenance.classifierArchitecture = layout.classifier?.architecture
            layout.provenance.classifierAccuracy = layout.classifier?.testAccuracy
        }
        return layout
    }

    // MARK: Controls

    mutating func locateControls(_ controls: Group, into layout: inout ExperimentLayout) {
        if let flat = group(in: controls, CanonicalPaths.Control.flat.rawValue, path: CanonicalPaths.flatControls, required: false) {
            for (depth, name) in numbered(flat, path: CanonicalPaths.flatControls, limit: Numbering.maximumDepth, check: "naming") {
                layout.flatControls[depth] = depthObjects(flat, name, path: CanonicalPaths.flatControl(depth), depth: max(depth, 1),
                                                          sparseAllowed: false)
            }
        }
        if let matched = group(in: controls, CanonicalPaths.Control.matchedNull.rawValue, path: CanonicalPaths.matchedNulls, required: false) {
            for (index, name) in numbered(matched, path: CanonicalPaths.matchedNulls, limit: Numbering.maximumIndex, check: "naming") {
                let prefix = CanonicalPaths.matchedNull(index)
                if let cascade = cascadeObjects(matched, name, prefix: prefix) { layout.matchedNulls[index] = cascade }
            }
        }
    }

    /// A cascade's group: seed and depths 1…D (a null model or a matched null).
    mutating func cascadeObjects(_ parent: Group, _ name: String, prefix: String) -> CascadeObjects? {
        guard let cascade = group(in: parent, name, path: String(prefix.dropLast()), required: true) else { return nil }
        var objects = CascadeObjects(path: String(prefix.dropLast()))
        checkAttributes(rule: "null_models/{k}", on: cascade, path: objects.path)
        objects.seed = try? cascade.attribute("seed").intValue
        if let depths = group(in: cascade, CanonicalPaths.depths, path: prefix + CanonicalPaths.depths, required: true) {
            for (depth, name) in numbered(depths, path: prefix + CanonicalPaths.depths, limit: Numbering.maximumDepth, check: "contiguous_depths") {
                objects.depths[depth] = depthObjects(depths, name, path: CanonicalPaths.depth(depth, under: prefix), depth: depth, sparseAllowed: false)
            }
        }
        return objects
    }

    // MARK: Root

    mutating func checkRootAttributes() {
        if !root.hasAttribute(CanonicalPaths.schemaAttribute) {
            report("attribute", "/", "not a canonical metasae file: root attribute '\(CanonicalPaths.schemaAttribute)' is missing (use `metasae convert` for other layouts)")
        } else if let name = try? root.attribute(CanonicalPaths.schemaAttribute).stringValue, name != schema.schema {
            report("attribute", "/", "schema is '\(Display.cut(name))', expected '\(schema.schema)'")
        }
        if let version = try? root.attribute(CanonicalPaths.versionAttribute).intValue, version != schema.version {
            report("unsupported", "/", "layout version \(version) is not supported (this tool reads version \(schema.version))")
        }
        // The marker's absence is reported once, above.
        checkAttributes(schema.rootAttributes.filter { $0.name != CanonicalPaths.schemaAttribute }, on: root, path: "/")
    }

    // MARK: Depths

    mutating func depthObjects(_ parent: Group, _ name: String, path: String, depth: Int, sparseAllowed: Bool) -> DepthObjects {
        var objects = DepthObjects(path: path)
        guard let group = group(in: parent, name, path: path, required: true) else { return objects }
        typealias Member = CanonicalPaths.DepthMember
        objects.activations = tensor(in: group, Member.activations.rawValue, path: path + "/" + Member.activations.rawValue, required: false)
        if sparseAllowed, let sparse = self.group(in: group, Member.sparse.rawValue, path: path + "/" + Member.sparse.rawValue, required: false) {
            objects.sparse = sparseObjects(sparse, path: path + "/" + Member.sparse.rawValue)
        }
        let saePath = path + "/" + Member.sae.rawValue
        if depth >= 1, let sae = self.group(in: group, Member.sae.rawValue, path: saePath, required: true) {
            objects.sae = saeObjects(sae, path: saePath)
        } else if depth == 0, group.hasLink(Member.sae.rawValue) {
            report("naming", saePath, "depth 0 is the base model and has no SAE")
        }
        return objects
    }

    mutating func sparseObjects(_ group: Group, path: String) -> SparseObjects {
        var objects = SparseObjects(group: group, path: path)
        checkAttributes(rule: "depths/{depth}/sparse", on: group, path: path)
        if case .integers(let dims)? = try? group.attribute("shape") { objects.shape = dims }
        func member(_ name: CanonicalPaths.SparseMember) -> TensorRef? {
            tensor(in: group, name.rawValue, path: path + "/" + name.rawValue, required: true)
        }
        objects.indptr = member(.indptr)
        objects.indices = member(.indices)
        objects.values = member(.values)
        return objects
    }

    mutating func saeObjects(_ group: Group, path: String) -> SAEObjects {
        var objects = SAEObjects(path: path)
        checkAttributes(rule: "depths/{d}/sae", on: group, path: path)
        for name in CanonicalPaths.SAETensor.allCases {
            objects.tensors[name] = tensor(in: group, name.rawValue, path: path + "/" + name.rawValue, required: true)
        }
        objects.activationFunction = try? group.attribute("activation_fn").stringValue
        objects.k = try? group.attribute("k").intValue
        objects.threshold = tensor(in: group, CanonicalPaths.threshold, path: path + "/" + CanonicalPaths.threshold, required: false)
        objects.subtractsDecoderBias = (try? group.attribute("apply_b_dec_to_input").intValue).map { $0 != 0 }
        objects.declaredInputWidth = try? group.attribute("d_in").intValue
        objects.declaredLatentWidth = try? group.attribute("d_sae").intValue
        return objects
    }

    mutating func classifierObjects(_ group: Group) -> ClassifierObjects {
        var objects = ClassifierObjects(path: CanonicalPaths.classifier)
        checkAttributes(rule: "classifier", on: group, path: CanonicalPaths.classifier)
        objects.hiddenLayer = try? group.attribute("hidden_layer").intValue
        objects.architecture = try? group.attribute("architecture").stringValue
        objects.testAccuracy = try? group.attribute("test_accuracy").doubleValue
        let layersPath = CanonicalPaths.classifier + "/" + CanonicalPaths.layers
        guard let layers = self.group(in: group, CanonicalPaths.layers, path: layersPath, required: false) else { return objects }
        for (index, name) in numbered(layers, path: layersPath, limit: Numbering.maximumIndex, check: "naming") {
            let path = CanonicalPaths.classifier + "/" + CanonicalPaths.classifierLayer(index)
            guard let layer = self.group(in: layers, name, path: path, required: true) else { continue }
            var found = ClassifierObjects.Layer()
            found.weight = tensor(in: layer, CanonicalPaths.LayerTensor.weight.rawValue, path: CanonicalPaths.classifierTensor(.weight, of: index), required: true)
            found.bias = tensor(in: layer, CanonicalPaths.LayerTensor.bias.rawValue, path: CanonicalPaths.classifierTensor(.bias, of: index), required: true)
            objects.layers[index] = found
        }
        return objects
    }

    // MARK: Finding objects

    /// The members of `group` named by numbers, in order; other names are reported.
    mutating func numbered(_ group: Group, path: String, limit: Int, check: String) -> [(Int, String)] {
        guard let names = try? group.linkNames() else {
            report("unreadable", path, "cannot be listed")
            return []
        }
        var found: [(Int, String)] = []
        for name in names {
            if let number = Numbering.parse(name, limit: limit) {
                found.append((number, name))
            } else if name.allSatisfy(\.isNumber) && !name.isEmpty && !name.hasPrefix("0") {
                report(check, path + "/" + Display.cut(name), "number \(Display.cut(name)) is beyond the limit of \(limit)")
            } else {
                report(check, path + "/" + Display.cut(name), "entries of \(path) must be named 0, 1, 2, …")
            }
        }
        return found.sorted { $0.0 < $1.0 }
    }

    mutating func listable(_ group: Group, path: String) -> Bool {
        do {
            _ = try group.linkNames()
            return true
        } catch {
            report("unreadable", path, "cannot be listed: \(error)")
            return false
        }
    }

    enum Found {
        case group(Group)
        case dataset(Dataset)
    }

    /// The object `name` of `parent`, following soft links inside the file.
    /// External links, dangling or looping links and unreadable objects are
    /// reported; nil for them and for an absent name.
    mutating func find(_ parent: Group, _ name: String, path: String) -> Found? {
        guard parent.hasLink(name) else { return nil }
        let entry: LinkEntry
        do {
            entry = try parent.entry(named: name)
        } catch {
            report("unreadable", path, "cannot be inspected: \(error)")
            return nil
        }
        switch entry.kind {
        case .group:
            if let group = try? parent.group(name) { return .group(group) }
            report("unreadable", path, "group cannot be opened")
        case .dataset:
            if let dataset = try? parent.dataset(name) { return .dataset(dataset) }
            report("unreadable", path, "dataset cannot be opened")
        case .softLink(let target):
            if let dataset = try? parent.dataset(name) { return .dataset(dataset) }
            if let group = try? parent.group(name) { return .group(group) }
            let loops = isLoop(parent, name)  // the dataset open above already failed
            report(loops ? "unreadable" : "missing", path,
                   "is a soft link to \(Display.cut(target)) that cannot be resolved (\(loops ? "a loop" : "dangling"))")
        case .externalLink(let file, let inside):
            report("unsupported", path, "is an external link to \(Display.cut(file)):\(Display.cut(inside)), which is not followed")
        case .namedDatatype:
            report("kind", path, "is a named datatype, not a group or dataset")
        case .unreadable(let reason):
            report("unreadable", path, "cannot be read: \(Display.cut(reason, to: 160))")
        }
        return nil
    }

    /// A soft link that loops is classed corrupt by the layer ("too many links").
    func isLoop(_ parent: Group, _ name: String) -> Bool {
        do {
            _ = try parent.dataset(name)
            return false
        } catch let error as HDF5Error {
            return error.kind == .corrupt
        } catch {
            return false
        }
    }

    mutating func group(in parent: Group, _ name: String, path: String? = nil, required: Bool) -> Group? {
        let path = path ?? name
        switch find(parent, name, path: path) {
        case .group(let group)?: return group
        case .dataset?: report("kind", path, "should be a group, found a dataset")
        case nil: if required && !parent.hasLink(name) { report("missing", path, "required group is missing") }
        }
        return nil
    }

    mutating func tensor(in parent: Group, _ name: String, path: String? = nil, required: Bool) -> TensorRef? {
        let path = path ?? name
        switch find(parent, name, path: path) {
        case .dataset(let dataset)?:
            do {
                return try TensorRef(dataset)
            } catch {
                report("unreadable", path, "datatype, dataspace or storage cannot be read")
            }
        case .group?: report("kind", path, "should be a dataset, found a group")
        case nil: if required && !parent.hasLink(name) { report("missing", path, "required dataset is missing") }
        }
        return nil
    }

    // MARK: Attributes

    mutating func checkAttributes(rule path: String, on holder: some AttributeHolder, path objectPath: String) {
        guard let rule = schema.objects.first(where: { $0.path == path }) else { return }
        checkAttributes(rule.attributes, on: holder, path: objectPath)
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
                report("attribute", path, "attribute '\(rule.name)' should be \(rule.type), it is \(Display.cut("\(value)"))")
            }
        }
    }
}
