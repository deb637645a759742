/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_FTAB_H
#define SF_FTAB_H

/*
 * Per-lcore flow tables (sf_ftab.c). Private header of the core layer.
 *
 * Only the owning lcore reads or writes a table, so it needs no lock, no
 * atomic and no version counter: a lookup is one hash, one 64-byte
 * bucket (eight 16-bit signatures compared at once) and one key compare
 * on a hit. The lookup is inline, as it runs for every segment.
 */

#include <assert.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sf_flow.h"

/*
 * The flow hash's key: NH (UMAC's universal hash, RFC 4418 5.1) over the
 * 4-tuple's 32-bit words, so that an attacker who picks 4-tuples without
 * knowing the key cannot aim them at one bucket (CRC32-C, which the
 * tables used before, is linear: colliding tuples are found offline,
 * whatever the seed).
 */
#define SF_FLOW_HKEY_WORDS 12
struct sf_flow_hkey {
	uint32_t hk[SF_FLOW_HKEY_WORDS];
	uint64_t hk_mul;           /* odd */
};

/* Slots per bucket: one 16-byte vector of signatures. */
#define SF_FTAB_BKT 8

/*
 * A bucket: the slots' signatures (the hash's low half; its high bits
 * choose the bucket) and positions (+ 1; 0 is an empty slot), and how
 * many entries that hashed here or before were placed past it (linear
 * probing by buckets: a lookup stops at the first bucket that holds the
 * flow or has no such entry).
 */
struct sf_ftab_bkt {
	uint16_t fb_sig[SF_FTAB_BKT];
	uint32_t fb_pos[SF_FTAB_BKT];
	uint32_t fb_over;
	uint32_t fb_pad[3];
} __rte_aligned(64);

/*
 * A per-lcore table of flows: keys by position, positions 0..cap-1 index
 * the caller's entry array (requests or connections).
 */
struct sf_ftab {
	struct sf_ftab_bkt *ft_bkt;
	struct sf_flow_key *ft_keys;   /* by position; fk_family 0: free */
	uint32_t *ft_hash;             /* by position */
	uint32_t *ft_free;             /* stack of free positions */
	uint32_t ft_nb_free;
	uint32_t ft_mask;              /* buckets - 1 */
	uint32_t ft_shift;             /* hash >> ft_shift: the bucket */
	uint32_t ft_cap;               /* positions */
	uint32_t ft_used;
};

/* sf_ftab.c: the per-lcore flow tables. */
int sf_ftab_init(struct sf_ftab *ft, uint32_t cap, int socket);
void sf_ftab_fini(struct sf_ftab *ft);
void sf_flow_hkey_random(struct sf_flow_hkey *hk);
int32_t sf_ftab_add(struct sf_ftab *ft, const struct sf_flow_key *k,
		uint32_t hash);
void sf_ftab_del(struct sf_ftab *ft, uint32_t pos);

/* Two keys of the same table: 48 bytes, compared as six words. */
static inline bool
sf_flow_key_eq(const struct sf_flow_key *a, const struct sf_flow_key *b)
{
	uint64_t x[6], y[6];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) |
		(x[3] ^ y[3]) | (x[4] ^ y[4]) | (x[5] ^ y[5])) == 0;
}

/*
 * NH: the sum of (m[2i] + k[2i]) * (m[2i+1] + k[2i+1]) over 32-bit words,
 * each sum mod 2^32, the products and their sum mod 2^64. Two flows meet
 * there with a chance of 2^-32 at most, but nearby flows (ports in a
 * row) give nearby sums, so the sum goes through a multiply-shift hash
 * (a random odd multiplier, the top 32 bits of the product): two
 * different sums share the top b bits with a chance of 2^(1-b). The
 * bucket is the hash's top bits. IPv4 hashes its three words and the
 * family, IPv6 all twelve: the family word differs, so the two never
 * meet in one key.
 */
