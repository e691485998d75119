#ifndef METASAE_CHDF5_SHIM_H
#define METASAE_CHDF5_SHIM_H
// libhdf5's public API: Debian's serial build by its path (its headers
// include each other by quoted names, so no include directory is needed),
// elsewhere through pkg-config `hdf5` (see Package.swift).
#if __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/hdf5.h>
#else
#include <hdf5.h>
#endif

// Swift cannot import function-like macros, cast macros or the `_g` globals
// behind H5T_NATIVE_* and H5P_*; each one is re-exported here as a prefixed
// static inline function. The H5OPEN inside the macros initialises the library.

// Property lists and "all" selectors.
static inline hid_t chdf5_P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_S_ALL(void) { return H5S_ALL; }
static inline hid_t chdf5_E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t chdf5_P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t chdf5_P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t chdf5_P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t chdf5_P_DATASET_ACCESS(void) { return H5P_DATASET_ACCESS; }
static inline hid_t chdf5_P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t chdf5_P_LINK_ACCESS(void) { return H5P_LINK_ACCESS; }

// File access flags.
static inline unsigned chdf5_F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned chdf5_F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned chdf5_F_ACC_EXCL(void) { return H5F_ACC_EXCL; }

// Sentinels.
static inline haddr_t chdf5_HADDR_UNDEF(void) { return HADDR_UNDEF; }
static inline hsize_t chdf5_S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline size_t chdf5_T_VARIABLE(void) { return H5T_VARIABLE; }

// The POSIX ("sec2") file driver, the default.
static inline hid_t chdf5_FD_SEC2(void) { return H5FD_SEC2; }

// Native memory types.
static inline hid_t chdf5_T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t chdf5_T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t chdf5_T_NATIVE_INT16(void) { return H5T_NATIVE_INT16; }
static inline hid_t chdf5_T_NATIVE_UINT16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t chdf5_T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t chdf5_T_NATIVE_UINT32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t chdf5_T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t chdf5_T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }

// Standard (file) types with an explicit byte order, and C strings.
static inline hid_t chdf5_T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_T_IEEE_F32BE(void) { return H5T_IEEE_F32BE; }
static inline hid_t chdf5_T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_T_IEEE_F64BE(void) { return H5T_IEEE_F64BE; }
static inline hid_t chdf5_T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t chdf5_T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t chdf5_T_C_S1(void) { return H5T_C_S1; }

#endif
