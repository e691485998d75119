// `mpirun -np P metasae-mpi analyze FILE …`: the analysis split over MPI
// ranks. Built only with the MPI trait (`swift build --traits MPI`), so the
// default build needs no MPI.
#if MPI
import AtomicityMetrics
import CMPI
import Foundation
import MetaSAECLI

/// Partial states shared with MPI: each rank broadcasts its buffer in turn
/// (in pieces below 2³⁰ doubles, since MPI counts are C ints), so every
/// rank receives all of them in rank order, one at a time.
struct MPIExchange: PartialStateExchange {
    let rank: Int
    let size: Int

    init() {
        var rank: Int32 = 0
        var size: Int32 = 1
        MPI_Comm_rank(cmpi_comm_world(), &rank)
        MPI_Comm_size(cmpi_comm_world(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    func allGather(_ local: [Double], _ receive: ([Double]) throws -> Void) throws {
        var counts = [Int64](repeating: 0, count: size)
        var mine = Int64(local.count)
        guard MPI_Allgather(&mine, 1, cmpi_int64(), &counts, 1, cmpi_int64(), cmpi_comm_world()) == cmpi_success() else {
            throw MPIFailure(operation: "MPI_Allgather of state sizes")
        }
        for root in 0..<size {
            var buffer = root == rank ? local : [Double](repeating: 0, count: Int(counts[root]))
            let piece = 1 << 30
            var start = 0
            while start < buffer.count {
                let length = min(piece, buffer.count - start)
                let status = buffer.withUnsafeMutableBufferPointer {
                    MPI_Bcast($0.baseAddress! + start, Int32(length), cmpi_double(), Int32(root), cmpi_comm_world())
                }
                guard status == cmpi_success() else { throw MPIFailure(operation: "MPI_Bcast from rank \(root)") }
                start += length
            }
            try receive(buffer)
        }
    }
}

struct MPIFailure: Error, CustomStringConvertible {
    var operation: String
    var description: String { "\(operation) failed" }
}

// The isolated probe re-runs this binary as a plain child process: no MPI there.
if CommandLine.arguments.dropFirst().first == "__probe" {
    exit(MetaSAE.run(arguments: Array(CommandLine.arguments.dropFirst())))
}
MPI_Init(nil, nil)
let exchange = MPIExchange()
DistributedContext.exchange = exchange
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first != "analyze" {
    if exchange.rank == 0 {
        FileHandle.standardError.write(Data("metasae-mpi: only `analyze` runs under MPI (usage: mpirun -np P metasae-mpi analyze FILE [options])\n".utf8))
    }
    MPI_Finalize()
    exit(64)
}
// Ranks sharing a node share its cores: unless told otherwise, each rank's
// reader and sparse-kernel threads get its share (Open MPI names the count).
if let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init), local > 1 {
    let share = String(max(1, ProcessInfo.processInfo.activeProcessorCount / local))
    for variable in ["METASAE_THREADS", "METASAE_READ_THREADS"] where getenv(variable) == nil { setenv(variable, share, 1) }
}
let status = MetaSAE.run(arguments: arguments)
if status != 0 && exchange.size > 1 {
    // One rank failing must not leave the others waiting in a collective.
    MPI_Abort(cmpi_comm_world(), status)
}
MPI_Finalize()
exit(status)
#else
import Foundation
FileHandle.standardError.write(Data("metasae-mpi was built without MPI; rebuild with `swift build --traits MPI --product metasae-mpi` (needs libopenmpi-dev)\n".utf8))
exit(69)
#endif
