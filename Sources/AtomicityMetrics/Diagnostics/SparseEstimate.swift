/// One compressed row through a linear map: e = c + Σ_e v_e·m_{i_e} and
/// ‖e − a‖², with e formed in Float32 and the squared error summed in
/// Float64. Eight output columns at a time stay in registers across all of
/// the row's entries, so each multiply-add is one load of m and no store.
struct SparseEstimate {
    /// The map's rows, `width` Float32 values each.
    let linear: UnsafePointer<Float>
    let offset: UnsafePointer<Float>
    let width: Int

    /// Writes e into `estimate` (width values) and returns ‖e − target‖².
    func squaredError(indices: UnsafePointer<Int32>, values: UnsafePointer<Float>, count: Int,
                      target: UnsafePointer<Float>, estimate: UnsafeMutablePointer<Float>) -> Double {
        var error = SIMD8<Double>()
        var column = 0
        while column + 8 <= width {
            var sum = load(offset + column)
            for entry in 0..<count {
                sum += values[entry] * load(linear + Int(indices[entry]) * width + column)
            }
            UnsafeMutableRawPointer(estimate + column).storeBytes(of: sum, as: SIMD8<Float>.self)
            let difference = SIMD8<Double>(sum - load(target + column))
            error += difference * difference
            column += 8
        }
        var tail = 0.0
        while column < width {
            var sum = offset[column]
            for entry in 0..<count { sum += values[entry] * linear[Int(indices[entry]) * width + column] }
            estimate[column] = sum
            let difference = Double(sum - target[column])
            tail += difference * difference
            column += 1
        }
        return error.sum() + tail
    }

    private func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
}
