#ifndef METASAE_CZLIB_SHIM_H
#define METASAE_CZLIB_SHIM_H
// zlib: gzipped MNIST IDX files, and deflated HDF5 chunks inflated on several threads.
#include <zlib.h>
#endif
