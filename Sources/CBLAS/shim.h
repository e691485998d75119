#ifndef METASAE_CBLAS_SHIM_H
#define METASAE_CBLAS_SHIM_H
// OpenBLAS's cblas.h; the include directory comes from pkg-config `openblas`.
#include <cblas.h>
#endif