static inline uint32_t
sf_flow_hash(const struct sf_flow_key *k, const struct sf_flow_hkey *hk)
{
	uint32_t w[SF_FLOW_HKEY_WORDS];
	uint64_t s;
	unsigned int i;

	static_assert(sizeof(*k) == sizeof(w), "a key is twelve words");
	memcpy(w, k, sizeof(w));
	if (k->fk_family != AF_INET6) {
		/* raddr with the ports, laddr with the family word. */
		s = (uint64_t)(uint32_t)(w[0] + hk->hk[0]) *
			(uint32_t)(w[8] + hk->hk[1]) +
		    (uint64_t)(uint32_t)(w[4] + hk->hk[2]) *
			(uint32_t)(w[9] + hk->hk[3]);
	} else {
		s = 0;
		for (i = 0; i < SF_FLOW_HKEY_WORDS; i += 2)
			s += (uint64_t)(uint32_t)(w[i] + hk->hk[i]) *
				(uint32_t)(w[i + 1] + hk->hk[i + 1]);
	}
	/*
	 * The high half folded into the low before the multiply: flows
	 * that differ in one word (a client's sequential ports) make s an
	 * arithmetic progression, and a multiply-shift of one spreads well
	 * for most keys but piles up for some (4,096 such flows in 256
	 * buckets: 1 key in 100 put more than 48 in one, up to 184); folded,
	 * the worst of 3,000 keys was 37, as random as a random hash. The
	 * fold is a bijection, so distinct sums stay distinct and the
	 * multiply-shift's 2^(1-b) holds as before.
	 */
	s ^= s >> 32;
	return (uint32_t)((s * hk->hk_mul) >> 32);
}

static inline struct sf_ftab_bkt *
sf_ftab_bucket(const struct sf_ftab *ft, uint32_t hash)
{
	/* The top bits: those the multiplications mixed best. */
	return &ft->ft_bkt[(uint64_t)hash >> ft->ft_shift];
}

/* The slots of bucket b whose signature is sig, as a bit mask. */
static inline unsigned int
sf_ftab_match(const struct sf_ftab_bkt *b, uint16_t sig)
{
#ifdef __SSE2__
	__m128i v = _mm_load_si128((const __m128i *)(const void *)b->fb_sig);
	__m128i eq = _mm_cmpeq_epi16(v, _mm_set1_epi16((short)sig));

	/* Lanes of 16 bits packed to bytes: one mask bit per slot. */
	return (unsigned int)_mm_movemask_epi8(_mm_packs_epi16(eq,
		_mm_setzero_si128()));
#else
	unsigned int i, m = 0;

	for (i = 0; i < SF_FTAB_BKT; i++)
		m |= (unsigned int)(b->fb_sig[i] == sig) << i;
	return m;
#endif
}

/* The position of flow k (its hash: sf_flow_hash()), or -1. */
static inline int32_t
sf_ftab_lookup(const struct sf_ftab *ft, const struct sf_flow_key *k,
		uint32_t hash)
{
	const struct sf_ftab_bkt *b = sf_ftab_bucket(ft, hash);
	uint16_t sig = (uint16_t)hash;

	for (;;) {
		unsigned int m = sf_ftab_match(b, sig);

		while (m != 0) {
			unsigned int i = (unsigned int)__builtin_ctz(m);
			uint32_t p = b->fb_pos[i];

			m &= m - 1;
			if (p != 0 && sf_flow_key_eq(&ft->ft_keys[p - 1], k))
				return (int32_t)(p - 1);
		}
		if (likely(b->fb_over == 0))
			return -1;
		b = &ft->ft_bkt[(uint32_t)(b - ft->ft_bkt + 1) & ft->ft_mask];
	}
}

/* The key at a position, or NULL when the position is free. */
static inline const struct sf_flow_key *
sf_ftab_key(const struct sf_ftab *ft, uint32_t pos)
{
	if (pos >= ft->ft_cap || ft->ft_keys[pos].fk_family == 0)
		return NULL;
	return &ft->ft_keys[pos];
}

#endif /* SF_FTAB_H */
