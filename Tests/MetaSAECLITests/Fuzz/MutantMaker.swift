import CHDF5
import Foundation
import HDF5
import TestSupport

/// Structure-aware mutants of the committed fixtures. Mutant `index` copies
/// one seed file and applies one to three edits drawn by a generator seeded
/// with `index`, from the kinds of damage users and attackers produce:
/// dimensions and dtypes, swapped, transposed, renamed, added and deleted
/// objects and depths, edited attributes, sparse forms, null models, huge
/// declared sizes, links of every kind, storage outside the file, NaN.
struct MutantMaker {
    static let seeds: [String] = [
        "corpus/valid.h5", "corpus/valid_everything.h5", "corpus/classifier_valid.h5", "corpus/userblock.h5",
        "convert/statedict_nested.h5", "convert/statedict_dotted.h5", "convert/saelens.h5", "convert/dictionary_learning.h5",
        "convert/square.h5", "convert/float16.h5", "convert/bf16_marked.h5", "convert/main_no_depth2.h5",
    ].map { TestSupport.fixtures.appendingPathComponent($0).path }

    var random: SplitMix
    let root: Group
    let seedPath: String
    var done: [String] = []

    /// Writes mutant `index` to `path` and says what was done to it.
    static func make(_ index: Int, at path: String) throws -> String {
        var random = SplitMix(seed: 0xF022 &* UInt64(index + 1))
        let seed = random.pick(seeds)
        try FileManager.default.copyItem(atPath: seed, toPath: path)
        let file = try File.open(path, mode: .readWrite)
        var maker = MutantMaker(random: random, root: try file.root, seedPath: seed)
        for _ in 0..<(1 + maker.random.below(3)) { maker.mutateOnce() }
        try file.flush()
        return URL(fileURLWithPath: seed).lastPathComponent + ": " + maker.done.joined(separator: "; ")
    }

    /// Every group and dataset of the file as it is now.
    func objects() -> [ObjectDescription] {
        ((try? root.file.describeObjects()) ?? []).filter { $0.path != "/" && ($0.kind == .dataset || $0.kind == .group) }
    }

    mutating func mutateOnce() {
        let all = objects()
        let datasets = all.filter { $0.kind == .dataset && $0.problem == nil && ($0.datatype?.isNumeric ?? false) }
        guard !datasets.isEmpty, !all.isEmpty else { return }
        let target = random.pick(datasets)
        let anyObject = random.pick(all)
        let edits: [(String, (inout MutantMaker) throws -> Void)] = [
            ("resize \(target.path)", { try $0.resize(target) }),
            ("retype \(target.path)", { try $0.retype(target) }),
            ("transpose \(target.path)", { try $0.transpose(target) }),
            ("reshape \(target.path)", { try $0.reshape(target) }),
            ("swap \(target.path)", { try $0.swap(target, with: try $0.choose(datasets)) }),
            ("rename \(anyObject.path)", { try $0.rename(anyObject) }),
            ("delete \(anyObject.path)", { try $0.root.removeLink(anyObject.path) }),
            ("add depth", { try $0.addDepth() }),
            ("attribute on \(anyObject.path)", { try $0.editAttribute(anyObject) }),
            ("sparse form", { try $0.addSparse() }),
            ("null model", { try $0.addNullModel() }),
            ("huge declared \(target.path)", { try $0.declareHuge(target) }),
            ("link at \(anyObject.path)", { try $0.replaceByLink(anyObject, others: all) }),
            ("non-finite in \(target.path)", { try $0.injectNonFinite(target) }),
            ("labels out of range", { try $0.breakLabels() }),
            ("empty \(target.path)", { try $0.empty(target) }),
            ("group for \(target.path)", { try $0.root.removeLink(target.path); try $0.root.createGroup(target.path) }),
            ("outside storage \(target.path)", { try $0.storeOutside(target) }),
        ]
        let (name, edit) = random.pick(edits)
        do {
            try edit(&self)
            done.append(name)
        } catch {
            done.append(name + " (not applied)")
        }
    }

    // MARK: Shapes and types

