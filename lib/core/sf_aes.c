/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * AES-128 block encryption, written from FIPS-197 (the byte-wise
 * implementation and the key expansion) and Intel's description of the
 * AESENC and AESENCLAST instructions (the x86-64 one).
 */

#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_byteorder.h>

#include "sf_aes.h"

#if defined(__x86_64__)
#include <emmintrin.h>
#include <wmmintrin.h>
#endif

/*
 * SubBytes' table: the multiplicative inverse in GF(2^8) modulo
 * x^8 + x^4 + x^3 + x + 1 (0 for 0), then FIPS-197's affine transform
 * (5.1.1); computed, not typed in, by the generator the unit test and the
 * Python reference (test/py/sf_cookie_ref.py) repeat.
 */
static const uint8_t sf_aes_sbox[256] = {
	0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5,
	0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
	0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0,
	0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
	0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc,
	0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
	0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a,
	0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
	0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0,
	0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
	0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b,
	0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
	0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85,
	0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
	0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5,
	0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
	0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17,
	0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
	0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88,
	0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
	0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c,
	0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
	0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9,
	0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
	0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6,
	0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
	0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e,
	0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
	0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94,
	0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
	0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68,
	0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

/* Multiplication by x in GF(2^8) (FIPS-197 4.2.1, xtime()). */
static inline uint8_t
sf_aes_xtime(uint8_t v)
{
	return (uint8_t)((v << 1) ^ ((v >> 7) * 0x1b));
}

void
sf_aes128_expand(const uint8_t key[SF_AES_BLOCK], struct sf_aes_key *k)
{
	uint8_t *w = &k->ak_rk[0][0], t[4], rcon = 1, x;
	unsigned int i;

	memcpy(w, key, SF_AES_BLOCK);
	for (i = 4; i < 4 * (SF_AES_ROUNDS + 1); i++) {
		memcpy(t, w + 4 * (i - 1), 4);
		if (i % 4 == 0) {
			/* RotWord, SubWord, Rcon */
			x = t[0];
			t[0] = (uint8_t)(sf_aes_sbox[t[1]] ^ rcon);
			t[1] = sf_aes_sbox[t[2]];
			t[2] = sf_aes_sbox[t[3]];
			t[3] = sf_aes_sbox[x];
			rcon = sf_aes_xtime(rcon);
		}
		w[4 * i] = w[4 * (i - 4)] ^ t[0];
		w[4 * i + 1] = w[4 * (i - 4) + 1] ^ t[1];
		w[4 * i + 2] = w[4 * (i - 4) + 2] ^ t[2];
		w[4 * i + 3] = w[4 * (i - 4) + 3] ^ t[3];
	}
}

/*
 * The state is the 16 bytes in input order: byte r + 4c is row r of
 * column c (FIPS-197 3.4).
 */
static void
sf_aes_round(uint8_t s[SF_AES_BLOCK], const uint8_t rk[SF_AES_BLOCK],
		bool mix)
{
	uint8_t t[SF_AES_BLOCK], a0, a1, a2, a3, all;
	unsigned int r, c;

	/* SubBytes and ShiftRows: row r moves r columns left. */
	for (c = 0; c < 4; c++)
		for (r = 0; r < 4; r++)
			t[r + 4 * c] = sf_aes_sbox[s[r + 4 * ((c + r) & 3)]];
	for (c = 0; c < 4; c++) {
		a0 = t[4 * c];
		a1 = t[4 * c + 1];
		a2 = t[4 * c + 2];
		a3 = t[4 * c + 3];
		if (mix) {
			/* MixColumns (5.1.3): 2a_r + 3a_(r+1) + a_(r+2) + a_(r+3) */
			all = a0 ^ a1 ^ a2 ^ a3;
			t[4 * c] = a0 ^ all ^ sf_aes_xtime(a0 ^ a1);
			t[4 * c + 1] = a1 ^ all ^ sf_aes_xtime(a1 ^ a2);
			t[4 * c + 2] = a2 ^ all ^ sf_aes_xtime(a2 ^ a3);
			t[4 * c + 3] = a3 ^ all ^ sf_aes_xtime(a3 ^ a0);
		}
	}
	for (c = 0; c < SF_AES_BLOCK; c++)
		s[c] = t[c] ^ rk[c];
}

void
sf_aes128_step_sw(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		const uint8_t b[SF_AES_BLOCK], uint8_t out[SF_AES_BLOCK])
{
	uint8_t s[SF_AES_BLOCK];
	unsigned int i;

	for (i = 0; i < SF_AES_BLOCK; i++)
		s[i] = x[i] ^ b[i] ^ k->ak_rk[0][i];
	for (i = 1; i <= SF_AES_ROUNDS; i++)
		sf_aes_round(s, k->ak_rk[i], i != SF_AES_ROUNDS);
	memcpy(out, s, SF_AES_BLOCK);
}

uint64_t
sf_aes128_step64_sw(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		uint64_t b_lo, uint64_t b_hi)
{
	uint8_t b[SF_AES_BLOCK];
	uint64_t h;

	b_lo = rte_cpu_to_le_64(b_lo);
	b_hi = rte_cpu_to_le_64(b_hi);
	memcpy(b, &b_lo, 8);
	memcpy(b + 8, &b_hi, 8);
	sf_aes128_step_sw(k, x, b, b);
	memcpy(&h, b, 8);
	return rte_le_to_cpu_64(h);
}

#if defined(__x86_64__)
/*
 * AESENC is one round (ShiftRows, SubBytes, MixColumns, AddRoundKey) on
 * the same byte order; AESENCLAST the last, without MixColumns. s is the
 * block already XORed with the chain.
 */
static __attribute__((target("aes,sse2"))) __rte_always_inline __m128i
sf_aes128_rounds_ni(const struct sf_aes_key *k, __m128i s)
{
	const __m128i *rk = (const __m128i *)k->ak_rk;

	/* Written out: GCC's -O2 keeps a loop of them. */
	s = _mm_xor_si128(s, rk[0]);
	s = _mm_aesenc_si128(s, rk[1]);
	s = _mm_aesenc_si128(s, rk[2]);
	s = _mm_aesenc_si128(s, rk[3]);
	s = _mm_aesenc_si128(s, rk[4]);
	s = _mm_aesenc_si128(s, rk[5]);
	s = _mm_aesenc_si128(s, rk[6]);
	s = _mm_aesenc_si128(s, rk[7]);
	s = _mm_aesenc_si128(s, rk[8]);
	s = _mm_aesenc_si128(s, rk[9]);
	return _mm_aesenclast_si128(s, rk[SF_AES_ROUNDS]);
}

__attribute__((target("aes,sse2"))) void
sf_aes128_step_ni(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		const uint8_t b[SF_AES_BLOCK], uint8_t out[SF_AES_BLOCK])
{
	__m128i s = _mm_xor_si128(_mm_loadu_si128((const __m128i *)x),
		_mm_loadu_si128((const __m128i *)b));

	_mm_storeu_si128((__m128i *)out, sf_aes128_rounds_ni(k, s));
}

__attribute__((target("aes,sse2"))) uint64_t
sf_aes128_step64_ni(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		uint64_t b_lo, uint64_t b_hi)
{
	__m128i s = _mm_xor_si128(_mm_set_epi64x((long long)b_hi,
		(long long)b_lo), _mm_loadu_si128((const __m128i *)x));

	return (uint64_t)_mm_cvtsi128_si64(sf_aes128_rounds_ni(k, s));
}
#else
uint64_t
sf_aes128_step64_ni(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		uint64_t b_lo, uint64_t b_hi)
{
	return sf_aes128_step64_sw(k, x, b_lo, b_hi);
}

void
sf_aes128_step_ni(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		const uint8_t b[SF_AES_BLOCK], uint8_t out[SF_AES_BLOCK])
{
	sf_aes128_step_sw(k, x, b, out);
}
#endif

void
sf_aes128_step(const struct sf_aes_key *k, const uint8_t x[SF_AES_BLOCK],
		const uint8_t b[SF_AES_BLOCK], uint8_t out[SF_AES_BLOCK])
{
	if (likely(sf_aes_have_ni()))
		sf_aes128_step_ni(k, x, b, out);
	else
		sf_aes128_step_sw(k, x, b, out);
}
