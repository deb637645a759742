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
 *   -> [sf_engine_route_add()]
 *   -> sf_worker_queue_add() -> [sf_engine_steer()] -> [ports started]
 *   -> sf_worker_poll() loop (and sf_app_poll() on application lcores)
 *   -> sf_worker_stop() -> [ports stopped] -> sf_engine_drain()
 *   -> sf_engine_free().
 *
 * Contexts: the engine has nb_workers worker contexts, which own flows,
 * and nb_apps application contexts, which run on_accept and on_close
 * when the listeners' callbacks are to run off the workers. Every
 * hand-off between two contexts is a single-producer single-consumer
 * rte_ring (docs/multicore.md draws them all).
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
struct sf_app_ctx;

/** Most addresses (of both families together) one port can own. */
#define SF_MAX_ADDRS_PER_PORT 16

/** Most rx/tx queue pairs one worker polls (one per port). */
#define SF_MAX_WORKER_QUEUES 8

/** Most application contexts (lcores that run the callbacks). */
#define SF_MAX_APPS 16

/** Entries of the software-steering table of a port (a power of 2). */
#define SF_STEER_RETA_SIZE 512

/**
 * The RSS key synfront programs into ports that accept one and hashes
 * with in software (rte_softrss()): 0x6d5a repeated, the symmetric
 * Toeplitz key, so that both directions of a flow hash alike. Any key
 * keeps one flow on one queue; this one also makes software steering
 * and a NIC's RSS agree on the hash.
 */
extern const uint8_t sf_rss_key[40];

/** Engine parameters. */
struct sf_engine_params {
	unsigned int nb_workers; /**< worker contexts to create (>= 1) */
	int socket_id;           /**< NUMA socket for engine memory */
	uint32_t tx_drain_us;    /**< flush tx buffers at least this often */
	/**
	 * mbufs for the segments the engine sends on its own (SYN-ACK and
	 * FIN retransmissions, application closes and resets) and for the
	 * send queues (half of it at most, shared out over the workers).
	 * NULL: the TCP engine can only answer in place, counts tx_nombuf,
	 * and sends no data.
	 */
	struct rte_mempool *pool;
	uint32_t max_requests;   /**< half-open requests per worker (0: 16384) */
	uint32_t max_conns;      /**< connections per worker (0: 65536) */
	uint32_t somaxconn;      /**< ceiling of listener backlogs (0: 4096) */
	uint32_t time_wait_ms;   /**< TIME-WAIT after our close (0: 60000) */
	/**
	 * Connections in TIME-WAIT per worker (0: max_conns / 2); beyond,
	 * a connection skips TIME-WAIT and ends at once (Linux's
	 * tcp_max_tw_buckets, counted in tw_overflow).
	 */
	uint32_t max_time_wait;
	/**
	 * Send budget of each connection, bytes (0: 262144): what
	 * sf_conn_send() may queue beyond what the peer acknowledged, as
	 * Linux's tcp_wmem bounds a socket's send buffer. Each queued mbuf
	 * counts max(its bytes, the MSS), so small sends cannot hold more
	 * mbufs than full-sized ones would; a copy may pass the budget by
	 * its last mbuf.
	 */
	uint32_t sndbuf;
	/**
	 * Retransmissions of the same data, or zero-window probes, before a
	 * connection is given up with SF_CLOSE_TIMEOUT (0: 15, Linux's
	 * tcp_retries2: about 15 minutes of doubling timeouts).
	 */
	uint8_t tcp_retries2;
	/** Segments for a port nobody listens on: 0 answer RST, 1 drop. */
	uint8_t no_listener_drop;
	/**
	 * Local ports of active opens (Linux's ip_local_port_range): from
	 * local_port_lo to local_port_hi, both included (0, 0: 32768 to
	 * 60999, Linux's default).
	 */
	uint16_t local_port_lo;
	uint16_t local_port_hi;
	/**
	 * An active open may take the 4-tuple of a connection in TIME-WAIT
	 * when timestamps were on and its last segment is a second old
	 * (Linux's tcp_tw_reuse = 1; 0, the default, as Linux for all but
	 * loopback traffic).
	 */
	uint8_t tw_reuse;
	/**
	 * SYN retransmissions of an active open that does not say
	 * (sf_connect_params.syn_retries 0) before it is given up (0: 6,
	 * Linux's tcp_syn_retries: 127 s with the first timeout of 1 s);
	 * at most 20.
	 */
	uint8_t syn_retries;
	/**
	 * SYN-cookie master secret, 16 bytes (k0 then k1, little-endian,
	 * as SipHash keys are written); NULL: random. Engines that share it
	 * validate each other's cookies (sf_engine_cookie_secret()).
	 */
	const uint8_t *cookie_secret;
	/**
	 * Application contexts (0..SF_MAX_APPS). With 0, on_accept and
	 * on_close run inline on the worker that owns the connection; with
	 * N, each worker hands its connections to one of N application
	 * contexts over accept rings, chosen by the flow's hash, and
	 * closes and resets come back over command rings.
	 */
	unsigned int nb_apps;
	/** Entries of each steering and tx hand-off ring (0: 1024). */
	uint32_t steer_ring_size;
	/** Entries of each accept ring and command ring (0: 1024). */
	uint32_t accept_ring_size;
	/**
	 * ICMP errors about datagrams we cannot take (UDP port and
	 * protocol unreachable, IPv4 parameter problem): 0 sends them, as
	 * Linux does; 1 never (silence under a reflection attack).
	 */
	uint8_t no_icmp_errors;
	/**
	 * Per-peer limit of those errors, as Linux's icmp_ratelimit: one
	 * every icmp_ratelimit_ms to one address, with a burst of six
	 * (0: 1000 ms; SF_ICMP_NO_LIMIT: none; at most 3600000 ms).
	 */
	uint32_t icmp_ratelimit_ms;
	/**
	 * Limit over all peers, per worker, as Linux's icmp_msgs_per_sec
	 * and icmp_msgs_burst (0: 1000 per second, burst 50;
	 * SF_ICMP_NO_LIMIT: no rate limit, or the largest burst).
	 */
	uint32_t icmp_msgs_per_sec;
	uint32_t icmp_msgs_burst;
	/**
	 * Routes per address family, connected and static together
	 * (0: 1024). The LPM tables are sized for it; their tbl24 costs
	 * 64 MiB per family whatever the size (docs/routes.md).
	 */
	uint32_t max_routes;
};