    /// A dataset's values, when they are few enough to read (an earlier
    /// edit may have declared a huge size).
    func values(_ object: ObjectDescription) throws -> [Double] {
        try readable(root.dataset(object.path)).readAll(as: Double.self)
    }

    func readable(_ dataset: Dataset) throws -> Dataset {
        guard let count = try dataset.shape.elementCount, count <= 1 << 22 else { throw Skipped() }
        return dataset
    }

    /// Replaces a dataset by new values of type `T`.
    func rewrite<T: HDF5Scalar>(_ path: String, _ values: [T], shape: [Int]) throws {
        try root.removeLink(path)
        try root.writeDataset(path, values, shape: shape)
    }

    mutating func randomFloats(_ count: Int) -> [Float] {
        (0..<count).map { _ in random.nextFloat() - 0.3 }
    }

    mutating func resize(_ object: ObjectDescription) throws {
        var shape = object.shape ?? []
        if shape.isEmpty { shape = [1] }
        let axis = random.below(shape.count)
        shape[axis] = max(0, random.pick([0, 1, shape[axis] - 1, shape[axis] + 1, shape[axis] * 2]))
        try rewrite(object.path, randomFloats(shape.reduce(1, *)), shape: shape)
    }

    mutating func retype(_ object: ObjectDescription) throws {
        let old = try values(object)
        let shape = object.shape ?? []
        switch random.below(7) {
        case 0: try rewrite(object.path, old.map(Float.init), shape: shape)
        case 1: try rewrite(object.path, old, shape: shape)
        case 2: try rewrite(object.path, old.map { Int64(clamping: Int($0.isFinite ? $0 : 0)) }, shape: shape)
        case 3: try rewrite(object.path, old.map { Int32(clamping: Int($0.isFinite ? $0 : 0)) }, shape: shape)
        case 4: try rewrite(object.path, old.map { UInt8(clamping: Int($0.isFinite ? $0 : 0)) }, shape: shape)
        case 5: try rewrite(object.path, old.map { UInt16(clamping: Int($0.isFinite ? $0 : 0)) }, shape: shape)
        default: try rewrite(object.path, old.map { Float16(Float($0)) }, shape: shape)
        }
    }

    func transpose(_ object: ObjectDescription) throws {
        guard let shape = object.shape, shape.count == 2 else { throw Skipped() }
        let old = try values(object)
        var flipped = [Float](repeating: 0, count: old.count)
        for row in 0..<shape[0] { for column in 0..<shape[1] { flipped[column * shape[0] + row] = Float(old[row * shape[1] + column]) } }
        try rewrite(object.path, flipped, shape: [shape[1], shape[0]])
    }

    mutating func reshape(_ object: ObjectDescription) throws {
        let old = try values(object).map(Float.init)
        let shape = object.shape ?? []
        let count = old.count
        let next: [Int] = random.pick([[count], [count, 1], [1, count], shape + [1], []].filter { $0.reduce(1, *) == count })
        try rewrite(object.path, next.isEmpty ? [old.first ?? 0] : old, shape: next)
    }

    func swap(_ object: ObjectDescription, with other: ObjectDescription) throws {
        guard object.path != other.path else { throw Skipped() }
        let temporary = object.path + "_swap"
        try root.moveLink(object.path, to: temporary)
        try root.moveLink(other.path, to: object.path)
        try root.moveLink(temporary, to: other.path)
    }

    mutating func rename(_ object: ObjectDescription) throws {
        let parts = object.path.split(separator: "/").map(String.init)
        let leaf = parts.last ?? ""
        let names = ["9223372036854775807", "01", "-1", "+2", "1e3", "x", "", String((Int(leaf) ?? 0) + 1 + random.below(3)),
                     "W_enc", "W_dec", "b_enc", "weight", "bias", "activations", "sparse", "labels", "sae_3", "depth_0",
                     String(repeating: "n", count: 300), "a\u{1B}[31mred"]
        let name = random.pick(names.filter { !$0.isEmpty && $0 != leaf })
        try root.moveLink(object.path, to: "/" + (parts.dropLast() + [name]).joined(separator: "/"))
    }

