/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Per-lcore flow tables: an rte_hash from the 4-tuple to a key position,
 * and that position indexes the caller's entry array. The request table
 * and the established table are both one of these. Only the owning lcore
 * reads or writes a table, so it is created without any concurrency
 * flags (no locks, no atomics). The extendable bucket table is on, so an
 * insert fails only when every slot is used, never because one bucket
 * filled up (which an attacker could aim at).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "sf_ftab.h"

/* Table names must be unique in the process. */
static uint32_t sf_ftab_serial;

uint32_t
sf_flow_hash(const struct sf_flow_key *k, uint32_t seed)
{
	/*
	 * XXX(#6): CRC32-C is fast but not keyed: a random seed does not
	 * stop an attacker who can pick 4-tuples from colliding in one
	 * bucket. The extendable buckets keep inserts working. The steering
	 * hash (Toeplitz) is no cure: it is linear, so colliding tuples are
	 * as easy to find. A keyed hash (SipHash-1-3) is the fix; its cost
	 * per lookup is for the benchmark of issue 6 to weigh.
	 */
	return rte_hash_crc(k, sizeof(*k), seed);
}

int
sf_ftab_init(struct sf_ftab *ft, const char *kind, unsigned int idx,
		uint32_t cap, uint32_t seed, int socket)
{
	struct rte_hash_parameters hp = { 0 };
	char name[RTE_HASH_NAMESIZE];

	memset(ft, 0, sizeof(*ft));
	snprintf(name, sizeof(name), "sf_%s%u_%u", kind, idx,
		__atomic_fetch_add(&sf_ftab_serial, 1, __ATOMIC_RELAXED));
	hp.name = name;
	hp.entries = RTE_MAX(cap, 8u);
	hp.key_len = sizeof(struct sf_flow_key);
	hp.hash_func = rte_hash_crc;
	hp.hash_func_init_val = seed;
	hp.socket_id = socket;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	ft->ft_hash = rte_hash_create(&hp);
	if (ft->ft_hash == NULL)
		return -ENOMEM;
	ft->ft_cap = hp.entries;
	return 0;
}

void
sf_ftab_fini(struct sf_ftab *ft)
{
	rte_hash_free(ft->ft_hash);
	memset(ft, 0, sizeof(*ft));
}

int32_t
sf_ftab_lookup(const struct sf_ftab *ft, const struct sf_flow_key *k,
		uint32_t hash)
{
	return rte_hash_lookup_with_hash(ft->ft_hash, k, hash);
}

int32_t
sf_ftab_add(struct sf_ftab *ft, const struct sf_flow_key *k, uint32_t hash)
{
	int32_t pos;

	if (ft->ft_used >= ft->ft_cap)
		return -ENOSPC;
	pos = rte_hash_add_key_with_hash(ft->ft_hash, k, hash);
	if (pos < 0)
		return pos;
	/* Positions are key slots 0..entries-1; anything else is a bug. */
	if (unlikely((uint32_t)pos >= ft->ft_cap)) {
		rte_hash_del_key_with_hash(ft->ft_hash, k, hash);
		return -ENOSPC;
	}
	ft->ft_used++;
	return pos;
}

const struct sf_flow_key *
sf_ftab_key(const struct sf_ftab *ft, uint32_t pos)
{
	void *key = NULL;

	if (rte_hash_get_key_with_position(ft->ft_hash, (int32_t)pos,
			&key) != 0)
		return NULL;
	return key;
}

void
sf_ftab_del(struct sf_ftab *ft, uint32_t pos)
{
	const struct sf_flow_key *kp = sf_ftab_key(ft, pos);
	struct sf_flow_key k;

	if (kp == NULL)
		return;
	/* A copy: the key store slot is recycled by the delete. */
	k = *kp;
	if (rte_hash_del_key(ft->ft_hash, &k) >= 0)
		ft->ft_used--;
}
