import CHDF5

/// Row-block I/O: the first dimension is "rows"; every other dimension is
/// flattened into one row of `rowWidth` elements, C order.
extension Dataset {
    /// Reads `rows` into a caller's buffer, converting to `T` in the library.
    /// This is the primary read; everything else allocates on top of it.
    public func read<T: HDF5Scalar>(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        let operation = "read rows \(rows.lowerBound)..<\(rows.upperBound) of"
        let shape = try self.shape
        try checkRowIO(shape: shape, rows: rows, count: buffer.count, operation: operation)
        try refuseExternalStorage(operation: operation)
        if rows.isEmpty { return }
        if try readRaw(rows: rows, shape: shape, into: buffer, operation: operation) { return }
        try readSelection(rows: rows, shape: shape, into: buffer, operation: operation)
    }

    /// The library's read of a row hyperslab, with type conversion.
    func readSelection<T: HDF5Scalar>(rows: Range<Int>, shape: Shape, into buffer: UnsafeMutableBufferPointer<T>, operation: String) throws {
        let (fileSpace, memorySpace) = try rowSelection(shape: shape, rows: rows, operation: operation)
        try HDF5Call.status(operation, file: file.path, object: path) {
            H5Dread(handle.id, T.memoryType, memorySpace.id, fileSpace.id, chdf5_P_DEFAULT(), buffer.baseAddress)
        }
    }

    /// Reads `rows` into a new array.
    public func readRows<T: HDF5Scalar>(_ rows: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        let shape = try self.shape
        guard let width = shape.rowWidth else {
            throw HDF5Error(.corrupt, operation: "read", file: file.path, object: path, detail: "row size overflows")
        }
        let (count, overflow) = rows.count.multipliedReportingOverflow(by: width)
        guard !overflow else {
            throw HDF5Error(.invalidArgument, operation: "read", file: file.path, object: path, detail: "block too large")
        }
        var values = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        try values.withUnsafeMutableBufferPointer { try read(rows: rows, into: $0) }
        return values
    }

    /// Reads the whole dataset into a new array (small datasets only).
    public func readAll<T: HDF5Scalar>(as type: T.Type = T.self) throws -> [T] {
        try readRows(0..<rowCount, as: T.self)
    }

    /// Writes a block of rows from a caller's buffer.
    public func write<T: HDF5Scalar>(rows: Range<Int>, from buffer: UnsafeBufferPointer<T>) throws {
        let operation = "write rows \(rows.lowerBound)..<\(rows.upperBound) of"
        let shape = try self.shape
        try checkRowIO(shape: shape, rows: rows, count: buffer.count, operation: operation)
        if rows.isEmpty { return }
        let width = buffer.count / rows.count
        var library = [rows]
        if let plan = deflatedWriting(T.self, shape: shape) {
            library = try writeDeflated(rows: rows, shape: shape, plan: plan, from: buffer, operation: operation)
        }
        for range in library {
            let (fileSpace, memorySpace) = try rowSelection(shape: shape, rows: range, operation: operation)
            let values = buffer.baseAddress.map { $0 + (range.lowerBound - rows.lowerBound) * width }
            try HDF5Call.status(operation, file: file.path, object: path) {
                H5Dwrite(handle.id, T.memoryType, memorySpace.id, fileSpace.id, chdf5_P_DEFAULT(), values)
            }
        }
    }

    /// Grows the first dimension by `buffer.count / rowWidth` rows and
    /// writes them, so writers never hold more than one block.
    public func append<T: HDF5Scalar>(_ buffer: UnsafeBufferPointer<T>) throws {
        let shape = try self.shape
        guard shape.rank >= 1, let width = shape.rowWidth, width > 0 else {
            throw HDF5Error(.invalidArgument, operation: "append to", file: file.path, object: path,
                            detail: "only datasets of rank ≥ 1 with non-empty rows can grow")
        }
        guard buffer.count % width == 0 else {
            throw HDF5Error(.invalidArgument, operation: "append to", file: file.path, object: path,
                            detail: "\(buffer.count) values is not a whole number of \(width)-wide rows")
        }
        let start = shape.dims[0]
        let added = buffer.count / width
        var newDims = shape.dims.map { hsize_t($0) }
        newDims[0] += hsize_t(added)
        try HDF5Call.status("extend", file: file.path, object: path) { H5Dset_extent(handle.id, &newDims) }
        try write(rows: start..<(start + added), from: buffer)
    }