    /// A depth group linked in again under a new number.
    mutating func addDepth() throws {
        let depths = try root.group("depths").linkNames().compactMap(Int.init)
        guard let deepest = depths.max() else { throw Skipped() }
        let number = random.pick([deepest + 1, deepest + 2, deepest + 1_000, 1_000_000])
        try root.createHardLink("depths/\(number)", target: "depths/\(random.pick(depths))")
    }

    // MARK: Attributes

    mutating func editAttribute(_ object: ObjectDescription) throws {
        let holder: any AttributeHolder = object.kind == .dataset ? try root.dataset(object.path) : try root.group(object.path)
        let name = random.pick(["d_in", "d_sae", "activation_fn", "apply_b_dec_to_input", "metasae_schema_version",
                                "metasae_schema", "seed", "shape", "hidden_layer", "dtype", "cfg", "k", "threshold"])
        let target: any AttributeHolder = name.hasPrefix("metasae") ? root : holder
        switch random.below(7) {
        case 0: try target.setAttribute(name, random.pick([Int64(-1), 0, 1, 7, 1 << 62, Int64.max]))
        case 1: try target.setAttribute(name, random.pick(["relu", "topk", "gelu", "ReLU", "", "bfloat16", "{\"activation_fn\": \"jumprelu\"}", "\u{1B}[2J"]))
        case 2: try target.setAttribute(name, random.pick([Double.nan, 1e300, -0.5]))
        case 3: try target.setAttribute(name, random.pick([[Int64(64), 10], [Int64(1) << 62, 1 << 62], [Int64(-1), 5], [Int64(1), 2, 3]]))
        case 4: try target.removeAttribute(try choose((try? target.attributeNames()) ?? []))
        default: try target.setAttribute(name, [Double](repeating: 1, count: random.pick([0, 2, 1 << 10])))
        }
    }

    // MARK: Sparse forms and null models

    /// The compressed-row form of a depth's dense activations, possibly broken.
    mutating func addSparse() throws {
        let depths = try root.group("depths").linkNames()
        let depth = try choose(depths)
        let dense = try readable(root.dataset("depths/\(depth)/activations"))
        let shape = try dense.shape.dims
        guard shape.count == 2 else { throw Skipped() }
        let values = try dense.readAll(as: Float.self)
        var indptr: [Int64] = [0]
        var indices: [Int32] = []
        var stored: [Float] = []
        for row in 0..<shape[0] {
            for column in 0..<shape[1] where values[row * shape[1] + column] != 0 {
                indices.append(Int32(column))
                stored.append(values[row * shape[1] + column])
            }
            indptr.append(Int64(indices.count))
        }
        var dims = [Int64(shape[0]), Int64(shape[1])]
        switch random.below(7) {
        case 0 where indptr.count > 2: indptr[1] = indptr[2] + 1
        case 1 where !indices.isEmpty: indices[random.below(indices.count)] = Int32(shape[1] + random.below(5))
        case 2 where !stored.isEmpty: stored.removeLast()
        case 3: dims[random.below(2)] += Int64(random.pick([-1, 1, 1 << 40]))
        case 4 where !indices.isEmpty: indices[0] = -1
        default: break
        }
        let group = try root.createGroup("depths/\(depth)/sparse")
        try group.writeDataset("indptr", indptr, shape: [indptr.count])
        try group.writeDataset("indices", indices, shape: [indices.count])
        try group.writeDataset("values", stored, shape: [stored.count])
        try group.setAttribute("shape", dims)
        if random.chance(0.3) { try root.removeLink("depths/\(depth)/activations") }
    }