/** Linux's ip_local_port_range default (sf_engine_params' 0, 0). */
#define SF_LOCAL_PORT_LO_DEFAULT 32768
#define SF_LOCAL_PORT_HI_DEFAULT 60999

/** sf_engine_params' ICMP limits: no limit at all. */
#define SF_ICMP_NO_LIMIT UINT32_MAX

/** Per-port settings. */
struct sf_port_conf {
	struct rte_ether_addr mac; /**< the port's MAC address */
	/**
	 * RTE_ETH_TX_OFFLOAD_* enabled: IPV4_CKSUM and TCP_CKSUM sums are
	 * left to the NIC; with MULTI_SEGS a data segment chains the queued
	 * bytes behind its headers by reference instead of copying them.
	 */
	uint64_t tx_offloads;
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

/**
 * Parse an endpoint: "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6), no
 * prefix, port 1..65535 (host order in *port).
 *
 * @return
 *   0, or -EINVAL.
 */
int sf_addr_port_parse(const char *str, struct sf_addr *out, uint16_t *port);

/**
 * Format an endpoint as sf_addr_port_parse() reads it: "ADDR:PORT", or
 * "[ADDR]:PORT" for IPv6 (port in host order). Returns buf.
 */
char *sf_addr_port_format(const struct sf_addr *a, uint16_t port, char *buf,
		size_t len);

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
 *   unspecified), -EEXIST (already there), -ENOSPC (table full, or the
 *   route table, for the address's connected route), -ENOMEM (the
 *   route table of its family could not be made).
 */
int sf_engine_addr_add(struct sf_engine *eng, uint16_t port_id,
		const struct sf_addr *addr);

/** Number of addresses of a port, or -EINVAL for an unknown port. */
int sf_engine_addr_count(const struct sf_engine *eng, uint16_t port_id);

