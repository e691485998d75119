/// Ranks with ties given their average rank (1-based), as scipy's
/// `rankdata(method="average")`.
public func averageRanks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
        let rank = Double(start + end) / 2 + 1
        for position in start...end { ranks[order[position]] = rank }
        start = end + 1
    }
    return ranks
}

/// Pearson's correlation; NaN when either side is constant.
public func pearsonCorrelation(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count)
    let n = Double(x.count)
    guard x.count >= 2 else { return .nan }
    let meanX = x.reduce(0, +) / n
    let meanY = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - meanX) * (b - meanY)
        sxx += (a - meanX) * (a - meanX)
        syy += (b - meanY) * (b - meanY)
    }
    guard sxx > 0, syy > 0 else { return .nan }
    return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
}

/// Calls `body` with every ordering of `values[start...]`, permuted in place
/// without allocating (Heap-free recursion over swaps).
func forEachPermutation<T>(_ values: inout [T], _ start: Int, _ body: ([T]) -> Void) {
    if start >= values.count - 1 {
        body(values)
        return
    }
    for index in start..<values.count {
        values.swapAt(start, index)
        forEachPermutation(&values, start + 1, body)
        values.swapAt(start, index)
    }
}
