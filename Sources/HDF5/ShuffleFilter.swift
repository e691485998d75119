/// HDF5's shuffle filter (id 2) and its inverse: byte b of every element
/// of a chunk goes to plane b, which lets deflate find the runs in
/// floats' exponent bytes. Trailing bytes that make no whole element stay
/// where they are. The chunk readers and writers that work outside the
/// library's lock (Dataset+Inflate, Dataset+Deflate) share these.
enum ShuffleFilter {
    /// Elements to planes, as the filter writes a chunk.
    static func shuffle(_ source: UnsafeRawPointer, count: Int, elementSize: Int, into target: UnsafeMutableRawPointer) {
        let elements = count / elementSize
        if elementSize == 4 {
            // The common case (float32) a word at a time, which vectorizes.
            let output = target.assumingMemoryBound(to: UInt8.self)
            let (p0, p1, p2, p3) = (output, output + elements, output + 2 * elements, output + 3 * elements)
            for element in 0..<elements {
                let word = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: element * 4, as: UInt32.self))
                p0[element] = UInt8(truncatingIfNeeded: word)
                p1[element] = UInt8(truncatingIfNeeded: word >> 8)
                p2[element] = UInt8(truncatingIfNeeded: word >> 16)
                p3[element] = UInt8(truncatingIfNeeded: word >> 24)
            }
        } else {
            transposeBytes(source, rows: elements, columns: elementSize, into: target)
        }
        copyTail(source, count: count, whole: elements * elementSize, into: target)
    }

    /// Planes back to elements, as the filter reads a chunk.
    static func unshuffle(_ source: UnsafeRawPointer, count: Int, elementSize: Int, into target: UnsafeMutableRawPointer) {
        let elements = count / elementSize
        if elementSize == 4 {
            // One pass over the four planes, which vectorizes.
            let input = source.assumingMemoryBound(to: UInt8.self)
            let (p0, p1, p2, p3) = (input, input + elements, input + 2 * elements, input + 3 * elements)
            for element in 0..<elements {
                let word = UInt32(p0[element]) | UInt32(p1[element]) << 8 | UInt32(p2[element]) << 16 | UInt32(p3[element]) << 24
                target.storeBytes(of: UInt32(littleEndian: word), toByteOffset: element * 4, as: UInt32.self)
            }
        } else {
            transposeBytes(source, rows: elementSize, columns: elements, into: target)
        }
        copyTail(source, count: count, whole: elements * elementSize, into: target)
    }

    /// A rows × columns matrix of bytes, written out as columns × rows.
    private static func transposeBytes(_ source: UnsafeRawPointer, rows: Int, columns: Int, into target: UnsafeMutableRawPointer) {
        let input = source.assumingMemoryBound(to: UInt8.self)
        let output = target.assumingMemoryBound(to: UInt8.self)
        for column in 0..<columns {
            for row in 0..<rows { output[column * rows + row] = input[row * columns + column] }
        }
    }

    private static func copyTail(_ source: UnsafeRawPointer, count: Int, whole: Int, into target: UnsafeMutableRawPointer) {
        (target + whole).copyMemory(from: source + whole, byteCount: count - whole)
    }
}