/** Address i of a port; 0, or -EINVAL / -ENOENT. */
int sf_engine_addr_get(const struct sf_engine *eng, uint16_t port_id,
		unsigned int i, struct sf_addr *out);

/**
 * Routes (docs/routes.md). Every port address with a prefix shorter than
 * /32 or /128 brings a connected route (its prefix, on-link, the address
 * as source); static routes add a gateway on one of those prefixes.
 * Longest prefix wins (rte_lpm, rte_lpm6); /0 is the default route.
 * Addresses and routes are added before the workers poll and are fixed
 * from then on: lookups take no lock.
 */

/** sf_engine_route_add(): the port is the gateway's connected route's. */
#define SF_ROUTE_PORT_ANY UINT16_MAX

/** Where a route comes from, as `ip route` says "proto". */
enum sf_route_proto {
	SF_ROUTE_CONNECTED = 0, /**< a port address's prefix ("kernel") */
	SF_ROUTE_STATIC = 1,    /**< sf_engine_route_add() */
};

/** A route as sf_engine_route_get() lists it. */
struct sf_route_info {
	struct sf_addr prefix;  /**< destination prefix, host bits zero */
	struct sf_addr gateway; /**< family 0: none, destinations on-link */
	struct sf_addr src;     /**< preferred source (/32 or /128) */
	uint16_t port;          /**< ethdev port id */
	uint8_t proto;          /**< enum sf_route_proto */
};

/** Where one destination is sent: sf_engine_route_lookup(). */
struct sf_route_hop {
	uint16_t port;          /**< out of this port */
	uint8_t via_gateway;    /**< 1: nexthop is the route's gateway */
	struct sf_addr nexthop; /**< whose link address to resolve */
	struct sf_addr src;     /**< source address to use */
};

/**
 * Add a static route: prefix via gateway gw, out of port (or
 * SF_ROUTE_PORT_ANY: the port of the connected route gw is on). The
 * gateway must lie on a connected prefix of that port (as Linux's
 * fib_check_nh() wants a gateway reachable by a link-scope route); an
 * IPv6 link-local gateway needs the port named and is on-link there.
 * The source of the route is the address whose prefix holds the gateway.
 *
 * @return
 *   0, or -EINVAL (families differ, host bits set in prefix, gateway
 *   unspecified, multicast, loopback or our own address, unknown port),
 *   -ENETUNREACH (gateway on no connected prefix of the port), -EEXIST
 *   (the prefix has a route), -ENOSPC (table full), -ENOMEM.
 */
int sf_engine_route_add(struct sf_engine *eng, const struct sf_addr *prefix,
		const struct sf_addr *gw, uint16_t port);

/** Number of routes, connected and static, of both families. */
unsigned int sf_engine_route_count(const struct sf_engine *eng);

/** Route i, in the order added; 0, or -EINVAL / -ENOENT. */
int sf_engine_route_get(const struct sf_engine *eng, unsigned int i,
		struct sf_route_info *out);

/**
 * Where a datagram to dst (its prefix length ignored) goes: the port, the
 * next hop (the gateway, or dst itself when on-link) and the source
 * address, chosen as docs/routes.md says. No lock: any lcore, once the
 * routes are set up.
 *
 * @return
 *   0, or -EINVAL (bad family), -ENETUNREACH (no route).
 */
int sf_engine_route_lookup(const struct sf_engine *eng,
		const struct sf_addr *dst, struct sf_route_hop *out);

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
 * Software steering for a port: every worker that receives on the port
 * computes the Toeplitz hash of each TCP segment's 4-tuple (with
 * sf_rss_key) and passes the segment to the worker that owns the flow
 * (a table of SF_STEER_RETA_SIZE entries spread over all workers) over
 * a per-pair ring. ARP, ICMP, ND and frames that do not parse stay with
 * the worker that received them. Workers without a queue pair on the
 * port send through one that has one, over a per-pair tx ring. Call
 * after the queues are assigned and before the workers poll.
 *
 * @return
 *   0, or -EINVAL (unknown port, or no worker has a queue on it),
 *   -ENOMEM.
 */
