/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_AES_H
#define SF_AES_H

/*
 * AES-128 encryption (FIPS-197) of single blocks, for MACs over short
 * fixed-length inputs (the SYN cookie, sf_cookie.h): one CBC-MAC step at
 * a time. On x86-64 CPUs with the AES instructions (AES-NI: every server
 * CPU since 2010) a step is eleven instructions and takes constant time;
 * elsewhere a byte-wise implementation computes the same function (its
 * S-box lookups are table reads, so its timing is not constant: it is
 * there so that any CPU computes the same cookies, not to be fast).
 * Private header.
 */

#include <stdbool.h>
#include <stdint.h>

#define SF_AES_BLOCK 16
#define SF_AES_ROUNDS 10

/* The expanded key: the 11 round keys, as FIPS-197's w[] in bytes. */
struct sf_aes_key {
	uint8_t ak_rk[SF_AES_ROUNDS + 1][SF_AES_BLOCK] __attribute__((aligned(16)));
};

/* Expand a 16-byte AES-128 key (FIPS-197 5.2). */
void sf_aes128_expand(const uint8_t key[SF_AES_BLOCK], struct sf_aes_key *k);

/*
 * One CBC-MAC step: out = AES-128(k, x ^ b). x is the output of the step
 * before (all zeros for the first block); out may be x or b.
 */
void sf_aes128_step(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		const uint8_t b[SF_AES_BLOCK], uint8_t out[SF_AES_BLOCK]);

/*
 * The same step for a block given as two little-endian words (bytes 0-7
 * and 8-15), returning the output's bytes 0-7 as a little-endian word:
 * the last step of a MAC that keeps 64 bits, without a trip through
 * memory.
 */
static inline uint64_t sf_aes128_step64(const struct sf_aes_key *k,
		const uint8_t x[SF_AES_BLOCK], uint64_t b_lo, uint64_t b_hi);

/* The two implementations behind the steps, for the unit test. */
void sf_aes128_step_sw(const struct sf_aes_key *k,
		const uint8_t x[SF_AES_BLOCK], const uint8_t b[SF_AES_BLOCK],
		uint8_t out[SF_AES_BLOCK]);
void sf_aes128_step_ni(const struct sf_aes_key *k,
		const uint8_t x[SF_AES_BLOCK], const uint8_t b[SF_AES_BLOCK],
		uint8_t out[SF_AES_BLOCK]);
uint64_t sf_aes128_step64_sw(const struct sf_aes_key *k,
		const uint8_t x[SF_AES_BLOCK], uint64_t b_lo, uint64_t b_hi);
uint64_t sf_aes128_step64_ni(const struct sf_aes_key *k,
		const uint8_t x[SF_AES_BLOCK], uint64_t b_lo, uint64_t b_hi);

/* False where the CPU has no AES instructions (then _ni must not run). */
static inline bool
sf_aes_have_ni(void)
{
#if defined(__x86_64__)
	return __builtin_cpu_supports("aes");
#else
	return false;
#endif
}

static inline uint64_t
sf_aes128_step64(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		uint64_t b_lo, uint64_t b_hi)
{
	if (__builtin_expect(sf_aes_have_ni(), 1))
		return sf_aes128_step64_ni(k, x, b_lo, b_hi);
	return sf_aes128_step64_sw(k, x, b_lo, b_hi);
}

#endif /* SF_AES_H */
