/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/core/sf_aes.c against FIPS-197's examples: the key expansion of
 * Appendix A.1, the cipher examples of Appendix B and C.1, then the
 * AES-NI and byte-wise implementations against each other (where the
 * CPU has AES-NI), the S-box against its definition and a CBC chain.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sf_aes.h"

static void
hex16(const char *h, uint8_t out[16])
{
	unsigned int i, v;

	for (i = 0; i < 16; i++) {
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static const uint8_t zero[16];

/* Encrypt one block with whichever implementation sf_aes128_step picks. */
static void
check_cipher(const char *key, const char *pt, const char *ct)
{
	struct sf_aes_key k;
	uint8_t kb[16], in[16], want[16], out[16];

	hex16(key, kb);
	hex16(pt, in);
	hex16(ct, want);
	sf_aes128_expand(kb, &k);
	sf_aes128_step(&k, zero, in, out);
	SF_CHECK_MEM(out, want, 16);
	memset(out, 0, sizeof(out));
	sf_aes128_step_sw(&k, zero, in, out);
	SF_CHECK_MEM(out, want, 16);
	if (sf_aes_have_ni()) {
		memset(out, 0, sizeof(out));
		sf_aes128_step_ni(&k, zero, in, out);
		SF_CHECK_MEM(out, want, 16);
	}
}

static void
test_fips197(void)
{
	struct sf_aes_key k;
	uint8_t kb[16], w40[16];

	/* Appendix A.1: the last round key, w[40..43]. */
	hex16("2b7e151628aed2a6abf7158809cf4f3c", kb);
	hex16("d014f9a8c9ee2589e13f0cc8b6630ca6", w40);
	sf_aes128_expand(kb, &k);
	SF_CHECK_MEM(k.ak_rk[10], w40, 16);
	SF_CHECK_MEM(k.ak_rk[0], kb, 16);
	/* Appendix B and C.1. */
	check_cipher("2b7e151628aed2a6abf7158809cf4f3c",
		"3243f6a8885a308d313198a2e0370734",
		"3925841d02dc09fbdc118597196a0b32");
	check_cipher("000102030405060708090a0b0c0d0e0f",
		"00112233445566778899aabbccddeeff",
		"69c4e0d86a7b0430d8cdb78070b4c55a");
}

/* The S-box from its definition: inverse in GF(2^8), affine map. */
static uint8_t
gmul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	while (b != 0) {
		if (b & 1)
			r ^= a;
		a = (uint8_t)((a << 1) ^ ((a >> 7) * 0x1b));
		b >>= 1;
	}
	return r;
}

static void
test_sbox(void)
{
	struct sf_aes_key k;
	uint8_t key[16] = { 0 }, inv, s, x;
	unsigned int a, b, i;
	unsigned int checked = 0;

	/*
	 * The S-box is private; the key expansion shows it: with a key whose
	 * last word is (v, 0, 0, 0), w[4]'s last byte is S(v) (RotWord moves
	 * v to the end), the others S(0) ^ Rcon, S(0), S(0).
	 */
	for (a = 0; a < 256; a++) {
		inv = 0;
		for (b = 1; b < 256 && a != 0; b++)
			if (gmul((uint8_t)a, (uint8_t)b) == 1) {
				inv = (uint8_t)b;
				break;
			}
		s = 0x63;
		for (i = 0; i < 8; i++) {
			x = (uint8_t)(((inv >> i) ^ (inv >> ((i + 4) & 7)) ^
				(inv >> ((i + 5) & 7)) ^ (inv >> ((i + 6) & 7)) ^
				(inv >> ((i + 7) & 7))) & 1);
			s ^= (uint8_t)(x << i);
		}
		key[12] = (uint8_t)a;
		sf_aes128_expand(key, &k);
		SF_CHECK_EQ(k.ak_rk[1][3], s);
		SF_CHECK_EQ(k.ak_rk[1][0], 0x63 ^ 0x01);
		checked++;
	}
	SF_CHECK_EQ(checked, 256);
}

/* The first 8 bytes of a block as a little-endian word. */
static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/*
 * AES-NI and the byte-wise code agree, block by block and chained, and
 * the 64-bit steps (the cookie's: the byte-wise one is what a CPU
 * without AES-NI computes cookies with) give the first 8 bytes of the
 * block step's output.
 */
static void
test_ni_sw(void)
{
	struct sf_aes_key k;
	uint8_t key[16], x[16], b[16], o1[16], o2[16];
	unsigned int n, i;
	bool ni = sf_aes_have_ni();

	if (!ni)
		printf("test_aes: this CPU has no AES-NI: only the byte-wise "
			"implementation was tested\n");
	srand(7);
	for (n = 0; n < 2000; n++) {
		for (i = 0; i < 16; i++) {
			key[i] = (uint8_t)rand();
			x[i] = (uint8_t)rand();
			b[i] = (uint8_t)rand();
		}
		sf_aes128_expand(key, &k);
		sf_aes128_step_sw(&k, x, b, o2);
		SF_CHECK_EQ(sf_aes128_step64_sw(&k, x, le64(b), le64(b + 8)),
			le64(o2));
		SF_CHECK_EQ(sf_aes128_step64(&k, x, le64(b), le64(b + 8)),
			le64(o2));
		if (!ni)
			continue;
		sf_aes128_step_ni(&k, x, b, o1);
		SF_CHECK_MEM(o1, o2, 16);
		SF_CHECK_EQ(sf_aes128_step64_ni(&k, x, le64(b), le64(b + 8)),
			le64(o2));
		/* Output over an input (the CBC chain does that). */
		memcpy(o2, x, 16);
		sf_aes128_step(&k, o2, b, o2);
		SF_CHECK_MEM(o1, o2, 16);
	}
}

/*
 * A CBC-MAC of two blocks against FIPS-197's own example: with the
 * first block all zeros and the key of C.1, the chain's second step
 * sees E(0) ^ b2; choosing b2 = E(0) ^ C.1's plaintext gives C.1's
 * ciphertext.
 */
static void
test_chain(void)
{
	struct sf_aes_key k;
	uint8_t kb[16], pt[16], ct[16], e0[16], b2[16], out[16];
	unsigned int i;

	hex16("000102030405060708090a0b0c0d0e0f", kb);
	hex16("00112233445566778899aabbccddeeff", pt);
	hex16("69c4e0d86a7b0430d8cdb78070b4c55a", ct);
	sf_aes128_expand(kb, &k);
	sf_aes128_step(&k, zero, zero, e0);
	for (i = 0; i < 16; i++)
		b2[i] = e0[i] ^ pt[i];
	sf_aes128_step(&k, e0, b2, out);
	SF_CHECK_MEM(out, ct, 16);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_fips197();
	test_sbox();
	test_ni_sw();
	test_chain();
	return sf_test_done("test_aes");
}
