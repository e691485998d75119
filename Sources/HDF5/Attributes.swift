import CHDF5

/// Something that carries attributes: a group or a dataset.
public protocol AttributeHolder {
    var objectID: hid_t { get }
    var filePath: String { get }
    var objectPath: String { get }
}

extension Group: AttributeHolder {
    public var objectID: hid_t { handle.id }
    public var filePath: String { file.path }
    public var objectPath: String { path }
}

extension Dataset: AttributeHolder {
    public var objectID: hid_t { handle.id }
    public var filePath: String { file.path }
    public var objectPath: String { path }
}

extension AttributeHolder {
    /// Attribute names in creation-independent (name) order.
    public func attributeNames() throws -> [String] {
        var info = H5O_info_t()
        try HDF5Call.status("list attributes", file: filePath, object: objectPath) {
            H5Oget_info2(objectID, &info, UInt32(H5O_INFO_NUM_ATTRS))
        }
        var names: [String] = []
        for index in 0..<info.num_attrs {
            let name = HDF5Call.locked { () -> String in
                let length = H5Aget_name_by_idx(objectID, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_P_DEFAULT())
                guard length >= 0, length <= Group.longestName else { return "?" }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                _ = H5Aget_name_by_idx(objectID, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, chdf5_P_DEFAULT())
                return String(nulTerminated: buffer)
            }
            names.append(name)
        }
        return names
    }

    public func hasAttribute(_ name: String) -> Bool {
        HDF5Call.locked { H5Aexists(objectID, name) > 0 }
    }

    /// Reads one attribute: numbers widen to Int64 or Double, strings (fixed
    /// or h5py's variable-length UTF-8) decode to `String`.
    public func attribute(_ name: String) throws -> AttributeValue {
        let operation = "read attribute '\(name)' of"
        let attribute = try Handle(
            try HDF5Call.id(operation, file: filePath, object: objectPath, kind: .noSuchObject) {
                H5Aopen(objectID, name, chdf5_P_DEFAULT())
            }, operation: operation, closer: H5Aclose)
        let type = try Handle.datatype(try HDF5Call.id(operation, file: filePath, object: objectPath) {
            H5Aget_type(attribute.id)
        })
        let space = try Handle.dataspace(try HDF5Call.id(operation, file: filePath, object: objectPath) {
            H5Aget_space(attribute.id)
        })
        let shape = try Shape.decode(space.id, operation: operation)
        let info = DatatypeInfo.decode(type.id)
        // Declared sizes come from the file: bound the bytes before allocating.
        guard let count = shape.elementCount, count <= 1 << 24,
              case (let bytes, false) = count.multipliedReportingOverflow(by: max(info.size, 8)),
              bytes <= Self.largestAttributeBytes else {
            return .unsupported("attribute too large: \(shape) of \(info.displayName)")
        }
        switch info.typeClass {
        case .string:
            let texts = try readStrings(attribute: attribute, fileType: type, space: space, count: count, info: info, operation: operation)
            return shape.isScalar ? .string(texts.first ?? "") : .strings(texts)
        case .integer:
            if !info.isSigned && info.size == 8 {
                var values = [UInt64](repeating: 0, count: count)
                try HDF5Call.status(operation, file: filePath, object: objectPath) {
                    H5Aread(attribute.id, UInt64.memoryType, &values)
                }
                let wide = values.map { Int64(clamping: $0) }
                return shape.isScalar ? .integer(wide.first ?? 0) : .integers(wide)
            }
            var values = [Int64](repeating: 0, count: count)
            try HDF5Call.status(operation, file: filePath, object: objectPath) {
                H5Aread(attribute.id, Int64.memoryType, &values)
            }
            return shape.isScalar ? .integer(values.first ?? 0) : .integers(values)
        case .float:
            var values = [Double](repeating: 0, count: count)
            try HDF5Call.status(operation, file: filePath, object: objectPath) {
                H5Aread(attribute.id, Double.memoryType, &values)
            }
            return shape.isScalar ? .double(values.first ?? 0) : .doubles(values)
        case .enum where info.size == 1:
            // h5py stores numpy bools as an int8 enum {FALSE, TRUE}.
            var values = [Int8](repeating: 0, count: count)
            let status = HDF5Call.locked { H5Aread(attribute.id, Int8.memoryType, &values) }
            if status < 0 { return .unsupported(info.displayName) }
            let wide = values.map(Int64.init)
            return shape.isScalar ? .integer(wide.first ?? 0) : .integers(wide)
        default:
            return .unsupported(info.displayName)
        }
    }

