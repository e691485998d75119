import CVectorKernels

/// One compressed row through a linear map: e = c + Σ_e v_e·m_{i_e} and
/// ‖e − a‖², with e formed in Float32 and the squared error summed in
/// Float64. The loop is C (`CVectorKernels`), so AVX2 machines run it
/// eight lanes wide with fused multiply-adds; output columns stay in
/// registers across all of the row's entries.
struct SparseEstimate {
    /// The map's rows, `width` Float32 values each.
    let linear: UnsafePointer<Float>
    let offset: UnsafePointer<Float>
    let width: Int

    /// Writes e into `estimate` (width values) and returns ‖e − target‖².
    func squaredError(indices: UnsafePointer<Int32>, values: UnsafePointer<Float>, count: Int,
                      target: UnsafePointer<Float>, estimate: UnsafeMutablePointer<Float>) -> Double {
        metasae_sparse_row_error(linear, offset, Int64(width), indices, values, Int64(count), target, estimate)
    }
}
