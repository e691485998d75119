#ifndef METASAE_CZLIB_SHIM_H
#define METASAE_CZLIB_SHIM_H
// zlib, for reading gzipped MNIST IDX files without shelling out.
#include <zlib.h>
#endif
