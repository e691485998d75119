import LinearAlgebra

/// Planted structure for the composition tests: `atoms` random unit
/// vectors, and `count` unit-normed composites, each a positive
/// combination (weights in 0.5…1.5) of three distinct atoms.
public enum PlantedComposites {
    public static func make(atoms: Int = 64, width: Int = 128, count: Int = 256, seed: UInt64)
        -> (dictionary: [[Double]], composites: [[Double]]) {
        var generator = SeededGenerator(seed: seed)
        let dictionary: [[Double]] = (0..<atoms).map { _ in unit((0..<width).map { _ in Double(generator.normal()) }) }
        let composites: [[Double]] = (0..<count).map { _ in
            var picked = Set<Int>()
            while picked.count < 3 { picked.insert(Int(generator.next() % UInt64(atoms))) }
            var sum = [Double](repeating: 0, count: width)
            for atom in picked.sorted() {
                let weight = Double(generator.uniform(0.5, 1.5))
                for k in 0..<width { sum[k] += weight * dictionary[atom][k] }
            }
            return unit(sum)
        }
        return (dictionary, composites)
    }

    static func unit(_ values: [Double]) -> [Double] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }
}
