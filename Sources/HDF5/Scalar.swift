import CHDF5

/// A Swift element type that has a native HDF5 memory type.
///
/// Reads and writes always name the memory type from here, never the file's
/// type, so libhdf5 converts big-endian, float16 and narrower integers for us.
public protocol HDF5Scalar: Sendable {
    /// The HDF5 native memory type for this Swift type (owned by the library).
    static var memoryType: hid_t { get }
    /// Short name for messages, e.g. "float32".
    static var typeName: String { get }
}

extension Float: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_FLOAT() } }
    public static var typeName: String { "float32" }
}
extension Double: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_DOUBLE() } }
    public static var typeName: String { "float64" }
}
extension Int8: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_INT8() } }
    public static var typeName: String { "int8" }
}
extension UInt8: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_UINT8() } }
    public static var typeName: String { "uint8" }
}
extension Int16: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_INT16() } }
    public static var typeName: String { "int16" }
}
extension UInt16: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_UINT16() } }
    public static var typeName: String { "uint16" }
}
extension Int32: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_INT32() } }
    public static var typeName: String { "int32" }
}
extension UInt32: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_UINT32() } }
    public static var typeName: String { "uint32" }
}
extension Int64: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_INT64() } }
    public static var typeName: String { "int64" }
}
extension UInt64: HDF5Scalar {
    public static var memoryType: hid_t { HDF5Call.locked { chdf5_T_NATIVE_UINT64() } }
    public static var typeName: String { "uint64" }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
extension Float16: HDF5Scalar {
    /// libhdf5 1.10 has no native half type; this is the IEEE binary16
    /// layout h5py uses, in native (little-endian) order, built once.
    public static var memoryType: hid_t { Float16MemoryType.shared.id }
    public static var typeName: String { "float16" }
}

/// The process's one float16 memory type, kept open for its lifetime.
final class Float16MemoryType: @unchecked Sendable {
    static let shared = Float16MemoryType()
    let id: hid_t

    private init() {
        id = HDF5Call.locked {
            let type = H5Tcopy(chdf5_T_IEEE_F32LE())
            H5Tset_fields(type, 15, 10, 5, 0, 10)
            H5Tset_size(type, 2)
            H5Tset_ebias(type, 15)
            return type
        }
    }
}
#endif
