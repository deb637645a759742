/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_STATS_H
#define SF_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "sf_engine.h"

/* A port's ethdev view, taken before the port is closed. */
struct sf_port_report {
	uint16_t pr_port;
	char pr_name[RTE_ETH_NAME_MAX_LEN];
	char pr_mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_eth_stats pr_stats;
};

/* Mempool accounting, taken after every port is closed (sf_pool_audit). */
struct sf_pool_report {
	char pp_name[RTE_MEMPOOL_NAMESIZE];
	unsigned int pp_size;      /* mbufs in the pool */
	unsigned int pp_avail;     /* back in the pool (caches included) */
	unsigned int pp_pmd_kept;  /* out, kept by a PMD that never frees them */
	unsigned int pp_in_use;    /* out, unaccounted for: leaked */
};

/*
 * Print one stats line: totals, rates since the previous line, drops, and
 * mempool use. prev holds SF_CNT_MAX values and is updated.
 */
void sf_stats_line(FILE *f, const struct sf_engine *eng, uint64_t *prev,
		double seconds, const struct rte_mempool *mp);

/* Print every non-zero counter, one per line, and the per-lcore split. */
void sf_stats_final(FILE *f, const struct sf_engine *eng);

/* Fill a port report from a live port. */
void sf_stats_port_report(uint16_t port_id, struct sf_port_report *r);

/*
 * Write the exit JSON: counters (total and per lcore), ports, mempool.
 * Returns 0 or -errno.
 */
int sf_stats_write_json(const char *file, const struct sf_engine *eng,
		const struct sf_port_report *ports, unsigned int nb_ports,
		const struct sf_pool_report *pool);

#endif /* SF_STATS_H */
