/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_ENGINE_H
#define SF_ENGINE_H

/**
 * @file
 * synfront engine: the embeddable part of synfront.
 *
 * An engine owns the per-port configuration (MAC, addresses, offloads)
 * and one context per worker lcore. The embedding program initialises
 * EAL and its ports, creates the engine, tells it which ports and which
 * rx/tx queue pair each worker polls, then calls sf_worker_poll() from
 * each worker lcore's loop. Nothing on that path takes a lock: a worker
 * context is used by one lcore only.
 *
 * Lifecycle:
 *   sf_engine_create() -> sf_engine_port_add() -> sf_engine_addr_add()
 *   -> sf_worker_queue_add() -> [ports started] -> sf_worker_poll() loop
 *   -> sf_worker_flush() -> [ports stopped] -> sf_engine_free().
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sf_counters.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sf_engine;
struct sf_worker;

/** Most addresses (of both families together) one port can own. */
#define SF_MAX_ADDRS_PER_PORT 16

/** Most rx/tx queue pairs one worker polls (one per port). */
#define SF_MAX_WORKER_QUEUES 8

/** Engine parameters. */
struct sf_engine_params {
	unsigned int nb_workers; /**< worker contexts to create (>= 1) */
	int socket_id;           /**< NUMA socket for engine memory */
	uint32_t tx_drain_us;    /**< flush tx buffers at least this often */
	/**
	 * mbufs for the segments the engine sends on its own (SYN-ACK and
	 * FIN retransmissions, application closes and resets). NULL: the
	 * TCP engine can only answer in place, and counts tx_nombuf.
	 */
	struct rte_mempool *pool;
	uint32_t max_requests;   /**< half-open requests per worker (0: 16384) */
	uint32_t max_conns;      /**< connections per worker (0: 65536) */
	uint32_t somaxconn;      /**< ceiling of listener backlogs (0: 4096) */
	uint32_t time_wait_ms;   /**< TIME-WAIT after our close (0: 2000) */
	/** Segments for a port nobody listens on: 0 answer RST, 1 drop. */
	uint8_t no_listener_drop;
	/**
	 * SYN-cookie master secret, 16 bytes (k0 then k1, little-endian,
	 * as SipHash keys are written); NULL: random. Engines that share it
	 * validate each other's cookies (sf_engine_cookie_secret()).
	 */
	const uint8_t *cookie_secret;
};

/** Per-port settings. */
struct sf_port_conf {
	struct rte_ether_addr mac; /**< the port's MAC address */
	uint64_t tx_offloads;      /**< RTE_ETH_TX_OFFLOAD_* enabled */
	uint64_t rx_offloads;      /**< RTE_ETH_RX_OFFLOAD_* enabled */
	uint16_t mtu;              /**< L3 MTU (0: 1500) */
};

/** An address with its prefix length. */
struct sf_addr {
	uint8_t family;     /**< AF_INET or AF_INET6 */
	uint8_t prefix_len; /**< 0..32 or 0..128 */
	union {
		uint32_t v4;     /**< network byte order */
		uint8_t v6[16];  /**< network byte order */
	};
};

/**
 * Parse "ADDR/PREFIX" (IPv4 or IPv6; without "/PREFIX" the prefix is
 * 32 or 128).
 *
 * @return
 *   0 on success, -EINVAL when str is not an address, -ERANGE when the
 *   prefix is out of range for the family.
 */
int sf_addr_parse(const char *str, struct sf_addr *out);

/** Format an address as "ADDR/PREFIX" into buf; returns buf. */
char *sf_addr_format(const struct sf_addr *a, char *buf, size_t len);

/**
 * Create an engine.
 *
 * @return
 *   The engine, or NULL with rte_errno set (EINVAL for bad parameters,
 *   ENOMEM).
 */
struct sf_engine *sf_engine_create(const struct sf_engine_params *params);

/** Free an engine and its worker contexts. Unsent tx frames are freed. */
void sf_engine_free(struct sf_engine *eng);

/**
 * Declare a port the engine answers on.
 *
 * @return
 *   0, or -EINVAL (bad port id or NULL conf), -EEXIST (already added).
 */
int sf_engine_port_add(struct sf_engine *eng, uint16_t port_id,
		const struct sf_port_conf *conf);

/**
 * Give a port an address: ARP, ICMP echo, neighbour discovery and (later)
 * TCP are answered for it.
 *
 * @return
 *   0, or -EINVAL (unknown port, bad address: multicast, loopback,
 *   unspecified), -EEXIST (already there), -ENOSPC (table full).
 */
int sf_engine_addr_add(struct sf_engine *eng, uint16_t port_id,
		const struct sf_addr *addr);

/** Number of addresses of a port, or -EINVAL for an unknown port. */
int sf_engine_addr_count(const struct sf_engine *eng, uint16_t port_id);

/** Address i of a port; 0, or -EINVAL / -ENOENT. */
int sf_engine_addr_get(const struct sf_engine *eng, uint16_t port_id,
		unsigned int i, struct sf_addr *out);

/** Number of worker contexts. */
unsigned int sf_engine_worker_count(const struct sf_engine *eng);

/** Worker context idx, or NULL when out of range. */
struct sf_worker *sf_engine_worker(struct sf_engine *eng, unsigned int idx);

/**
 * Assign an rx/tx queue pair of a port to a worker. The worker polls the
 * rx queue and sends replies on the tx queue with the same id.
 *
 * @return
 *   0, or -EINVAL (unknown port), -ENOSPC (too many queues), -ENOMEM.
 */
int sf_worker_queue_add(struct sf_worker *w, uint16_t port_id,
		uint16_t queue_id);

/** Number of queue pairs a worker polls. */
unsigned int sf_worker_queue_count(const struct sf_worker *w);

/**
 * One iteration of a worker: receive a burst on each of its queues,
 * process it, and flush the tx buffers when the drain time has passed or
 * a queue ran dry. Call it in the worker lcore's loop.
 *
 * @return
 *   Frames received in this call.
 */
uint16_t sf_worker_poll(struct sf_worker *w);

/**
 * Process frames received on a port by this worker (sf_worker_poll() calls
 * it; embedding programs that receive themselves may call it instead).
 * Replies are buffered for the worker's tx queue on that port; every other
 * frame is freed and counted. The mbufs are consumed.
 *
 * @return
 *   n.
 */
uint16_t sf_worker_input(struct sf_worker *w, uint16_t port_id,
		struct rte_mbuf **pkts, uint16_t n);

/** Send all buffered replies now. */
void sf_worker_flush(struct sf_worker *w);

/**
 * Read the counters, summed over all workers.
 *
 * @param out
 *   SF_CNT_MAX values.
 */
void sf_engine_counters(const struct sf_engine *eng, uint64_t *out);

/**
 * Read one worker's counters.
 *
 * @return
 *   0, or -EINVAL when idx is out of range.
 */
int sf_engine_worker_counters(const struct sf_engine *eng, unsigned int idx,
		uint64_t *out);

/**
 * The lcore that polls worker idx (recorded at its first sf_worker_poll()).
 *
 * @return
 *   The lcore id, -1 before the first poll, or -EINVAL.
 */
int sf_engine_worker_lcore(const struct sf_engine *eng, unsigned int idx);

/**
 * Register the telemetry commands /synfront/stats, /synfront/lcores and
 * /synfront/ports for this engine. Telemetry has no per-command context,
 * so one engine per process can be registered.
 *
 * @return
 *   0, or -EBUSY when another engine is registered.
 */
int sf_engine_telemetry_register(struct sf_engine *eng);

#ifdef __cplusplus
}
#endif

#endif /* SF_ENGINE_H */
