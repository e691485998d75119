import CHDF5

/// Small wrapper over `H5Oget_info2` for the object's file address.
struct H5OInfo {
    /// A string that is equal for two ids naming the same object.
    mutating func token(of id: hid_t) -> String {
        var info = H5O_info_t()
        let status = HDF5Call.locked { H5Oget_info2(id, &info, UInt32(H5O_INFO_BASIC)) }
        return status < 0 ? "unknown-\(id)" : "\(info.fileno):\(info.addr)"
    }
}

extension AttributeHolder {
    /// Identifies the underlying object: equal for every path (hard or soft
    /// link) that names it, so link cycles and aliases can be recognised.
    public var objectToken: String {
        var info = H5OInfo()
        return info.token(of: objectID)
    }
}
