import CHDF5

/// An owned HDF5 identifier that is closed exactly once.
///
/// Every wrapper (File, Group, Dataset, …) holds one. Closing never throws:
/// a failure to close in `deinit` has nowhere to go, and HDF5 reports it only
/// to its (silenced) error stack.
final class Handle: @unchecked Sendable {
    private(set) var id: hid_t
    private let closer: (hid_t) -> herr_t

    /// Refuses invalid ids at construction.
    init(_ id: hid_t, operation: String, closer: @escaping (hid_t) -> herr_t) throws {
        guard id >= 0 else {
            throw HDF5Error(.invalidArgument, operation: operation, detail: "invalid HDF5 id \(id)")
        }
        self.id = id
        self.closer = closer
    }

    var isOpen: Bool { id >= 0 }

    func close() {
        HDF5Call.locked {
            if id >= 0 {
                _ = closer(id)
                id = -1
            }
        }
    }

    deinit { close() }
}

extension Handle {
    static func dataspace(_ id: hid_t) throws -> Handle {
        try Handle(id, operation: "wrap dataspace", closer: H5Sclose)
    }
    static func datatype(_ id: hid_t) throws -> Handle {
        try Handle(id, operation: "wrap datatype", closer: H5Tclose)
    }
    static func propertyList(_ id: hid_t) throws -> Handle {
        try Handle(id, operation: "wrap property list", closer: H5Pclose)
    }
}
