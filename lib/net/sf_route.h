/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_ROUTE_H
#define SF_ROUTE_H

/*
 * The route table of an engine (sf_route.c): where a destination is sent
 * from, for the active open (sf_engine_connect()) and whatever else
 * originates a datagram to a peer that did not write first. Private
 * header of the net layer, not installed.
 *
 * Two kinds of route, as `ip route` shows them: connected routes, one
 * for the prefix of every port address ("proto kernel scope link"), and
 * static routes with a gateway on one of those prefixes. Longest-prefix
 * match is DPDK's rte_lpm (IPv4) and rte_lpm6 (IPv6); their next-hop id
 * is an index into rt_routes, which holds what the LPM cannot: port,
 * gateway and preferred source. A /0 route (the default) is kept beside
 * the LPM, which takes depths 1..32 and 1..128 only.
 *
 * Threads: the table is written by the control thread before the
 * workers start (addresses and routes are added then) and read by every
 * lcore afterwards with no lock. Routes are fixed at start: adding one
 * while a worker looks up is not supported (rte_lpm_add rewrites table
 * entries in place and recycles tbl8 groups without a grace period).
 */

#include <stdbool.h>
#include <stdint.h>

#include "sf_engine.h"

struct sf_port;
struct rte_lpm;
struct rte_lpm6;

/* Routes per family when sf_engine_params.max_routes is 0. */
#define SF_ROUTE_MAX_DEFAULT 1024

/* One route: the data behind an LPM next-hop id. */
struct sf_route {
	struct sf_addr rt_prefix;          /* host bits zero */
	struct sf_addr rt_gw;              /* family 0: on-link (connected) */
	struct sf_addr rt_src;             /* preferred source, /32 or /128 */
	uint16_t rt_port;                  /* ethdev port id */
	uint8_t rt_proto;                  /* enum sf_route_proto */
};

/* The route table of an engine. */
struct sf_rtab {
	uint32_t rt_max;                   /* routes per family */
	int rt_socket;                     /* NUMA socket of the tables */
	struct rte_lpm *rt_lpm4;           /* NULL until the first route */
	struct rte_lpm6 *rt_lpm6;
	int32_t rt_def4;                   /* index of 0.0.0.0/0, or -1 */
	int32_t rt_def6;                   /* index of ::/0, or -1 */
	uint32_t rt_nb4;                   /* IPv4 routes */
	uint32_t rt_nb6;                   /* IPv6 routes */
	uint32_t rt_nb;                    /* entries used in rt_routes */
	struct sf_route *rt_routes;        /* 2 * rt_max, in insertion order */
};

/*
 * Table life: init allocates the side array (the LPMs come with the
 * first static route of their family: rte_lpm's and rte_lpm6's tbl24 are
 * 64 MiB each; connected routes are scanned, never in an LPM), fini
 * frees everything.
 */
int sf_route_init(struct sf_rtab *rt, uint32_t max_routes, int socket);
void sf_route_fini(struct sf_rtab *rt);

/*
 * The connected route of an address about to be added to a port (port
 * id port_id): its prefix, on-link, the address as source. A prefix
 * that has a route already keeps it (a second address on one prefix is
 * what Linux calls a secondary: it adds no prefix route); a /32 or /128
 * address has no prefix to reach anybody else through, and gets none.
 * 0, -ENOSPC (table full), -ENOMEM.
 */
int sf_route_connected_add(struct sf_rtab *rt, uint16_t port_id,
		const struct sf_addr *a);

/*
 * A static route: prefix (host bits zero) via gw, on port_id or, with
 * SF_ROUTE_PORT_ANY, the port of the connected route gw is on. ports is
 * the engine's port table (sources, our own addresses). 0, -EINVAL (bad
 * prefix or gateway, unknown port), -ENETUNREACH (gw on no connected
 * prefix of the port), -EEXIST (the prefix has a route), -ENOSPC,
 * -ENOMEM.
 */
int sf_route_static_add(struct sf_rtab *rt, const struct sf_port *ports,
		const struct sf_addr *prefix, const struct sf_addr *gw,
		uint16_t port_id);

/*
 * Where dst (AF_INET: 4 bytes, AF_INET6: 16, network order) goes: port,
 * next hop (the gateway, or dst itself on a connected route) and source.
 * No lock; any lcore. 0, -ENETUNREACH (no route), -EINVAL (family).
 */
int sf_route_lookup(const struct sf_rtab *rt, uint8_t family,
		const void *dst, struct sf_route_hop *hop);

/* Route i in insertion order: 0 or -ENOENT. */
int sf_route_get(const struct sf_rtab *rt, unsigned int i,
		struct sf_route_info *out);

#endif /* SF_ROUTE_H */
