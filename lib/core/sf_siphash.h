/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_SIPHASH_H
#define SF_SIPHASH_H

/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed pseudo-random function with a 128-bit key and a 64-bit
 * output. synfront uses it wherever an attacker must not predict or
 * steer a value: initial sequence numbers (RFC 6528), timestamp offsets
 * and, later, SYN cookies. Private header.
 */

#include <stddef.h>
#include <stdint.h>

struct sf_siphash_key {
	uint64_t k[2];
};

/* SipHash-2-4 of len bytes at data under key. */
uint64_t sf_siphash(const struct sf_siphash_key *key, const void *data,
		size_t len);

/* A key from its 16 bytes as the paper writes keys: k0, k1, little-endian. */
void sf_siphash_key_from_bytes(const uint8_t b[16], struct sf_siphash_key *key);

/* Fill key from the best random source there is (getrandom(2)). */
void sf_siphash_key_random(struct sf_siphash_key *key);

#endif /* SF_SIPHASH_H */
