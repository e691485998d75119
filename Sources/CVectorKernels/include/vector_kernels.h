#ifndef METASAE_VECTOR_KERNELS_H
#define METASAE_VECTOR_KERNELS_H
#include <stdint.h>

/// e = offset + Σ values[i]·linear[indices[i]] (rows of `width` Float32
/// values), written to `estimate`; returns ‖e − target‖² summed in Float64.
/// The per-row kernel of FVU₀ for compressed rows.
double metasae_sparse_row_error(const float *linear, const float *offset, int64_t width,
                                const int32_t *indices, const float *values, int64_t count,
                                const float *target, float *estimate);

/// y += a·x over n Float64 values.
void metasae_axpy(double *y, const double *x, double a, int64_t n);

/// The baseline x86-64 versions, whatever the CPU (for tests).
double metasae_sparse_row_error_baseline(const float *linear, const float *offset, int64_t width,
                                         const int32_t *indices, const float *values, int64_t count,
                                         const float *target, float *estimate);
void metasae_axpy_baseline(double *y, const double *x, double a, int64_t n);

/// Adds to counts[c] how many of `rows` rows of `width` values have
/// |value| > threshold in column c (NaN never does); returns the sum of all.
int64_t metasae_count_active(const float *values, int64_t rows, int64_t width, float threshold, uint32_t *counts);

/// How many of n values are infinite or NaN.
int64_t metasae_count_nonfinite(const float *values, int64_t n);

/// How many of n values are not 0 (NaN counts; −0 does not).
int64_t metasae_count_nonzero(const float *values, int64_t n);

/// One Adam step over n values: first ← β₁·first + (1 − β₁)·g,
/// second ← β₂·second + (1 − β₂)·g·g, values −= step·first / (√(second / c₂) + ε),
/// rounded as that scalar expression is (no fused multiply-adds).
void metasae_adam_update(float *values, float *first, float *second, const float *gradient, int64_t n,
                         float beta1, float beta2, float epsilon, float step_size, float correction2);
void metasae_adam_update_baseline(float *values, float *first, float *second, const float *gradient, int64_t n,
                                  float beta1, float beta2, float epsilon, float step_size, float correction2);

/// Compressed rows (offsets[rows + 1], indices, values) times dense row-major
/// matrices of `width` columns, accumulated into `out`:
///   times:            out[r, :] += Σ values[e]·dense[indices[e], :]   (out: rows × width)
///   transpose_times:  out[indices[e], :] += values[e]·dense[r, :]     (dense: rows × width,
///                     out: latents × width, every index below latents)
///   row_dots:         out[e] = a[r, :] · w[indices[e], :]            (overwritten)
/// Each output value is summed from its starting value in storage order (row
/// order for transpose_times), as the literal loop over entries sums it; the
/// AVX2 versions fuse each multiply-add.
void metasae_csr_times_dense(const long *offsets, const int32_t *indices, const float *values, int64_t rows,
                             const float *dense, int64_t width, float *out);
void metasae_csr_transpose_times_dense(const long *offsets, const int32_t *indices, const float *values, int64_t rows,
                                       const float *dense, int64_t width, float *out, int64_t latents);
void metasae_csr_row_dots(const long *offsets, const int32_t *indices, int64_t rows, const float *a,
                          const float *w, int64_t width, float *out);
void metasae_csr_times_dense_baseline(const long *offsets, const int32_t *indices, const float *values, int64_t rows,
                                      const float *dense, int64_t width, float *out);
void metasae_csr_transpose_times_dense_baseline(const long *offsets, const int32_t *indices, const float *values,
                                                int64_t rows, const float *dense, int64_t width, float *out,
                                                int64_t latents);
void metasae_csr_row_dots_baseline(const long *offsets, const int32_t *indices, int64_t rows, const float *a,
                                   const float *w, int64_t width, float *out);

/// Dense rows into compressed rows. Counting: offsets[r + 1] = offsets[r] +
/// the number of row r's `width` values that are not 0 (NaN counts; −0 does
/// not), offsets[0] given. Compressing: each row's such values and their
/// columns, in order, into indices/kept from offsets[r]; both need one slot
/// of room past the last row's entries (the baseline writes each candidate
/// before knowing whether it stays).
void metasae_count_nonzero_rows(const float *values, int64_t rows, int64_t width, long *offsets);
void metasae_compress_rows(const float *values, int64_t rows, int64_t width, const long *offsets, int32_t *indices,
                           float *kept);
