/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_CNT_H
#define SF_CNT_H

/*
 * The counters of one lcore (a worker or an application context): the
 * engine's (enum sf_counter) and its listeners' (enum sf_lcounter).
 * Written by that lcore only; the relaxed atomic store keeps readers on
 * other threads (telemetry, the stats printer, the control thread) free
 * of torn values at the cost of nothing on x86. Readers sum the blocks
 * of every context with atomic loads. Private header of the core layer.
 */

#include <stdint.h>

#include <rte_common.h>

#include "sf_counters.h"
#include "sf_tcp.h"

struct sf_stats {
	uint64_t st_cnt[SF_CNT_MAX];
	uint64_t st_lcnt[SF_MAX_LISTENERS][SF_LCNT_MAX];
} __rte_cache_aligned;

static inline void
sf_stats_add(struct sf_stats *st, enum sf_counter c, uint64_t n)
{
	__atomic_store_n(&st->st_cnt[c], st->st_cnt[c] + n, __ATOMIC_RELAXED);
}

static inline void
sf_stats_ladd(struct sf_stats *st, uint16_t ls, enum sf_lcounter c)
{
	uint64_t *v = &st->st_lcnt[ls][c];

	__atomic_store_n(v, *v + 1, __ATOMIC_RELAXED);
}

/* Any thread. */
static inline uint64_t
sf_stats_get(const struct sf_stats *st, enum sf_counter c)
{
	return __atomic_load_n(&st->st_cnt[c], __ATOMIC_RELAXED);
}

static inline uint64_t
sf_stats_lget(const struct sf_stats *st, uint16_t ls, enum sf_lcounter c)
{
	return __atomic_load_n(&st->st_lcnt[ls][c], __ATOMIC_RELAXED);
}

#endif /* SF_CNT_H */
