import HDF5

/// The datasets of an input file, described once.
public struct SourceDataset: Sendable {
    public var path: String
    public var dims: [Int]
    public var type: DatatypeInfo
    /// A `dtype` / `torch_dtype` attribute naming bfloat16 marks bf16 bits.
    public var markedBF16: Bool

    /// Path components split further on dots: `/sae_1/encoder.weight` →
    /// `sae_1`, `encoder`, `weight`.
    public var tokens: [String] {
        path.split(separator: "/").flatMap { $0.split(separator: ".") }.map(String.init)
    }
}

enum SourceInventory {
    /// Every dataset once, soft links inside the file followed. A dataset
    /// that a soft link names is listed under the link's name, not its hard
    /// path: an exporter's alias is the deliberate name, and listing both
    /// would make one dataset look like two candidates for the same role.
    /// Damaged objects, dangling or looping soft links and external links
    /// are refused rather than skipped: skipping would silently change what
    /// gets converted.
    static func datasets(in file: File) throws -> [SourceDataset] {
        let root = try file.root
        var found: [(dataset: Dataset, isLink: Bool)] = []
        for object in try file.describeObjects() {
            if object.isDamaged, let problem = object.problem {
                throw HDF5Error(.corrupt, operation: "read", file: file.path, object: object.path, detail: problem)
            }
            switch object.kind {
            case .dataset:
                found.append((try root.dataset(object.path), false))
            case .softLink:
                do {
                    found.append((try root.dataset(object.path), true))
                } catch let error as HDF5Error where error.kind == .noSuchObject {
                    // A soft link to a group: its datasets are listed under their own names.
                    if (try? root.group(object.path)) != nil { continue }
                    throw HDF5Error(.noSuchObject, operation: "follow soft link", file: file.path, object: object.path,
                                    detail: "it points to \(object.target ?? "?"), which cannot be opened",
                                    bottomMessage: error.bottomMessage)
                } catch let error as HDF5Error {
                    throw HDF5Error(error.kind == .corrupt ? .corrupt : .noSuchObject, operation: "follow soft link",
                                    file: file.path, object: object.path,
                                    detail: "it points to \(object.target ?? "?"), which cannot be opened",
                                    bottomMessage: error.bottomMessage)
                }
            case .externalLink:
                throw HDF5Error(.unsupported, operation: "follow", file: file.path, object: object.path,
                                detail: "it is an external link to \(object.target ?? "?"), which is not followed; copy the data into the file")
            case .group, .namedDatatype, .unreadable:
                continue  // an unreadable entry always carries a problem, refused above
            }
        }
        // One entry per underlying dataset, under its first soft-link name if it has one.
        var chosen: [String: Int] = [:]
        var order: [String] = []
        for (index, entry) in found.enumerated() {
            let token = entry.dataset.objectToken
            if let previous = chosen[token] {
                if entry.isLink && !found[previous].isLink { chosen[token] = index }
            } else {
                chosen[token] = index
                order.append(token)
            }
        }
        return try order.map { token in
            let dataset = found[chosen[token]!].dataset
            var marked = false
            for name in ["dtype", "torch_dtype", "original_dtype"] where dataset.hasAttribute(name) {
                let text = (try? dataset.attribute(name).stringValue)?.lowercased() ?? ""
                if text.contains("bfloat16") || text == "bf16" { marked = true }
            }
            return SourceDataset(path: dataset.path, dims: try dataset.shape.dims, type: try dataset.datatype, markedBF16: marked)
        }
    }
}