    private func readStrings(
        attribute: Handle, fileType: Handle, space: Handle, count: Int, info: DatatypeInfo, operation: String
    ) throws -> [String] {
        if info.isVariableLength {
            let memoryType = try Handle.datatype(try HDF5Call.id(operation) { H5Tcopy(chdf5_T_C_S1()) })
            try HDF5Call.status(operation) { H5Tset_size(memoryType.id, chdf5_T_VARIABLE()) }
            try HDF5Call.status(operation) { H5Tset_cset(memoryType.id, H5Tget_cset(fileType.id)) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try HDF5Call.status(operation, file: filePath, object: objectPath) {
                H5Aread(attribute.id, memoryType.id, &pointers)
            }
            let texts = pointers.map { $0.map { String(cString: $0) } ?? "" }
            HDF5Call.locked { _ = H5Dvlen_reclaim(memoryType.id, space.id, chdf5_P_DEFAULT(), &pointers) }
            return texts
        }
        let width = max(info.size, 1)
        var bytes = [UInt8](repeating: 0, count: width * count)
        try HDF5Call.status(operation, file: filePath, object: objectPath) {
            H5Aread(attribute.id, fileType.id, &bytes)
        }
        return (0..<count).map { index in
            let slice = bytes[(index * width)..<((index + 1) * width)]
            let trimmed = slice.prefix { $0 != 0 }
            return String(decoding: trimmed, as: UTF8.self).trimmingTrailingSpaces()
        }
    }

    /// Attributes beyond this many bytes are refused, not read.
    static var largestAttributeBytes: Int { 16 << 20 }

    /// Every attribute, by name.
    public func attributes() throws -> [(name: String, value: AttributeValue)] {
        try attributeNames().map { name in
            let value = (try? attribute(name)) ?? .unsupported("unreadable")
            return (name, value)
        }
    }

    /// Writes (replacing) a scalar string attribute as variable-length UTF-8,
    /// the way h5py writes Python `str`.
    public func setAttribute(_ name: String, _ value: String) throws {
        let operation = "write attribute '\(name)' of"
        let type = try Handle.datatype(try HDF5Call.id(operation) { H5Tcopy(chdf5_T_C_S1()) })
        try HDF5Call.status(operation) { H5Tset_size(type.id, chdf5_T_VARIABLE()) }
        try HDF5Call.status(operation) { H5Tset_cset(type.id, H5T_CSET_UTF8) }
        let space = try Shape(dims: []).makeDataspace(operation: operation)
        let attribute = try createReplacingAttribute(name, type: type.id, space: space.id, operation: operation)
        try value.withCString { pointer in
            var pointers: [UnsafePointer<CChar>?] = [pointer]
            try HDF5Call.status(operation, file: filePath, object: objectPath) {
                H5Awrite(attribute.id, type.id, &pointers)
            }
        }
    }

    /// Writes (replacing) a scalar or 1-D numeric attribute.
    public func setAttribute<T: HDF5Scalar>(_ name: String, _ values: [T], scalar: Bool = false) throws {
        let operation = "write attribute '\(name)' of"
        let shape = scalar && values.count == 1 ? Shape(dims: []) : Shape(dims: [values.count])
        let space = try shape.makeDataspace(operation: operation)
        let attribute = try createReplacingAttribute(name, type: T.memoryType, space: space.id, operation: operation)
        try values.withUnsafeBufferPointer { buffer in
            try HDF5Call.status(operation, file: filePath, object: objectPath) {
                H5Awrite(attribute.id, T.memoryType, buffer.baseAddress)
            }
        }
    }

    public func setAttribute<T: HDF5Scalar>(_ name: String, _ value: T) throws {
        try setAttribute(name, [value], scalar: true)
    }

    /// Deletes an attribute.
    public func removeAttribute(_ name: String) throws {
        try HDF5Call.status("delete attribute '\(name)' of", file: filePath, object: objectPath) { H5Adelete(objectID, name) }
    }

    private func createReplacingAttribute(_ name: String, type: hid_t, space: hid_t, operation: String) throws -> Handle {
        if hasAttribute(name) {
            try HDF5Call.status(operation, file: filePath, object: objectPath) { H5Adelete(objectID, name) }
        }
        let id = try HDF5Call.id(operation, file: filePath, object: objectPath) {
            H5Acreate2(objectID, name, type, space, chdf5_P_DEFAULT(), chdf5_P_DEFAULT())
        }
        return try Handle(id, operation: operation, closer: H5Aclose)
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
