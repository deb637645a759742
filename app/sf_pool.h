/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_POOL_H
#define SF_POOL_H

#include <rte_mempool.h>

#include "sf_stats.h"

/*
 * The exit audit of the mbuf pool: call it on the main lcore once every
 * other lcore has stopped, every port is closed and the engine drained.
 *
 * Every mbuf must then be back in mp, except pmd_kept of them that PMDs
 * keep in rings of their own and never free (net_af_xdp's fill rings, see
 * sf_port_init()). Those are allowed for only when at least that many of
 * the mbufs outside the pool are exactly as rte_pktmbuf_alloc() left them,
 * which no frame synfront received or built is. Fills r (pp_in_use: the
 * mbufs unaccounted for) and logs the outcome. Returns r->pp_in_use: 0
 * when nothing leaked.
 */
unsigned int sf_pool_audit(struct rte_mempool *mp, unsigned int pmd_kept,
		struct sf_pool_report *r);

#endif /* SF_POOL_H */
