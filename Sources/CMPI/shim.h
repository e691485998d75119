#ifndef METASAE_CMPI_SHIM_H
#define METASAE_CMPI_SHIM_H
// OpenMPI's C API; the include directory comes from pkg-config `ompi-c`.
#include <mpi.h>

// MPI_COMM_WORLD and the datatypes are macros over global objects, which
// Swift cannot import; these functions hand them over.
static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cmpi_int64(void) { return MPI_INT64_T; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }
#endif