    /// A null cascade made of the trained SAEs, linked in, sometimes broken.
    mutating func addNullModel() throws {
        let depths = try root.group("depths").linkNames().compactMap(Int.init).filter { $0 >= 1 }.sorted()
        guard !depths.isEmpty else { throw Skipped() }
        let index = random.pick([0, 1, 7, 10_001])
        let group = try root.requireGroup("null_models/\(index)")
        if random.chance(0.8) { try group.setAttribute("seed", Int64(random.below(1_000))) }
        let skip = random.chance(0.2) ? random.pick(depths) : nil
        for depth in depths where depth != skip {
            let source = random.chance(0.15) ? random.pick(depths) : depth
            try root.createHardLink("null_models/\(index)/depths/\(depth)/sae", target: "depths/\(source)/sae")
        }
        if random.chance(0.3), let depth = depths.first {
            try root.createHardLink("null_models/\(index)/depths/\(depth)/activations", target: "depths/\(random.pick(depths))/activations")
        }
    }

    // MARK: Sizes, links, storage, values

    /// Replaced by a chunked dataset of a huge declared size, never written.
    mutating func declareHuge(_ object: ObjectDescription) throws {
        var shape = object.shape ?? [1]
        if shape.isEmpty { shape = [1] }
        shape[0] = 1 << (20 + random.below(40))
        try root.removeLink(object.path)
        var chunks = shape.map { min($0, 64) }
        chunks[0] = 1_024
        try root.createDataset(object.path, of: Float.self, shape: shape,
                               options: DatasetOptions(chunkDims: chunks, maxDims: shape.map { _ in nil }))
    }

    mutating func replaceByLink(_ object: ObjectDescription, others: [ObjectDescription]) throws {
        try root.removeLink(object.path)
        switch random.below(6) {
        case 0: try root.createSoftLink(object.path, target: random.pick(others).path)
        case 1: try root.createSoftLink(object.path, target: "/nowhere/at/all")
        case 2: try root.createSoftLink(object.path, target: object.path)
        case 3: try root.createExternalLink(object.path, file: "missing-\(random.below(9)).h5", target: "/x")
        case 4: try root.createExternalLink(object.path, file: seedPath, target: object.path)
        default: try root.createHardLink(object.path, target: try choose(others.filter { $0.path != object.path }).path)
        }
    }

    mutating func injectNonFinite(_ object: ObjectDescription) throws {
        guard object.datatype?.typeClass == .float, let shape = object.shape else { throw Skipped() }
        var old = try values(object).map(Float.init)
        guard !old.isEmpty else { throw Skipped() }
        for _ in 0..<(1 + random.below(3)) { old[random.below(old.count)] = random.pick([.nan, .infinity, -.infinity]) }
        try rewrite(object.path, old, shape: shape)
    }

    mutating func breakLabels() throws {
        let labels = try readable(root.dataset("labels"))
        var old = try labels.readAll(as: Int64.self)
        guard !old.isEmpty else { throw Skipped() }
        old[random.below(old.count)] = random.pick([10, -1, 1_000, Int64.min])
        try rewrite("labels", old, shape: try labels.shape.dims)
    }

    mutating func empty(_ object: ObjectDescription) throws {
        var shape = object.shape ?? [0]
        if shape.isEmpty { shape = [0] }
        shape[0] = 0
        try rewrite(object.path, [Float](), shape: shape)
    }

    /// Data outside the file: a virtual dataset or external raw storage.
    mutating func storeOutside(_ object: ObjectDescription) throws {
        guard let shape = object.shape, !shape.isEmpty else { throw Skipped() }
        try root.removeLink(object.path)
        let dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), dims, nil)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(chdf5_P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        if random.chance(0.5) {
            let source = random.chance(0.5) ? seedPath : "vanished.h5"
            H5Pset_virtual(dcpl, space, source, object.path, space)
        } else {
            H5Pset_external(dcpl, "outside.bin", 0, hsize_t(shape.reduce(4, *)))
        }
        let id = H5Dcreate2(root.objectID, object.path, chdf5_T_NATIVE_FLOAT(), space, chdf5_P_DEFAULT(), dcpl, chdf5_P_DEFAULT())
        guard id >= 0 else { throw Skipped() }
        H5Dclose(id)
    }

    /// One of `choices`, or a skipped edit when there are none.
    mutating func choose<T>(_ choices: [T]) throws -> T {
        guard !choices.isEmpty else { throw Skipped() }
        return random.pick(choices)
    }

    struct Skipped: Error {}
}
