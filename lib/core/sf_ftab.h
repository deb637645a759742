/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_FTAB_H
#define SF_FTAB_H

/* Per-lcore flow tables (sf_ftab.c). Private header of the core layer. */

#include <stdint.h>

#include <rte_hash.h>

#include "sf_flow.h"

/*
 * A per-lcore table of flows: an rte_hash of sf_flow_key whose key
 * positions index an array of entries (requests or connections).
 */
struct sf_ftab {
	struct rte_hash *ft_hash;
	uint32_t ft_cap;          /* slots */
	uint32_t ft_used;
};

/* sf_ftab.c: the per-lcore flow tables. */
int sf_ftab_init(struct sf_ftab *ft, const char *kind, unsigned int idx,
		uint32_t cap, uint32_t seed, int socket);
void sf_ftab_fini(struct sf_ftab *ft);
uint32_t sf_flow_hash(const struct sf_flow_key *k, uint32_t seed);
int32_t sf_ftab_lookup(const struct sf_ftab *ft, const struct sf_flow_key *k,
		uint32_t hash);
int32_t sf_ftab_add(struct sf_ftab *ft, const struct sf_flow_key *k,
		uint32_t hash);
void sf_ftab_del(struct sf_ftab *ft, uint32_t pos);
const struct sf_flow_key *sf_ftab_key(const struct sf_ftab *ft, uint32_t pos);

#endif /* SF_FTAB_H */
