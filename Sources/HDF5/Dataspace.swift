import CHDF5

/// The shape of a dataset or attribute.
public struct Shape: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Current extent of each dimension; empty for a scalar dataspace.
    public var dims: [Int]
    /// Maximum extent of each dimension; `nil` entries are unlimited.
    public var maxDims: [Int?]
    /// True for HDF5's null dataspace (no elements, not even a scalar).
    public var isNull: Bool

    public init(dims: [Int], maxDims: [Int?]? = nil, isNull: Bool = false) {
        self.dims = dims
        self.maxDims = maxDims ?? dims.map { Optional($0) }
        self.isNull = isNull
    }

    public var rank: Int { dims.count }
    public var isScalar: Bool { dims.isEmpty && !isNull }

    /// Number of elements, or nil if the product overflows `Int`.
    public var elementCount: Int? {
        if isNull { return 0 }
        var total = 1
        for dim in dims {
            let (product, overflow) = total.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// Elements per row: the product of every dimension after the first.
    public var rowWidth: Int? {
        guard rank >= 1 else { return 1 }
        return Shape(dims: Array(dims.dropFirst())).elementCount
    }

    public var description: String {
        if isNull { return "null" }
        if dims.isEmpty { return "scalar" }
        return "(" + dims.map(String.init).joined(separator: ", ") + ")"
    }
}

extension Shape {
    /// Reads a dataspace id. Sizes are checked: a declared extent that does
    /// not fit in `Int` is reported as corrupt rather than wrapped.
    static func decode(_ space: hid_t, operation: String) throws -> Shape {
        let rank = try HDF5Call.count(operation) { H5Sget_simple_extent_ndims(space) }
        let spaceClass = HDF5Call.locked { H5Sget_simple_extent_type(space) }
        if spaceClass == H5S_NULL { return Shape(dims: [], maxDims: [], isNull: true) }
        if rank == 0 { return Shape(dims: []) }
        var current = [hsize_t](repeating: 0, count: Int(rank))
        var maximum = [hsize_t](repeating: 0, count: Int(rank))
        _ = try HDF5Call.count(operation) { H5Sget_simple_extent_dims(space, &current, &maximum) }
        let unlimited = HDF5Call.locked { chdf5_S_UNLIMITED() }
        var dims: [Int] = []
        var maxDims: [Int?] = []
        for (now, most) in zip(current, maximum) {
            guard let size = Int(exactly: now) else {
                throw HDF5Error(.corrupt, operation: operation, detail: "dimension \(now) does not fit in memory")
            }
            dims.append(size)
            maxDims.append(most == unlimited ? nil : Int(exactly: most))
        }
        let shape = Shape(dims: dims, maxDims: maxDims)
        if shape.elementCount == nil {
            throw HDF5Error(
                .corrupt, operation: operation,
                detail: "declared dimensions \(shape) overflow the element count")
        }
        return shape
    }

    /// Creates a simple dataspace for these dims (and max dims).
    func makeDataspace(operation: String) throws -> Handle {
        if isScalar {
            return try .dataspace(try HDF5Call.id(operation) { H5Screate(H5S_SCALAR) })
        }
        let unlimited = HDF5Call.locked { chdf5_S_UNLIMITED() }
        var current = dims.map { hsize_t($0) }
        var maximum = maxDims.map { $0.map { hsize_t($0) } ?? unlimited }
        let id = try HDF5Call.id(operation) {
            H5Screate_simple(Int32(current.count), &current, &maximum)
        }
        return try .dataspace(id)
    }
}