int sf_engine_steer(struct sf_engine *eng, uint16_t port_id);

/**
 * Which worker the NIC's RSS hands each flow of a port that is not
 * software-steered: the NIC hashes with sf_rss_key, and entry i of its
 * redirection table (size entries, a power of 2 from 64 to
 * SF_STEER_RETA_SIZE) sends hash values i modulo size to the queue of
 * worker workers[i]. The local ports of active opens are chosen so that
 * the server's replies come to the worker that opened the connection
 * (docs/connect.md); without this call the engine assumes entry i goes to
 * worker i modulo the number of workers. Call before the workers poll.
 *
 * @return
 *   0, or -EINVAL (unknown port, bad size, a worker index out of range).
 */
int sf_engine_port_rss(struct sf_engine *eng, uint16_t port_id,
		const uint16_t *workers, unsigned int size);

/** Whether a port is software-steered (1), not (0), or -EINVAL. */
int sf_engine_port_steered(const struct sf_engine *eng, uint16_t port_id);

/** Number of application contexts. */
unsigned int sf_engine_app_count(const struct sf_engine *eng);

/** Application context idx, or NULL when out of range. */
struct sf_app_ctx *sf_engine_app(struct sf_engine *eng, unsigned int idx);

/**
 * One iteration of an application context: take the accept and close
 * events every worker queued for it and run the listeners' on_accept and
 * on_close. Call it in the application lcore's loop.
 *
 * @return
 *   Events handled.
 */
unsigned int sf_app_poll(struct sf_app_ctx *a);

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
 * A worker leaves the engine's RCU: call it once after its last poll, so
 * run-time listener changes stop waiting for it. Buffered replies are
 * flushed. (An application context needs no such call.)
 */
void sf_worker_stop(struct sf_worker *w);

/**
 * Announce the port's addresses once it is up, so that switches and
 * neighbours learn where they are: a gratuitous ARP request per IPv4
 * address and an unsolicited neighbour advertisement (RFC 4861 7.2.6,
 * to all-nodes, override set) per IPv6 address, sent by a worker within
 * about 10 ms of its next poll. Any thread may call it.
 *
 * @return
 *   0, or -EINVAL when the port was not added.
 */
int sf_engine_announce(struct sf_engine *eng, uint16_t port_id);

/**
 * Free every mbuf the engine holds (frames in its rings and tx buffers,
 * data waiting with queued connections) once no context polls any more;
 * the mempool then holds all its mbufs again. The engine stays usable
 * for reading counters.
 */
void sf_engine_drain(struct sf_engine *eng);

/**
 * Read the counters, summed over all workers.
 *
 * @param out
 *   SF_CNT_MAX values.
 */
void sf_engine_counters(const struct sf_engine *eng, uint64_t *out);

/**
 * Read one context's counters: workers are 0..nb_workers-1, application
 * contexts follow (nb_workers + app index).
 *
 * @return
 *   0, or -EINVAL when idx is out of range.
 */
int sf_engine_worker_counters(const struct sf_engine *eng, unsigned int idx,
		uint64_t *out);

/** Number of contexts: workers, then application contexts. */
unsigned int sf_engine_context_count(const struct sf_engine *eng);

/**
 * The lcore that polls context idx (workers, then application contexts;
 * recorded at its first poll).
 *
 * @return
 *   The lcore id, -1 before the first poll, or -EINVAL.
 */
int sf_engine_worker_lcore(const struct sf_engine *eng, unsigned int idx);

/**
 * Register the telemetry commands /synfront/stats, /synfront/lcores,
 * /synfront/ports, /synfront/listeners, /synfront/routes, /synfront/listen,
 * /synfront/unlisten, /synfront/cookie_rotate, /synfront/neigh and
 * /synfront/announce for this engine.
 * Telemetry has no per-command context, so one engine per process can be
 * registered.
 *
 * @return
 *   0, or -EBUSY when another engine is registered.
 */
int sf_engine_telemetry_register(struct sf_engine *eng);

#ifdef __cplusplus
}
#endif

#endif /* SF_ENGINE_H */
