/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_SIPHASH_H
#define SF_SIPHASH_H

/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed pseudo-random function with a 128-bit key and a 64-bit
 * output. synfront uses it wherever an attacker must not predict or
 * steer a value: initial sequence numbers (RFC 6528), timestamp offsets,
 * the SYN cookies' period keys (the cookie MAC itself is AES: sf_aes.h),
 * ephemeral port offsets and backend choice by client address. Private
 * header.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>

struct sf_siphash_key {
	uint64_t k[2];
};

/* SipHash-2-4 of len bytes at data under key. */
uint64_t sf_siphash(const struct sf_siphash_key *key, const void *data,
		size_t len);

static inline uint64_t
sf_rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SF_SIPROUND(v0, v1, v2, v3) do { \
	v0 += v1; v1 = sf_rotl64(v1, 13); v1 ^= v0; v0 = sf_rotl64(v0, 32); \
	v2 += v3; v3 = sf_rotl64(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = sf_rotl64(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = sf_rotl64(v1, 17); v1 ^= v2; v2 = sf_rotl64(v2, 32); \
} while (0)

/* SipHash-2-4's state, and its three steps, for both entry points. */
struct sf_sip {
	uint64_t v0, v1, v2, v3;
};

static __rte_always_inline void
sf_sip_init(struct sf_sip *s, const struct sf_siphash_key *key)
{
	/* "somepseudorandomlygeneratedbytes", the paper's constants */
	s->v0 = key->k[0] ^ 0x736f6d6570736575ULL;
	s->v1 = key->k[1] ^ 0x646f72616e646f6dULL;
	s->v2 = key->k[0] ^ 0x6c7967656e657261ULL;
	s->v3 = key->k[1] ^ 0x7465646279746573ULL;
}

/* One 8-byte block m (little-endian), two compression rounds. */
static __rte_always_inline void
sf_sip_block(struct sf_sip *s, uint64_t m)
{
	s->v3 ^= m;
	SF_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SF_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	s->v0 ^= m;
}

/*
 * The final block (the 0..7 remaining bytes, little-endian, under the
 * message length in the top byte), then the four finalisation rounds.
 */
static __rte_always_inline uint64_t
sf_sip_last(struct sf_sip *s, uint64_t last)
{
	sf_sip_block(s, last);
	s->v2 ^= 0xff;
	SF_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SF_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SF_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SF_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/*
 * sf_siphash() for a message the caller holds as words: n 64-bit blocks
 * m[] (each the little-endian reading of 8 message bytes), then last,
 * the final block as sf_sip_last() takes it. sf_siphash() over those
 * bytes gives the same value. Inline, so that a constant n unrolls and
 * a short fixed-size message pays for its rounds alone: no length loop,
 * no tail switch.
 */
static __rte_always_inline uint64_t
sf_siphash_words(const struct sf_siphash_key *key, const uint64_t *m,
		unsigned int n, uint64_t last)
{
	struct sf_sip s;
	unsigned int i;

	sf_sip_init(&s, key);
	for (i = 0; i < n; i++)
		sf_sip_block(&s, m[i]);
	return sf_sip_last(&s, last);
}

/*
 * The state after a message's first block, kept for the next message
 * that starts with the same block under the same key: SipHash absorbs
 * blocks in order, so a message whose first 8 bytes name only our end
 * (address and port: one listener's every SYN) resumes here and pays
 * for the rest alone. The state is what the key and that block make; it
 * is kept where the key is. The owner resets it (sm_valid = false) when
 * the key changes.
 */
struct sf_sip_mid {
	struct sf_sip sm_s;
	uint64_t sm_m0;
	bool sm_valid;
};

/* s: key's state after the block m0, from mid when it holds m0. */
static __rte_always_inline void
sf_sip_resume(struct sf_sip *s, struct sf_sip_mid *mid,
		const struct sf_siphash_key *key, uint64_t m0)
{
	if (likely(mid->sm_valid && mid->sm_m0 == m0)) {
		*s = mid->sm_s;
		return;
	}
	sf_sip_init(s, key);
	sf_sip_block(s, m0);
	mid->sm_s = *s;
	mid->sm_m0 = m0;
	mid->sm_valid = true;
}

/*
 * Four bytes a and two bytes b as they lie in memory, then two zero
 * bytes, read as one little-endian block: what sf_siphash() reads from
 * those 8 bytes.
 */
static inline uint64_t
sf_siphash_a4b2(uint32_t a, uint16_t b)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return (uint64_t)a | (uint64_t)b << 32;
#else
	return (uint64_t)__builtin_bswap32(a) |
		(uint64_t)__builtin_bswap16(b) << 32;
#endif
}

/* A key from its 16 bytes as the paper writes keys: k0, k1, little-endian. */
void sf_siphash_key_from_bytes(const uint8_t b[16], struct sf_siphash_key *key);

/* Fill key from the best random source there is (getrandom(2)). */
void sf_siphash_key_random(struct sf_siphash_key *key);

#endif /* SF_SIPHASH_H */
