import CHDF5

/// One entry of a group, described without following it out of the file.
public struct LinkEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case group
        case dataset
        case namedDatatype
        /// A soft link and its target path (inside this file).
        case softLink(target: String)
        /// An external link: never followed.
        case externalLink(file: String, path: String)
        /// A hard link whose object could not be inspected (dangling, corrupt).
        case unreadable(reason: String)
    }
    public var name: String
    public var kind: Kind
}

extension Group {
    /// The names of this group's links, in name order.
    public func linkNames() throws -> [String] {
        var info = H5G_info_t()
        try HDF5Call.status("list group", file: file.path, object: path) { H5Gget_info(handle.id, &info) }
        var names: [String] = []
        // A damaged header can declare any count: reserve what is plausible, grow past it.
        names.reserveCapacity(Int(min(info.nlinks, 4_096)))
        for index in 0..<info.nlinks {
            let name = try HDF5Call.locked { () throws -> String in
                let length = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_P_DEFAULT())
                guard length >= 0, length <= Self.longestName else {
                    throw HDF5Error(.corrupt, operation: "list group", file: file.path, object: path,
                                    detail: "link \(index) has no readable name")
                }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                _ = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, chdf5_P_DEFAULT())
                return String(nulTerminated: buffer)
            }
            names.append(name)
        }
        return names
    }

    /// Describes one link of this group without following external links.
    public func entry(named name: String) throws -> LinkEntry {
        var link = H5L_info_t()
        try HDF5Call.status("inspect link", file: file.path, object: childPath(name)) {
            H5Lget_info(handle.id, name, &link, chdf5_P_DEFAULT())
        }
        switch link.type {
        case H5L_TYPE_SOFT, H5L_TYPE_EXTERNAL:
            let size = link.u.val_size
            guard size <= Self.longestName else {
                return LinkEntry(name: name, kind: .unreadable(reason: "link value of \(size) bytes"))
            }
            var buffer = [CChar](repeating: 0, count: size + 1)
            try HDF5Call.status("read link", file: file.path, object: childPath(name)) {
                H5Lget_val(handle.id, name, &buffer, size, chdf5_P_DEFAULT())
            }
            if link.type == H5L_TYPE_SOFT {
                return LinkEntry(name: name, kind: .softLink(target: String(nulTerminated: buffer)))
            }
            var fileName: UnsafePointer<CChar>?
            var objectName: UnsafePointer<CChar>?
            var flags: UInt32 = 0
            try HDF5Call.status("read external link", file: file.path, object: childPath(name)) {
                H5Lunpack_elink_val(&buffer, size, &flags, &fileName, &objectName)
            }
            return LinkEntry(name: name, kind: .externalLink(
                file: fileName.map { String(cString: $0) } ?? "?",
                path: objectName.map { String(cString: $0) } ?? "?"))
        case H5L_TYPE_HARD:
            var object = H5O_info_t()
            do {
                try HDF5Call.status("inspect object", file: file.path, object: childPath(name)) {
                    H5Oget_info_by_name2(handle.id, name, &object, UInt32(H5O_INFO_BASIC), chdf5_P_DEFAULT())
                }
            } catch let error as HDF5Error {
                return LinkEntry(name: name, kind: .unreadable(reason: error.bottomMessage ?? error.description))
            }
            switch object.type {
            case H5O_TYPE_GROUP: return LinkEntry(name: name, kind: .group)
            case H5O_TYPE_DATASET: return LinkEntry(name: name, kind: .dataset)
            case H5O_TYPE_NAMED_DATATYPE: return LinkEntry(name: name, kind: .namedDatatype)
            default: return LinkEntry(name: name, kind: .unreadable(reason: "unknown object type"))
            }
        default:
            return LinkEntry(name: name, kind: .unreadable(reason: "user-defined link type"))
        }
    }

    /// Names and link values longer than this are damage, not data.
    static let longestName = 1 << 16

    /// All entries of this group.
    public func entries() throws -> [LinkEntry] {
        try linkNames().map { try entry(named: $0) }
    }

    /// True when every component of a relative path exists as a link, and
    /// none of them is an external link. Dangling soft links count as absent.
    public func contains(_ relativePath: String) -> Bool {
        (try? checkedPath(relativePath, operation: "look up")) != nil
            && HDF5Call.locked { H5Oexists_by_name(handle.id, relativePath, chdf5_P_DEFAULT()) > 0 }
    }

    /// Whether this group has a link called `name` (of any kind, dangling or
    /// external included), without resolving it.
    public func hasLink(_ name: String) -> Bool {
        HDF5Call.locked { H5Lexists(handle.id, name, chdf5_P_DEFAULT()) > 0 }
    }

    /// Walks a relative path component by component, refusing external links
    /// and reporting the first missing component by name.
    @discardableResult
    func checkedPath(_ relativePath: String, operation: String) throws -> String {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return "." }
        var prefix = relativePath.hasPrefix("/") ? "/" : ""
        for component in components {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            let exists = HDF5Call.locked { H5Lexists(handle.id, prefix, chdf5_P_DEFAULT()) }
            guard exists > 0 else {
                throw HDF5Error(.noSuchObject, operation: operation, file: file.path,
                                object: childPath(relativePath), detail: "'\(childPath(prefix))' does not exist")
            }
            var link = H5L_info_t()
            let status = HDF5Call.locked { H5Lget_info(handle.id, prefix, &link, chdf5_P_DEFAULT()) }
            if status >= 0 && link.type == H5L_TYPE_EXTERNAL {
                throw HDF5Error(.unsupported, operation: operation, file: file.path,
                                object: childPath(relativePath),
                                detail: "'\(childPath(prefix))' is an external link to another file, which is not followed")
            }
        }
        return relativePath
    }

    /// The absolute path of a child.
    func childPath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return path == "/" ? "/" + name : path + "/" + name
    }
}
