import LinearAlgebra
import Testing

/// The BLAS wrappers check their buffers against m, k and n: a short buffer
/// or a dimension beyond Int32 stops the process instead of reading or
/// writing out of bounds.
@Suite struct BLASTests {
    @Test func aProductIsTheAlgebra() {
        var c = [Float](repeating: 0, count: 4)
        BLAS.multiply([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 1, 1], into: &c, m: 2, k: 3, n: 2)
        #expect(c == [4, 5, 10, 11])
    }

    @Test func aShortInputStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var c = [Float](repeating: 0, count: 4)
            BLAS.multiply([1, 2, 3, 4, 5], [1, 0, 0, 1, 1, 1], into: &c, m: 2, k: 3, n: 2)
        }
    }

    @Test func aShortOutputStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var c = [Float](repeating: 0, count: 3)
            BLAS.multiply([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 1, 1], into: &c, m: 2, k: 3, n: 2)
        }
    }

    @Test func aDimensionBeyondInt32StopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var c = [Double](repeating: 0, count: 1)
            BLAS.multiply([1], [1], into: &c, m: 1, k: Int(Int32.max) + 1, n: 1)
        }
    }
}
