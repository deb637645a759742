/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_PROXY_H
#define SF_PROXY_H

/**
 * @file
 * Backend pools of the SYN proxy (docs/synproxy.md): backends with
 * weights, how a pool chooses among them, and their health, kept by
 * periodic TCP checks (an active open, then a reset) that the workers
 * run from their clocks. Pools and
 * backends are added before the workers poll.
 */

#include <stdbool.h>
#include <stdint.h>

#include "sf_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most backend pools of an engine, and backends of a pool. */
#define SF_MAX_POOLS 16
#define SF_MAX_POOL_BACKENDS 64

/** How a pool chooses a backend for a new client connection. */
enum sf_pool_sched {
	SF_POOL_RR = 0,   /**< smooth weighted round robin (nginx's) */
	SF_POOL_HASH = 1, /**< weighted rendezvous hash of the client address */
};

/** A pool's settings; sf_pool_params_init() fills HAProxy's defaults. */
struct sf_pool_params {
	uint8_t sched;             /**< enum sf_pool_sched */
	uint8_t rise;              /**< checks in a row to come up (2) */
	uint8_t fall;              /**< checks in a row to go down (3) */
	/** between two checks of a backend, ms (2000); 0: no checks */
	uint32_t check_ms;
	/** a check that has not connected by then failed, ms (1000) */
	uint32_t check_timeout_ms;
};

/** Fill p: round robin, rise 2, fall 3, a check every 2 s, 1 s timeout. */
void sf_pool_params_init(struct sf_pool_params *p);

/**
 * Add a pool, before the workers poll.
 *
 * @return
 *   Its id (>= 0), or -EINVAL (a bad setting: rise and fall 1..100,
 *   check_timeout_ms 3..check_ms when checks are on), -ENOSPC.
 */
int sf_engine_pool_add(struct sf_engine *eng, const struct sf_pool_params *p);

/**
 * Add a backend to pool id (up until checks say otherwise), before the
 * workers poll; weight 1..256.
 *
 * @return
 *   Its index in the pool, or -EINVAL, -ENOENT (no such pool), -EEXIST
 *   (the same address and port), -ENOSPC.
 */
int sf_engine_backend_add(struct sf_engine *eng, unsigned int pool,
		const struct sf_addr *addr, uint16_t port, unsigned int weight);

/** Number of pools; the backends of pool id (or -ENOENT). */
unsigned int sf_engine_pool_count(const struct sf_engine *eng);
int sf_engine_pool_get(const struct sf_engine *eng, unsigned int id,
		struct sf_pool_params *out);
int sf_engine_pool_backends(const struct sf_engine *eng, unsigned int id);

/** A backend as its pool sees it. */
struct sf_backend_info {
	struct sf_addr addr;
	uint16_t port;
	uint16_t weight;
	bool up;
	uint64_t checks;           /**< checks done */
	uint64_t check_fails;      /**< of them failed */
	uint64_t changes;          /**< up/down transitions */
	uint64_t conns;            /**< client connections sent to it */
	uint64_t errors;           /**< of them, opens that failed */
};

/** Backend i of pool id: 0, or -ENOENT. */
int sf_engine_backend_get(const struct sf_engine *eng, unsigned int pool,
		unsigned int i, struct sf_backend_info *out);

/**
 * The splice's settings, engine-wide (docs/synproxy.md);
 * sf_proxy_params_init() fills the defaults.
 */
struct sf_proxy_params {
	/** a spliced pair with no segment for this long is reset, ms (900000) */
	uint32_t idle_ms;
	/** the same once either side sent its FIN, ms (60000) */
	uint32_t fin_idle_ms;
	/** other backends tried when the open of one fails (0: none) */
	uint8_t retries;
	/** SYN retransmissions to a backend (3), 1..10 */
	uint8_t syn_retries;
	/** the first of them, ms (1000), doubling */
	uint32_t syn_timeout_ms;
};

void sf_proxy_params_init(struct sf_proxy_params *p);

/**
 * Set the splice's settings, before the workers poll.
 *
 * @return
 *   0, or -EINVAL (idle_ms or fin_idle_ms below 1000, syn_retries not
 *   1..10, syn_timeout_ms 0 or above 120000).
 */
int sf_engine_proxy_set(struct sf_engine *eng,
		const struct sf_proxy_params *p);

#ifdef __cplusplus
}
#endif

#endif /* SF_PROXY_H */
