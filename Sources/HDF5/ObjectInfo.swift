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
