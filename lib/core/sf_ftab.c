/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Per-lcore flow tables: from the 4-tuple to a position, and the position
 * indexes the caller's entry array. The request table and the
 * established table are both one of these.
 *
 * Only the owning lcore touches a table, which is what lets it be this
 * simple (rte_hash, used before, pays for concurrent readers even when
 * none are configured: an insert cost 323 instructions, a miss 136).
 * Buckets of eight slots, probed linearly: a flow lives in its home
 * bucket (the hash's top bits) or, when that was full, in the first bucket after
 * it with room; each bucket counts the entries placed past it, and a
 * lookup goes on only while that count is not zero. There are at least
 * twice as many slots as positions, so an insert fails only when every
 * position is taken, never because one bucket filled up (which an
 * attacker could aim at); with the keyed hash he cannot aim anyway.
 */

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "sf_ftab.h"

static_assert(sizeof(struct sf_ftab_bkt) == 64, "a bucket is a cache line");

void
sf_flow_hkey_random(struct sf_flow_hkey *hk)
{
	unsigned int i;

	if (getrandom(hk, sizeof(*hk), 0) != (ssize_t)sizeof(*hk)) {
		for (i = 0; i < SF_FLOW_HKEY_WORDS; i++)
			hk->hk[i] = (uint32_t)rte_rand();
		hk->hk_mul = rte_rand();
	}
	hk->hk_mul |= 1;
}

int
sf_ftab_init(struct sf_ftab *ft, uint32_t cap, int socket)
{
	uint32_t nb, i;

	memset(ft, 0, sizeof(*ft));
	cap = RTE_MAX(cap, 8u);
	/* Buckets for four positions each: slots at least twice the cap. */
	nb = rte_align32pow2((cap + 3) / 4);
	ft->ft_bkt = rte_zmalloc_socket("sf_ftab_bkt", sizeof(*ft->ft_bkt) *
		nb, RTE_CACHE_LINE_SIZE, socket);
	ft->ft_keys = rte_zmalloc_socket("sf_ftab_keys", sizeof(*ft->ft_keys) *
		cap, RTE_CACHE_LINE_SIZE, socket);
	ft->ft_hash = rte_malloc_socket("sf_ftab_hash", sizeof(uint32_t) * cap,
		RTE_CACHE_LINE_SIZE, socket);
	ft->ft_free = rte_malloc_socket("sf_ftab_free", sizeof(uint32_t) * cap,
		RTE_CACHE_LINE_SIZE, socket);
	if (ft->ft_bkt == NULL || ft->ft_keys == NULL || ft->ft_hash == NULL ||
	    ft->ft_free == NULL) {
		sf_ftab_fini(ft);
		return -ENOMEM;
	}
	ft->ft_mask = nb - 1;
	ft->ft_shift = 32 - (uint32_t)rte_log2_u32(nb);
	ft->ft_cap = cap;
	/* Position 0 on top: positions are handed out from 0 up. */
	for (i = 0; i < cap; i++)
		ft->ft_free[i] = cap - 1 - i;
	ft->ft_nb_free = cap;
	return 0;
}

void
sf_ftab_fini(struct sf_ftab *ft)
{
	rte_free(ft->ft_bkt);
	rte_free(ft->ft_keys);
	rte_free(ft->ft_hash);
	rte_free(ft->ft_free);
	memset(ft, 0, sizeof(*ft));
}

/*
 * The slots of b that hold position word v (0: empty), as a bit mask:
 * eight compares at once, so that an insert or a delete costs the same
 * whichever slot it meets (a scan's cost followed the bucket's load, and
 * with it the hash key drawn at start).
 */
static inline unsigned int
sf_ftab_pos_match(const struct sf_ftab_bkt *b, uint32_t v)
{
#ifdef __SSE2__
	const __m128i *p = (const __m128i *)(const void *)b->fb_pos;
	__m128i x = _mm_set1_epi32((int)v);
	__m128i lo = _mm_cmpeq_epi32(_mm_load_si128(p), x);
	__m128i hi = _mm_cmpeq_epi32(_mm_load_si128(p + 1), x);

	/* Lanes of 32 bits packed to 16, then to bytes: a bit per slot. */
	return (unsigned int)_mm_movemask_epi8(_mm_packs_epi16(
		_mm_packs_epi32(lo, hi), _mm_setzero_si128()));
#else
	unsigned int i, m = 0;

	for (i = 0; i < SF_FTAB_BKT; i++)
		m |= (unsigned int)(b->fb_pos[i] == v) << i;
	return m;
#endif
}

/*
 * Add flow k, which the caller has looked up and not found (a second add
 * of one flow would shadow the first). Returns its position, or -ENOSPC
 * when every position is taken.
 */
__rte_always_inline int32_t
sf_ftab_add(struct sf_ftab *ft, const struct sf_flow_key *k, uint32_t hash)
{
	struct sf_ftab_bkt *b;
	uint32_t pos, bi;
	unsigned int m, slot;

	if (ft->ft_nb_free == 0)
		return -ENOSPC;
	pos = ft->ft_free[--ft->ft_nb_free];
	bi = (uint32_t)((uint64_t)hash >> ft->ft_shift);
	/* Slots outnumber positions: this ends within the table. */
	for (;;) {
		b = &ft->ft_bkt[bi];
		m = sf_ftab_pos_match(b, 0);
		if (m != 0)
			break;
		b->fb_over++;
		bi = (bi + 1) & ft->ft_mask;
	}
	slot = (unsigned int)__builtin_ctz(m);
	b->fb_sig[slot] = (uint16_t)hash;
	b->fb_pos[slot] = pos + 1;
	ft->ft_keys[pos] = *k;
	ft->ft_hash[pos] = hash;
	ft->ft_used++;
	return (int32_t)pos;
}

/* Remove the flow at pos; a free position is left as it is. */
void
sf_ftab_del(struct sf_ftab *ft, uint32_t pos)
{
	struct sf_ftab_bkt *b;
	uint32_t bi;
	unsigned int i, m;

	if (sf_ftab_key(ft, pos) == NULL)
		return;
	bi = (uint32_t)((uint64_t)ft->ft_hash[pos] >> ft->ft_shift);
	/* Its home, then on: undo the counts its insert made on the way. */
	for (;;) {
		b = &ft->ft_bkt[bi];
		m = sf_ftab_pos_match(b, pos + 1);
		if (m != 0)
			break;
		b->fb_over--;
		bi = (bi + 1) & ft->ft_mask;
	}
	i = (unsigned int)__builtin_ctz(m);
	b->fb_pos[i] = 0;
	b->fb_sig[i] = 0;
	ft->ft_keys[pos].fk_family = 0;
	ft->ft_free[ft->ft_nb_free++] = pos;
	ft->ft_used--;
}
