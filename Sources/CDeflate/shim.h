#ifndef METASAE_CDEFLATE_SHIM_H
#define METASAE_CDEFLATE_SHIM_H
// libdeflate: whole-buffer zlib decompression of HDF5's deflated chunks,
// two to three times zlib's speed where the output size is known.
#include <libdeflate.h>
#endif
