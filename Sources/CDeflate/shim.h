#ifndef METASAE_CDEFLATE_SHIM_H
#define METASAE_CDEFLATE_SHIM_H
// libdeflate: whole-buffer zlib (de)compression of HDF5's deflated chunks,
// two to three times zlib's speed on whole chunks.
#include <libdeflate.h>
#endif
