import CHDF5

extension Dataset {
    /// Rows per chunk when whole-row, unfiltered chunks hold exactly the
    /// memory type's bytes, so a chunk can be copied straight from the file
    /// (`H5Dread_chunk`) instead of going through hyperslab selection and
    /// the type-conversion path; nil otherwise.
    func directChunkRows<T: HDF5Scalar>(_ type: T.Type, shape: Shape) -> Int? {
        let memoryType = T.memoryType
        if let known = directChunkDecision[memoryType] { return known > 0 ? known : nil }
        var rows = 0
        if shape.rank >= 1, let layout = try? storageLayout, layout.kind == .chunked, layout.filters.isEmpty,
           layout.externalFileCount == 0, let chunks = layout.chunkDims,
           Array(chunks.dropFirst()) == Array(shape.dims.dropFirst()) {
            let same = HDF5Call.locked { () -> Bool in
                let fileType = H5Dget_type(handle.id)
                guard fileType >= 0 else { return false }
                defer { H5Tclose(fileType) }
                return H5Tequal(fileType, memoryType) > 0
            }
            if same { rows = chunks[0] }
        }
        directChunkDecision[memoryType] = rows
        return rows > 0 ? rows : nil
    }

    /// Copies the whole chunks inside `rows` raw and reads the partial ones
    /// at either end through the library. Returns false when the dataset
    /// does not qualify (the caller then reads the ordinary way).
    func readDirectChunks<T: HDF5Scalar>(rows: Range<Int>, shape: Shape, into buffer: UnsafeMutableBufferPointer<T>) throws -> Bool {
        guard let chunkRows = directChunkRows(T.self, shape: shape), rows.count >= chunkRows,
              let width = shape.rowWidth else { return false }
        let total = shape.dims[0]
        let first = ((rows.lowerBound + chunkRows - 1) / chunkRows) * chunkRows
        var start = first
        let operation = "read rows \(rows.lowerBound)..<\(rows.upperBound) of"
        var offset = [hsize_t](repeating: 0, count: shape.rank)
        while start + chunkRows <= rows.upperBound && start + chunkRows <= total {
            offset[0] = hsize_t(start)
            var mask: UInt32 = 0
            let target = buffer.baseAddress! + (start - rows.lowerBound) * width
            let status = HDF5Call.locked { H5Dread_chunk(handle.id, chdf5_P_DEFAULT(), &offset, &mask, target) }
            if status < 0 {
                // Not allocated (fill values) or otherwise unusual: the library's way.
                _ = HDF5Call.locked { H5Eclear2(chdf5_E_DEFAULT()) }
                let slice = UnsafeMutableBufferPointer(start: target, count: chunkRows * width)
                try readSelection(rows: start..<(start + chunkRows), shape: shape, into: slice, operation: operation)
            }
            start += chunkRows
        }
        // The partial chunks at either end.
        if first > rows.lowerBound {
            let head = rows.lowerBound..<min(first, rows.upperBound)
            try readSelection(rows: head, shape: shape, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<(head.count * width)]), operation: operation)
        }
        if start < rows.upperBound && start >= first {
            let tail = start..<rows.upperBound
            let from = (start - rows.lowerBound) * width
            try readSelection(rows: tail, shape: shape, into: UnsafeMutableBufferPointer(rebasing: buffer[from..<(from + tail.count * width)]), operation: operation)
        }
        return true
    }
}
