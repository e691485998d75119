import CHDF5

/// What a stored datatype is, decoded once into plain Swift values.
public struct DatatypeInfo: Sendable, Equatable, Codable {
    public enum TypeClass: String, Sendable, Codable {
        case integer, float, string, bitfield, opaque, compound, reference, `enum`, vlen, array, time, unknown
    }
    public enum ByteOrder: String, Sendable, Codable {
        case little, big, none
    }

    /// Whether values could be bfloat16 bits: 2-byte integers or opaque
    /// (how PyTorch exports without a float16-like HDF5 type store them).
    public var couldHoldBFloat16: Bool { size == 2 && (typeClass == .integer || typeClass == .opaque) }

    public var typeClass: TypeClass
    /// Element size in bytes; 0 for variable-length strings' payload (the
    /// stored pointer size is reported for vlen types).
    public var size: Int
    public var order: ByteOrder
    /// Integers only.
    public var isSigned: Bool
    /// Strings only.
    public var isVariableLength: Bool
    /// Strings only: "ascii" or "utf-8".
    public var characterSet: String?
    /// Opaque types only: the tag, which marks e.g. bfloat16 exports.
    public var tag: String?
    /// Compound types only: member names.
    public var members: [String]?

    /// A NumPy-style code: `<f4`, `>f2`, `<i8`, `|u1`, `|S10`, `O` (vlen string).
    public var numpyCode: String {
        let endian: String
        switch order {
        case .little: endian = "<"
        case .big: endian = ">"
        case .none: endian = "|"
        }
        switch typeClass {
        case .integer: return (size == 1 ? "|" : endian) + (isSigned ? "i" : "u") + "\(size)"
        case .float: return endian + "f\(size)"
        case .string: return isVariableLength ? "O" : "|S\(size)"
        case .opaque: return "|V\(size)"
        default: return typeClass.rawValue
        }
    }

    /// A readable name: `float32`, `float16 big-endian`, `int64`,
    /// `string (variable-length, utf-8)`.
    public var displayName: String {
        var base: String
        switch typeClass {
        case .integer: base = (isSigned ? "int" : "uint") + "\(size * 8)"
        case .float: base = "float\(size * 8)"
        case .string:
            base = "string (" + (isVariableLength ? "variable-length" : "fixed \(size) bytes")
            if let characterSet { base += ", \(characterSet)" }
            base += ")"
            return base
        case .opaque:
            base = "opaque \(size) bytes" + (tag.flatMap { $0.isEmpty ? nil : " tag '\($0)'" } ?? "")
            return base
        case .compound:
            return "compound {" + (members ?? []).joined(separator: ", ") + "}"
        default: return "\(typeClass.rawValue) (\(size) bytes)"
        }
        if order == .big && size > 1 { base += " big-endian" }
        return base
    }

    /// True for integer and floating-point types, which convert to any
    /// native numeric memory type.
    public var isNumeric: Bool { typeClass == .integer || typeClass == .float }
}

extension DatatypeInfo {
    /// Decodes a datatype id. The caller holds a valid id; nothing is closed.
    static func decode(_ type: hid_t) -> DatatypeInfo {
        HDF5Call.locked {
            let typeClass: TypeClass
            switch H5Tget_class(type) {
            case H5T_INTEGER: typeClass = .integer
            case H5T_FLOAT: typeClass = .float
            case H5T_STRING: typeClass = .string
            case H5T_BITFIELD: typeClass = .bitfield
            case H5T_OPAQUE: typeClass = .opaque
            case H5T_COMPOUND: typeClass = .compound
            case H5T_REFERENCE: typeClass = .reference
            case H5T_ENUM: typeClass = .enum
            case H5T_VLEN: typeClass = .vlen
            case H5T_ARRAY: typeClass = .array
            case H5T_TIME: typeClass = .time
            default: typeClass = .unknown
            }
            let size = Int(H5Tget_size(type))
            var order = ByteOrder.none
            if typeClass == .integer || typeClass == .float || typeClass == .bitfield || typeClass == .enum {
                switch H5Tget_order(type) {
                case H5T_ORDER_LE: order = .little
                case H5T_ORDER_BE: order = .big
                default: order = .none
                }
            }
            var info = DatatypeInfo(
                typeClass: typeClass, size: size, order: order, isSigned: false,
                isVariableLength: false, characterSet: nil, tag: nil, members: nil)
            if typeClass == .integer {
                info.isSigned = H5Tget_sign(type) == H5T_SGN_2
            }
            if typeClass == .string {
                info.isVariableLength = H5Tis_variable_str(type) > 0
                info.characterSet = H5Tget_cset(type) == H5T_CSET_UTF8 ? "utf-8" : "ascii"
            }
            if typeClass == .opaque, let raw = H5Tget_tag(type) {
                info.tag = String(cString: raw)
                H5free_memory(raw)
            }
            if typeClass == .compound {
                let count = max(0, Int(H5Tget_nmembers(type)))
                info.members = (0..<count).map { index in
                    guard let raw = H5Tget_member_name(type, UInt32(index)) else { return "?" }
                    defer { H5free_memory(raw) }
                    return String(cString: raw)
                }
            }
            return info
        }
    }
}
