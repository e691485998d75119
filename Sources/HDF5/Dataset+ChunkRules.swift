import CHDF5

/// What both paths that work on chunks outside the library (raw and
/// inflated reads, Dataset+RawReads; compressed writes, Dataset+Deflate)
/// require of a dataset, decided here once.
extension Dataset {
    /// The chunks' rows and bytes when each chunk holds whole rows of
    /// `elementSize`-byte values (every dimension but the first whole) and
    /// its byte count does not overflow; nil otherwise.
    static func wholeRowChunks(_ layout: StorageLayout, shape: Shape, elementSize: Int) -> (rows: Int, bytes: Int)? {
        guard let chunks = layout.chunkDims, let width = shape.rowWidth,
              Array(chunks.dropFirst()) == Array(shape.dims.dropFirst()), chunks[0] > 0 else { return nil }
        let (rowBytes, wide) = width.multipliedReportingOverflow(by: elementSize)
        let (bytes, overflow) = chunks[0].multipliedReportingOverflow(by: rowBytes)
        return wide || overflow ? nil : (chunks[0], bytes)
    }

    /// The filter ids when the pipeline is what these paths undo and redo:
    /// deflate, or shuffle then deflate with shuffle set for `elementSize`,
    /// partial edge chunks filtered like the rest; nil otherwise.
    static func deflatePipeline(_ layout: StorageLayout, elementSize: Int) -> [Int]? {
        let filters = layout.filters.map(\.id)
        let shuffleFits = layout.filters.allSatisfy { filter in
            filter.id != shuffleFilter || filter.parameters.first.map({ Int($0) == elementSize }) ?? true
        }
        return canInflate(filters) && shuffleFits && !layout.partialChunksUnfiltered ? filters : nil
    }

    /// Whether the values are stored as `memoryType` itself (no conversion).
    func storesExactly(_ memoryType: hid_t) -> Bool {
        HDF5Call.locked { () -> Bool in
            let fileType = H5Dget_type(handle.id)
            guard fileType >= 0 else { return false }
            defer { H5Tclose(fileType) }
            return H5Tequal(fileType, memoryType) > 0
        }
    }
}
