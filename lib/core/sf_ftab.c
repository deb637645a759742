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

/* The first empty slot of b, or -1. */
static inline int
sf_ftab_empty_slot(const struct sf_ftab_bkt *b)
{
	unsigned int i;

	for (i = 0; i < SF_FTAB_BKT; i++)
		if (b->fb_pos[i] == 0)
			return (int)i;
	return -1;
}

/*
 * Add flow k, which the caller has looked up and not found (a second add
 * of one flow would shadow the first). Returns its position, or -ENOSPC
 * when every position is taken.
 */
int32_t
sf_ftab_add(struct sf_ftab *ft, const struct sf_flow_key *k, uint32_t hash)
{
	struct sf_ftab_bkt *b;
	uint32_t pos, bi;
	int slot;

	if (ft->ft_nb_free == 0)
		return -ENOSPC;
	pos = ft->ft_free[--ft->ft_nb_free];
	bi = (uint32_t)((uint64_t)hash >> ft->ft_shift);
	/* Slots outnumber positions: this ends within the table. */
	for (;;) {
		b = &ft->ft_bkt[bi];
		slot = sf_ftab_empty_slot(b);
		if (slot >= 0)
			break;
		b->fb_over++;
		bi = (bi + 1) & ft->ft_mask;
	}
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
	unsigned int i;

	if (sf_ftab_key(ft, pos) == NULL)
		return;
	bi = (uint32_t)((uint64_t)ft->ft_hash[pos] >> ft->ft_shift);
	/* Its home, then on: undo the counts its insert made on the way. */
	for (;;) {
		b = &ft->ft_bkt[bi];
		for (i = 0; i < SF_FTAB_BKT; i++)
			if (b->fb_pos[i] == pos + 1)
				goto found;
		b->fb_over--;
		bi = (bi + 1) & ft->ft_mask;
	}
found:
	b->fb_pos[i] = 0;
	b->fb_sig[i] = 0;
	ft->ft_keys[pos].fk_family = 0;
	ft->ft_free[ft->ft_nb_free++] = pos;
	ft->ft_used--;
}
