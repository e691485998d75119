/// Everything `describe` shows about one object, for any HDF5 file.
public struct ObjectDescription: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case group, dataset, namedDatatype = "named_datatype", softLink = "soft_link"
        case externalLink = "external_link", unreadable
    }
    public struct Attribute: Sendable, Codable, Equatable {
        public var name: String
        public var value: AttributeValue
    }

    public var path: String
    public var kind: Kind
    /// Soft and external links: where they point (never followed).
    public var target: String?
    /// NumPy-style type code (`<f4`, `>f2`), as h5py's `dtype.str` shows it.
    public var dtype: String?
    /// Readable type name (`float16 big-endian`).
    public var dtypeName: String?
    public var datatype: DatatypeInfo?
    public var shape: [Int]?
    /// `nil` entries are unlimited.
    public var maxShape: [Int?]?
    public var layout: StorageLayout?
    /// Bytes the data would take uncompressed.
    public var logicalBytes: Int?
    /// Bytes allocated in the file.
    public var storedBytes: Int?
    public var attributes: [Attribute]
    /// Why part of this object could not be read.
    public var problem: String?

    /// The problem noted on a second hard link to a group already walked:
    /// a loop guard, not damage.
    public static let repeatedGroupLink = "hard link to a group already listed"

    /// A problem other than a repeated group link.
    public var isDamaged: Bool { problem != nil && problem != Self.repeatedGroupLink }

    init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
        self.attributes = []
    }
}

extension File {
    /// Walks every group, dataset and link reachable by hard links from the
    /// root, depth first in name order. Soft and external links are listed,
    /// not followed; an object reached twice (hard-link cycles) once.
    public func describeObjects() throws -> [ObjectDescription] {
        var visited = Set<String>()
        var results: [ObjectDescription] = []
        let root = try self.root
        results.append(root.describeSelf())
        try root.describeChildren(into: &results, visited: &visited)
        return results
    }
}

extension Group {
    func describeSelf() -> ObjectDescription {
        var description = ObjectDescription(path: path, kind: .group)
        description.attributes = describeAttributes(of: self, problem: &description.problem)
        return description
    }

    func describeChildren(into results: inout [ObjectDescription], visited: inout Set<String>) throws {
        visited.insert(objectToken)
        let names: [String]
        do {
            names = try linkNames()
        } catch {
            results[results.count - 1].problem = "\(error)"
            return
        }
        for name in names {
            let childPath = self.childPath(name)
            let entry: LinkEntry
            do {
                entry = try self.entry(named: name)
            } catch {
                var broken = ObjectDescription(path: childPath, kind: .unreadable)
                broken.problem = "\(error)"
                results.append(broken)
                continue
            }
            switch entry.kind {
            case .group:
                do {
                    let child = try group(name)
                    if visited.contains(child.objectToken) {
                        var repeated = ObjectDescription(path: childPath, kind: .group)
                        repeated.problem = ObjectDescription.repeatedGroupLink
                        results.append(repeated)
                        continue
                    }
                    results.append(child.describeSelf())
                    try child.describeChildren(into: &results, visited: &visited)
                } catch {
                    var broken = ObjectDescription(path: childPath, kind: .group)
                    broken.problem = "\(error)"
                    results.append(broken)
                }
            case .dataset:
                do {
                    results.append(try dataset(name).describeSelf())
                } catch {
                    var broken = ObjectDescription(path: childPath, kind: .dataset)
                    broken.problem = "\(error)"
                    results.append(broken)
                }
            case .namedDatatype:
                results.append(ObjectDescription(path: childPath, kind: .namedDatatype))
            case .softLink(let target):
                var link = ObjectDescription(path: childPath, kind: .softLink)
                link.target = target
                results.append(link)
            case .externalLink(let file, let path):
                var link = ObjectDescription(path: childPath, kind: .externalLink)
                link.target = "\(file):\(path)"
                results.append(link)
            case .unreadable(let reason):
                var broken = ObjectDescription(path: childPath, kind: .unreadable)
                broken.problem = reason
                results.append(broken)
            }
        }
    }
}

extension Dataset {
    func describeSelf() -> ObjectDescription {
        var description = ObjectDescription(path: path, kind: .dataset)
        do {
            let type = try datatype
            let shape = try self.shape
            description.datatype = type
            description.dtype = type.numpyCode
            description.dtypeName = type.displayName
            description.shape = shape.dims
            description.maxShape = shape.maxDims
            description.layout = try storageLayout
            if let count = shape.elementCount {
                let (bytes, overflow) = count.multipliedReportingOverflow(by: type.size)
                description.logicalBytes = overflow ? nil : bytes
            }
            description.storedBytes = storedBytes
        } catch {
            description.problem = "\(error)"
        }
        description.attributes = describeAttributes(of: self, problem: &description.problem)
        return description
    }
}

private func describeAttributes(of holder: some AttributeHolder, problem: inout String?) -> [ObjectDescription.Attribute] {
    do {
        return try holder.attributes().map { ObjectDescription.Attribute(name: $0.name, value: $0.value) }
    } catch {
        problem = problem ?? "attributes unreadable: \(error)"
        return []
    }
}
