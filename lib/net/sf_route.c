/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Routes: connected prefixes of the port addresses and static routes via
 * a gateway, longest prefix first (rte_lpm, rte_lpm6), and the source
 * address a connection to a destination takes (docs/routes.md).
 *
 * Source selection happens when a route is added, as Linux caches a
 * route's preferred source (fib_info's nh_saddr, computed by
 * inet_select_addr() for the gateway), so a lookup is one LPM step and
 * one array read. The rules, a subset of what ip_route_connect() and
 * inet_select_addr() do for IPv4 and of RFC 6724 section 5 for IPv6:
 *
 *   1. A connected route's source is the address that made it (Linux's
 *      prefsrc of a prefix route, the primary address of the subnet).
 *   2. A static route's source is the address of its port whose prefix
 *      holds the gateway, the longest such prefix first (RFC 6724 rule 8,
 *      longest matching prefix, applied to the next hop; Linux's
 *      inet_select_addr() takes the address whose subnet holds it).
 *   3. Otherwise (an IPv6 link-local gateway) the port's first address
 *      of the family whose scope is the destination prefix's: a global
 *      prefix takes a global (or ULA) address before a link-local one
 *      (RFC 6724 rule 2, appropriate scope), a link-local one the
 *      reverse; then the port's first address of the family.
 *
 * Not implemented from RFC 6724: rules 3 to 7 (deprecated, home,
 * outgoing interface is the route's anyway, labels, temporary addresses)
 * and rule 8 per destination behind one route: all destinations behind a
 * route share its source.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>

#include "sf_net.h"
#include "sf_route.h"

/*
 * tbl8 groups (256 entries, 1 KiB each) per table. An IPv4 route longer
 * than /24 takes one group; an IPv6 route takes one per byte past the
 * third (a /64 five, a /128 thirteen), shared with every route on the
 * same path, so eight per route is room for host routes scattered over
 * unrelated /64s. Either table refuses a route past its groups with
 * -ENOSPC, as past its rules.
 */
#define SF_ROUTE_TBL8_V4 1
#define SF_ROUTE_TBL8_V6 8
#define SF_ROUTE_TBL8_MIN 64

static const uint8_t sf_zero16[16];

static unsigned int
sf_alen(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static const uint8_t *
sf_abytes(const struct sf_addr *a)
{
	return a->family == AF_INET ? (const uint8_t *)&a->v4 : a->v6;
}

/* Whether the first plen bits of a and b (alen bytes) are equal. */
static bool
sf_prefix_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* a with its host bits (past plen) cleared. */
static void
sf_prefix_of(const struct sf_addr *a, struct sf_addr *out)
{
	unsigned int n = sf_alen(a->family), i;
	uint8_t *b;

	*out = *a;
	b = out->family == AF_INET ? (uint8_t *)&out->v4 : out->v6;
	for (i = 0; i < n; i++) {
		unsigned int bit = i * 8;

		if (bit >= a->prefix_len)
			b[i] = 0;
		else if (bit + 8 > a->prefix_len)
			b[i] &= (uint8_t)(0xff << (bit + 8 - a->prefix_len));
	}
}

/* The host address a as /32 or /128. */
static void
sf_host_of(const struct sf_addr *a, struct sf_addr *out)
{
	*out = *a;
	out->prefix_len = (uint8_t)(sf_alen(a->family) * 8);
}

/* RFC 4291 2.5.6: fe80::/10. */
static bool
sf_v6_is_linklocal(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

int
sf_route_init(struct sf_rtab *rt, uint32_t max_routes, int socket)
{
	memset(rt, 0, sizeof(*rt));
	rt->rt_max = max_routes != 0 ? max_routes : SF_ROUTE_MAX_DEFAULT;
	/* rte_lpm6 next hops are 21 bits: the side array index fits. */
	if (rt->rt_max > (1u << 20))
		return -EINVAL;
	rt->rt_socket = socket;
	rt->rt_def4 = -1;
	rt->rt_def6 = -1;
	rt->rt_routes = rte_zmalloc_socket("sf_routes",
			sizeof(*rt->rt_routes) * rt->rt_max * 2,
			RTE_CACHE_LINE_SIZE, socket);
	return rt->rt_routes == NULL ? -ENOMEM : 0;
}

void
sf_route_fini(struct sf_rtab *rt)
{
	rte_lpm_free(rt->rt_lpm4);
	rte_lpm6_free(rt->rt_lpm6);
	rte_free(rt->rt_routes);
	rt->rt_lpm4 = NULL;
	rt->rt_lpm6 = NULL;
	rt->rt_routes = NULL;
	rt->rt_nb = rt->rt_nb4 = rt->rt_nb6 = 0;
}

/*
 * The LPM of a family, made on first use. Names are process-wide (a
 * tailq of every LPM), so each table gets a number.
 */
static int
sf_route_lpm(struct sf_rtab *rt, uint8_t family)
{
	static uint32_t seq;
	char name[RTE_LPM_NAMESIZE];
	uint32_t n;

	if (family == AF_INET && rt->rt_lpm4 == NULL) {
		struct rte_lpm_config c = {
			.max_rules = rt->rt_max,
			.number_tbl8s = RTE_MAX(rt->rt_max * SF_ROUTE_TBL8_V4,
					(uint32_t)SF_ROUTE_TBL8_MIN),
		};

		n = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
		snprintf(name, sizeof(name), "sf_rt4_%u", n);
		rt->rt_lpm4 = rte_lpm_create(name, rt->rt_socket, &c);
		if (rt->rt_lpm4 == NULL)
			return rte_errno == ENOMEM ? -ENOMEM : -rte_errno;
	}
	if (family == AF_INET6 && rt->rt_lpm6 == NULL) {
		struct rte_lpm6_config c = {
			.max_rules = rt->rt_max,
			.number_tbl8s = RTE_MAX(rt->rt_max * SF_ROUTE_TBL8_V6,
					(uint32_t)SF_ROUTE_TBL8_MIN),
		};

		n = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
		snprintf(name, sizeof(name), "sf_rt6_%u", n);
		rt->rt_lpm6 = rte_lpm6_create(name, rt->rt_socket, &c);
		if (rt->rt_lpm6 == NULL)
			return rte_errno == ENOMEM ? -ENOMEM : -rte_errno;
	}
	return 0;
}

/* The route for exactly this prefix, or NULL. */
static const struct sf_route *
sf_route_find(const struct sf_rtab *rt, const struct sf_addr *prefix)
{
	uint32_t i;

	for (i = 0; i < rt->rt_nb; i++) {
		const struct sf_route *r = &rt->rt_routes[i];

		if (r->rt_prefix.family == prefix->family &&
		    r->rt_prefix.prefix_len == prefix->prefix_len &&
		    memcmp(sf_abytes(&r->rt_prefix), sf_abytes(prefix),
			   sf_alen(prefix->family)) == 0)
			return r;
	}
	return NULL;
}

/* Append r to the side array and point the LPM (or the default) at it. */
static int
sf_route_insert(struct sf_rtab *rt, const struct sf_route *r)
{
	const struct sf_addr *p = &r->rt_prefix;
	uint32_t *nb = p->family == AF_INET ? &rt->rt_nb4 : &rt->rt_nb6;
	uint32_t id = rt->rt_nb;
	int ret;

	if (*nb >= rt->rt_max)
		return -ENOSPC;
	if (p->prefix_len == 0) {
		if (p->family == AF_INET)
			rt->rt_def4 = (int32_t)id;
		else
			rt->rt_def6 = (int32_t)id;
	} else if (r->rt_proto != SF_ROUTE_CONNECTED) {
		/*
		 * Only static routes go in an LPM: its tbl24 costs 64 MiB
		 * whatever it holds, which a front end with no route beyond
		 * its own prefixes should not pay. The connected routes (one
		 * per port prefix, a handful) are scanned (sf_route_lookup()).
		 */
		ret = sf_route_lpm(rt, p->family);
		if (ret != 0)
			return ret;
		if (p->family == AF_INET)
			ret = rte_lpm_add(rt->rt_lpm4,
				rte_be_to_cpu_32(p->v4), p->prefix_len, id);
		else
			ret = rte_lpm6_add(rt->rt_lpm6, p->v6, p->prefix_len,
				id);
		if (ret != 0)
			return ret == -ENOSPC || ret == -ENOMEM ? ret : -EINVAL;
	}
	rt->rt_routes[id] = *r;
	rt->rt_nb++;
	(*nb)++;
	return 0;
}

int
sf_route_connected_add(struct sf_rtab *rt, uint16_t port_id,
		const struct sf_addr *a)
{
	struct sf_route r = { .rt_port = port_id,
		.rt_proto = SF_ROUTE_CONNECTED };

	if (a->family != AF_INET && a->family != AF_INET6)
		return -EINVAL;
	if (a->prefix_len >= sf_alen(a->family) * 8)
		return 0;
	sf_prefix_of(a, &r.rt_prefix);
	if (sf_route_find(rt, &r.rt_prefix) != NULL)
		return 0;
	sf_host_of(a, &r.rt_src);
	return sf_route_insert(rt, &r);
}

/* Whether any port owns a. */
static bool
sf_route_is_ours(const struct sf_port *ports, const struct sf_addr *a)
{
	uint16_t p;

	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!ports[p].pt_present)
			continue;
		if (a->family == AF_INET ? sf_port_owns_v4(&ports[p], a->v4) :
		    sf_port_owns_v6(&ports[p], a->v6))
			return true;
	}
	return false;
}

/*
 * The connected route the gateway is on: the longest connected prefix
 * holding gw, on port_id unless it is SF_ROUTE_PORT_ANY. Only connected
 * routes count, as Linux's fib_check_nh() looks the gateway up with link
 * scope: a gateway behind another gateway is refused.
 */
static const struct sf_route *
sf_route_onlink(const struct sf_rtab *rt, const struct sf_addr *gw,
		uint16_t port_id)
{
	const struct sf_route *best = NULL;
	uint32_t i;

	for (i = 0; i < rt->rt_nb; i++) {
		const struct sf_route *r = &rt->rt_routes[i];

		if (r->rt_proto != SF_ROUTE_CONNECTED ||
		    r->rt_prefix.family != gw->family ||
		    (port_id != SF_ROUTE_PORT_ANY && r->rt_port != port_id))
			continue;
		if (!sf_prefix_match(sf_abytes(&r->rt_prefix), sf_abytes(gw),
				r->rt_prefix.prefix_len))
			continue;
		if (best == NULL ||
		    r->rt_prefix.prefix_len > best->rt_prefix.prefix_len)
			best = r;
	}
	return best;
}

/*
 * Rule 3 of the file comment: the port's first IPv6 address of the
 * prefix's scope, else its first. false when the port has none.
 */
static bool
sf_route_src6(const struct sf_port *pt, const struct sf_addr *prefix,
		struct sf_addr *src)
{
	bool want_ll = prefix->prefix_len >= 10 &&
		sf_v6_is_linklocal(prefix->v6);
	unsigned int i;

	if (pt->pt_nb_v6 == 0)
		return false;
	for (i = 0; i < pt->pt_nb_v6; i++)
		if (sf_v6_is_linklocal(pt->pt_v6[i]) == want_ll)
			break;
	if (i == pt->pt_nb_v6)
		i = 0;
	memset(src, 0, sizeof(*src));
	src->family = AF_INET6;
	src->prefix_len = 128;
	memcpy(src->v6, pt->pt_v6[i], 16);
	return true;
}

int
sf_route_static_add(struct sf_rtab *rt, const struct sf_port *ports,
		const struct sf_addr *prefix, const struct sf_addr *gw,
		uint16_t port_id)
{
	struct sf_route r = { .rt_proto = SF_ROUTE_STATIC };
	const struct sf_route *on;
	struct sf_addr norm;
	bool ll;

	if (prefix == NULL || gw == NULL ||
	    (prefix->family != AF_INET && prefix->family != AF_INET6) ||
	    gw->family != prefix->family ||
	    prefix->prefix_len > sf_alen(prefix->family) * 8)
		return -EINVAL;
	if (port_id != SF_ROUTE_PORT_ANY &&
	    (port_id >= RTE_MAX_ETHPORTS || !ports[port_id].pt_present))
		return -EINVAL;
	/* As `ip route add 10.1.2.3/16` says "Invalid prefix". */
	sf_prefix_of(prefix, &norm);
	if (memcmp(sf_abytes(&norm), sf_abytes(prefix),
		   sf_alen(prefix->family)) != 0)
		return -EINVAL;
	/* A gateway is a unicast host other than us. */
	if (gw->family == AF_INET && sf_v4_is_martian_src(gw->v4))
		return -EINVAL;
	if (gw->family == AF_INET6 && (sf_v6_is_martian_src(gw->v6) ||
	    memcmp(gw->v6, sf_zero16, 16) == 0))
		return -EINVAL;
	if (sf_route_is_ours(ports, gw))
		return -EINVAL;
	/* fe80::/64 is on every port: which link is for the caller to say. */
	ll = gw->family == AF_INET6 && sf_v6_is_linklocal(gw->v6);
	if (ll && port_id == SF_ROUTE_PORT_ANY)
		return -EINVAL;
	if (sf_route_find(rt, &norm) != NULL)
		return -EEXIST;

	r.rt_prefix = norm;
	sf_host_of(gw, &r.rt_gw);
	on = sf_route_onlink(rt, gw, port_id);
	if (on != NULL && !ll) {
		r.rt_port = on->rt_port;
		r.rt_src = on->rt_src;
	} else if (ll) {
		/*
		 * RFC 4861 2.1: a link-local address is on-link by itself;
		 * the source by scope (rule 3), not the link-local address
		 * the gateway shares a prefix with.
		 */
		r.rt_port = port_id;
		if (!sf_route_src6(&ports[port_id], &norm, &r.rt_src))
			return -ENETUNREACH;
	} else {
		return -ENETUNREACH;
	}
	return sf_route_insert(rt, &r);
}

int
sf_route_lookup(const struct sf_rtab *rt, uint8_t family, const void *dst,
		struct sf_route_hop *hop)
{
	const struct sf_route *r;
	uint32_t id, i, best_len = 0;
	int32_t def, conn = -1;
	struct sf_addr d;

	if (family == AF_INET) {
		uint32_t d;

		memcpy(&d, dst, 4);
		if (rt->rt_lpm4 == NULL ||
		    rte_lpm_lookup(rt->rt_lpm4, rte_be_to_cpu_32(d), &id) != 0)
			id = UINT32_MAX;
		def = rt->rt_def4;
	} else if (family == AF_INET6) {
		if (rt->rt_lpm6 == NULL ||
		    rte_lpm6_lookup(rt->rt_lpm6, dst, &id) != 0)
			id = UINT32_MAX;
		def = rt->rt_def6;
	} else {
		return -EINVAL;
	}
	/*
	 * The longest connected prefix holding dst; it wins over the static
	 * route the LPM found when longer (equal prefixes cannot both be).
	 */
	memset(&d, 0, sizeof(d));
	d.family = family;
	memcpy(family == AF_INET ? (void *)&d.v4 : (void *)d.v6, dst,
		sf_alen(family));
	for (i = 0; i < rt->rt_nb; i++) {
		r = &rt->rt_routes[i];
		if (r->rt_proto != SF_ROUTE_CONNECTED ||
		    r->rt_prefix.family != family ||
		    (conn >= 0 && r->rt_prefix.prefix_len <= best_len) ||
		    !sf_prefix_match(sf_abytes(&r->rt_prefix), sf_abytes(&d),
			r->rt_prefix.prefix_len))
			continue;
		conn = (int32_t)i;
		best_len = r->rt_prefix.prefix_len;
	}
	if (conn >= 0 && (id == UINT32_MAX ||
	    rt->rt_routes[id].rt_prefix.prefix_len < best_len))
		id = (uint32_t)conn;
	if (id == UINT32_MAX) {
		if (def < 0)
			return -ENETUNREACH;
		id = (uint32_t)def;
	}
	r = &rt->rt_routes[id];
	hop->port = r->rt_port;
	hop->via_gateway = r->rt_gw.family != 0;
	hop->src = r->rt_src;
	if (hop->via_gateway) {
		hop->nexthop = r->rt_gw;
	} else {
		memset(&hop->nexthop, 0, sizeof(hop->nexthop));
		hop->nexthop.family = family;
		hop->nexthop.prefix_len = (uint8_t)(sf_alen(family) * 8);
		memcpy(family == AF_INET ? (void *)&hop->nexthop.v4 :
			(void *)hop->nexthop.v6, dst, sf_alen(family));
	}
	return 0;
}

int
sf_route_get(const struct sf_rtab *rt, unsigned int i,
		struct sf_route_info *out)
{
	const struct sf_route *r;

	if (i >= rt->rt_nb)
		return -ENOENT;
	r = &rt->rt_routes[i];
	memset(out, 0, sizeof(*out));
	out->prefix = r->rt_prefix;
	out->gateway = r->rt_gw;
	out->src = r->rt_src;
	out->port = r->rt_port;
	out->proto = r->rt_proto;
	return 0;
}
