import CHDF5

/// A group in an open file.
public final class Group: @unchecked Sendable {
    let handle: Handle
    /// The file this group lives in, kept alive by the group.
    public let file: File
    /// Absolute path of the group inside the file.
    public let path: String

    init(handle: Handle, file: File, path: String) {
        self.handle = handle
        self.file = file
        self.path = path
    }

    static func open(in file: File, at path: String, from location: hid_t, name: String) throws -> Group {
        let id = try HDF5Call.id("open group", file: file.path, object: path) {
            H5Gopen2(location, name, chdf5_P_DEFAULT())
        }
        return Group(handle: try Handle(id, operation: "open group", closer: H5Gclose), file: file, path: path)
    }

    /// Opens a child group by relative (or absolute) path.
    public func group(_ name: String) throws -> Group {
        try checkedPath(name, operation: "open group")
        return try Group.open(in: file, at: childPath(name), from: handle.id, name: name)
    }

    /// Creates a child group; intermediate groups are created as needed.
    @discardableResult
    public func createGroup(_ name: String) throws -> Group {
        let lcpl = try intermediateGroupsLinkList()
        let gcpl = try Handle.propertyList(try HDF5Call.id("create group") { H5Pcreate(chdf5_P_GROUP_CREATE()) })
        try HDF5Call.status("create group") { H5Pset_obj_track_times(gcpl.id, false) }
        let id = try HDF5Call.id("create group", file: file.path, object: childPath(name)) {
            H5Gcreate2(handle.id, name, lcpl.id, gcpl.id, chdf5_P_DEFAULT())
        }
        return Group(handle: try Handle(id, operation: "create group", closer: H5Gclose),
                     file: file, path: childPath(name))
    }

    /// Opens a child group, creating it (and its parents) when absent.
    public func requireGroup(_ name: String) throws -> Group {
        contains(name) ? try group(name) : try createGroup(name)
    }

    /// Opens a dataset by relative (or absolute) path.
    public func dataset(_ name: String) throws -> Dataset {
        try checkedPath(name, operation: "open dataset")
        return try Dataset.open(in: file, at: childPath(name), from: handle.id, name: name)
    }

    /// A soft link `name` → `target` (a path in this file).
    public func createSoftLink(_ name: String, target: String) throws {
        try HDF5Call.status("create soft link", file: file.path, object: childPath(name)) {
            H5Lcreate_soft(target, handle.id, name, chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
        }
    }

    /// A second name `name` for the object at `target` (a hard link).
    public func createHardLink(_ name: String, target: String) throws {
        try HDF5Call.status("create hard link", file: file.path, object: childPath(name)) {
            H5Lcreate_hard(handle.id, target, handle.id, name, chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
        }
    }

    /// An external link `name` → `target` in file `file` (never followed by readers).
    public func createExternalLink(_ name: String, file targetFile: String, target: String) throws {
        try HDF5Call.status("create external link", file: file.path, object: childPath(name)) {
            H5Lcreate_external(targetFile, target, handle.id, name, chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
        }
    }

    /// Renames a link (intermediate groups of `to` must exist).
    public func moveLink(_ name: String, to newName: String) throws {
        try HDF5Call.status("move link", file: file.path, object: childPath(name)) {
            H5Lmove(handle.id, name, handle.id, newName, chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
        }
    }

    /// Removes a link (the object goes when nothing else refers to it).
    public func removeLink(_ name: String) throws {
        try HDF5Call.status("delete", file: file.path, object: childPath(name)) {
            H5Ldelete(handle.id, name, chdf5_P_DEFAULT())
        }
    }

    /// Closes the group now rather than at deinit.
    public func close() { handle.close() }

    func intermediateGroupsLinkList() throws -> Handle {
        let lcpl = try Handle.propertyList(try HDF5Call.id("create link property list") {
            H5Pcreate(chdf5_P_LINK_CREATE())
        })
        try HDF5Call.status("create link property list") { H5Pset_create_intermediate_group(lcpl.id, 1) }
        // Names are stored as UTF-8, as h5py does.
        try HDF5Call.status("create link property list") { H5Pset_char_encoding(lcpl.id, H5T_CSET_UTF8) }
        return lcpl
    }
}