void metasae_count_nonzero_rows_baseline(const float *values, int64_t rows, int64_t width, long *offsets);
void metasae_compress_rows_baseline(const float *values, int64_t rows, int64_t width, const long *offsets,
                                    int32_t *indices, float *kept);

/// out (columns × rows) = the transpose of in (rows × columns), row-major.
void metasae_transpose(const float *in, int64_t rows, int64_t columns, float *out);
void metasae_transpose_baseline(const float *in, int64_t rows, int64_t columns, float *out);

/// matrix[r, c] += vector[c] for each of `rows` rows of `width` values (a bias).
void metasae_add_to_rows(float *matrix, int64_t rows, int64_t width, const float *vector);

/// mine[i] = a·mine[i] + b·other[i] over n values, each product rounded
/// before the sum (as the Swift expression): two halves' means weighted into one.
void metasae_weighted_sum(float *mine, const float *other, int64_t n, float a, float b);

/// Sets fired[c] to 1 for each column c holding a value > 0 in some of the
/// `rows` rows of `width` values (others are left as they were) and stores
/// how many values are > 0 in *positives; returns the smallest such value,
/// or +infinity when there is none.
float metasae_positive_columns(const float *values, int64_t rows, int64_t width, uint8_t *fired, int64_t *positives);

/// JumpReLU in place: each value stays where it is above its column's
/// threshold and above 0, else becomes 0 (NaN too).
void metasae_jump_relu_in_place(float *values, int64_t rows, int64_t width, const float *thresholds);

/// values[i] = max(0, values[i]) as Swift's max(0, v): −0 stays −0, NaN gives 0.
void metasae_relu_in_place(float *values, int64_t n);

/// out[i] = gradient[i] where gate[i] > 0, else 0 (NaN gates too): the
/// gradient through a ReLU (gate: its input) or through fired codes.
void metasae_gate(const float *gradient, const float *gate, int64_t n, float *out);

/// sums[c] += Σ over rows of matrix[r, c], row after row.
void metasae_column_sums(const float *matrix, int64_t rows, int64_t width, float *sums);

/// out[i] = values[i] / divisor over n values.
void metasae_divide(const float *values, int64_t n, float divisor, float *out);

/// Scales each of `rows` rows of `width` values to unit Euclidean length
/// (the squares summed in Float32, in column order); rows of length 0 (or
/// NaN) are left as they are.
void metasae_unit_rows(float *matrix, int64_t rows, int64_t width);

/// Σ (reconstruction − x)² (the difference in Float32) and Σ (x − mean[column])²
/// over rows × width values, in Float64, as eight lanes each (overwritten):
/// lane l sums columns l, l + 8, … below the last multiple of 8, row after
/// row; lane 0 also sums the columns past it.
void metasae_fit_lanes(const float *x, const float *reconstruction, const double *mean, int64_t rows, int64_t width,
                       double *residuals, double *totals);

/// sums[c] += Σ over rows of matrix[r, c] in Float64, row after row.
void metasae_column_sums_double(const float *matrix, int64_t rows, int64_t width, double *sums);

/// out[i] = scale·(a[i] − b[i]) over n values; returns Σ (a[i] − b[i])², each
/// square rounded to Float32 and summed in Float64 (the error pass of a loss).
double metasae_scaled_difference(const float *a, const float *b, int64_t n, float scale, float *out);

/// The k-th largest of n values (1 ≤ k ≤ n), found on integer keys that
/// order as the values do (radix selection from 4096 values, quickselect
/// below). −0 counts as +0 (they compare equal) and NaN as smaller than
/// everything, so the result is NaN only when fewer than k values are
/// numbers. `scratch` holds n keys.
float metasae_kth_largest(const float *values, int64_t n, int64_t k, uint32_t *scratch);

/// Whether the kernels above run their AVX2/FMA versions on this CPU.
int metasae_vector_kernels_use_avx2(void);
/// Whether the row compression runs its AVX-512 versions on this CPU.
int metasae_vector_kernels_use_avx512(void);
#endif