    public func append<T: HDF5Scalar>(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { try append($0) }
    }

    private func checkRowIO(shape: Shape, rows: Range<Int>, count: Int, operation: String) throws {
        let rowTotal = shape.dims.first ?? 1
        guard rows.lowerBound >= 0, rows.upperBound <= rowTotal else {
            throw HDF5Error(.invalidArgument, operation: operation, file: file.path, object: path,
                            detail: "the dataset has \(rowTotal) rows")
        }
        guard let width = shape.rowWidth else {
            throw HDF5Error(.corrupt, operation: operation, file: file.path, object: path, detail: "row size overflows")
        }
        let (needed, overflow) = rows.count.multipliedReportingOverflow(by: width)
        guard !overflow, needed == count else {
            throw HDF5Error(.invalidArgument, operation: operation, file: file.path, object: path,
                            detail: "buffer holds \(count) values, the rows need \(rows.count) × \(width)")
        }
    }

    /// The one gate every read passes: data stored outside this file
    /// (external raw files, virtual datasets) is never read, so a file
    /// cannot make us open another, and a missing source never reads as zeros.
    func refuseExternalStorage(operation: String) throws {
        let layout = try storageLayout
        if layout.externalFileCount > 0 {
            throw HDF5Error(.unsupported, operation: operation, file: file.path, object: path,
                            detail: "its data lives in external raw files, which are not read")
        }
        if layout.kind == .virtual {
            throw HDF5Error(.unsupported, operation: operation, file: file.path, object: path,
                            detail: "it is a virtual dataset (its data lives in other datasets or files), which is not read")
        }
    }

    /// File and memory dataspaces selecting `rows` (all columns).
    private func rowSelection(shape: Shape, rows: Range<Int>, operation: String) throws -> (Handle, Handle) {
        let fileSpace = try Handle.dataspace(try HDF5Call.id(operation, file: file.path, object: path) {
            H5Dget_space(handle.id)
        })
        if shape.isScalar {
            return (fileSpace, try Shape(dims: []).makeDataspace(operation: operation))
        }
        var start = [hsize_t](repeating: 0, count: shape.rank)
        var count = shape.dims.map { hsize_t($0) }
        start[0] = hsize_t(rows.lowerBound)
        count[0] = hsize_t(rows.count)
        try HDF5Call.status(operation, file: file.path, object: path) {
            H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &count, nil)
        }
        let memorySpace = try Shape(dims: count.map { Int($0) }).makeDataspace(operation: operation)
        return (fileSpace, memorySpace)
    }
}

extension Dataset {
    /// Reads `rows` as raw bytes in the file's own datatype, with no
    /// conversion: for types that have no native equivalent (opaque
    /// bfloat16 exports). `elementSize` bytes per element, file byte order.
    public func readRawBytes(rows: Range<Int>) throws -> (bytes: [UInt8], elementSize: Int) {
        let operation = "read raw rows \(rows.lowerBound)..<\(rows.upperBound) of"
        let shape = try self.shape
        let type = try Handle.datatype(try HDF5Call.id(operation, file: file.path, object: path) { H5Dget_type(handle.id) })
        let size = HDF5Call.locked { Int(H5Tget_size(type.id)) }
        guard let width = shape.rowWidth, rows.lowerBound >= 0, rows.upperBound <= (shape.dims.first ?? 1) else {
            throw HDF5Error(.invalidArgument, operation: operation, file: file.path, object: path, detail: "rows out of range")
        }
        try refuseExternalStorage(operation: operation)
        let (elements, overflow) = rows.count.multipliedReportingOverflow(by: width)
        let (byteCount, wide) = elements.multipliedReportingOverflow(by: size)
        guard !overflow, !wide else {
            throw HDF5Error(.invalidArgument, operation: operation, file: file.path, object: path, detail: "block too large")
        }
        var bytes = [UInt8](repeating: 0, count: byteCount)
        if rows.isEmpty { return (bytes, size) }
        let (fileSpace, memorySpace) = try rowSelection(shape: shape, rows: rows, operation: operation)
        try HDF5Call.status(operation, file: file.path, object: path) {
            H5Dread(handle.id, type.id, memorySpace.id, fileSpace.id, chdf5_P_DEFAULT(), &bytes)
        }
        return (bytes, size)
    }
}
