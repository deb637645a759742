/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/net/sf_route.c: connected and static routes, longest-prefix match
 * with rte_lpm and rte_lpm6 (in --no-huge memory), the default route,
 * source selection, and the routes refused.
 */

#include <arpa/inet.h>
#include <errno.h>

#include "sf_test.h"

/* ADDR/PREFIX, parsed; the test fails and exits on a typo. */
static struct sf_addr
A(const char *s)
{
	struct sf_addr a;

	if (sf_addr_parse(s, &a) != 0) {
		fprintf(stderr, "FAIL: bad test address %s\n", s);
		exit(1);
	}
	return a;
}

static int
route_add(struct sf_engine *eng, const char *prefix, const char *gw,
		uint16_t port)
{
	struct sf_addr p = A(prefix), g = A(gw);

	return sf_engine_route_add(eng, &p, &g, port);
}

static void
addr_add(struct sf_engine *eng, uint16_t port, const char *s)
{
	struct sf_addr a = A(s);
	int ret = sf_engine_addr_add(eng, port, &a);

	if (ret != 0) {
		fprintf(stderr, "FAIL: address %s on port %u: %d\n", s, port,
			ret);
		sf_test_failures++;
	}
}

/* The host part of an sf_addr, formatted without its prefix. */
static const char *
host(const struct sf_addr *a, char *buf, size_t len)
{
	if (a->family == 0)
		return "-";
	inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4 :
		(const void *)a->v6, buf, len);
	return buf;
}

/*
 * Look dst up and check port, next hop and source (NULL port: no route
 * expected).
 */
static void
check_lookup(struct sf_engine *eng, const char *dst, int port,
		const char *nexthop, const char *src, int line)
{
	struct sf_addr d = A(dst), nh, s;
	struct sf_route_hop hop;
	char b1[64], b2[64];
	int ret;

	memset(&hop, 0xa5, sizeof(hop));
	ret = sf_engine_route_lookup(eng, &d, &hop);
	if (port < 0) {
		if (ret != -ENETUNREACH) {
			fprintf(stderr, "FAIL line %d: %s: got %d (port %u "
				"via %s), expected -ENETUNREACH\n", line, dst,
				ret, hop.port, host(&hop.nexthop, b1,
					sizeof(b1)));
			sf_test_failures++;
		}
		return;
	}
	nh = A(nexthop);
	s = A(src);
	if (ret != 0 || hop.port != port ||
	    hop.nexthop.family != nh.family ||
	    memcmp(&hop.nexthop.v6, &nh.v6, nh.family == AF_INET ? 4 : 16) ||
	    hop.nexthop.prefix_len != nh.prefix_len ||
	    hop.src.family != s.family ||
	    memcmp(&hop.src.v6, &s.v6, s.family == AF_INET ? 4 : 16) ||
	    hop.src.prefix_len != s.prefix_len ||
	    hop.via_gateway != (strcmp(dst, nexthop) != 0)) {
		fprintf(stderr, "FAIL line %d: %s: got %d port %u via %s "
			"src %s gw %u, expected port %d via %s src %s\n",
			line, dst, ret, hop.port,
			host(&hop.nexthop, b1, sizeof(b1)),
			host(&hop.src, b2, sizeof(b2)), hop.via_gateway, port,
			nexthop, src);
		sf_test_failures++;
	}
}

#define LOOKUP(eng, dst, port, nh, src) \
	check_lookup((eng), (dst), (port), (nh), (src), __LINE__)
#define NO_ROUTE(eng, dst) \
	check_lookup((eng), (dst), -1, NULL, NULL, __LINE__)

/* Port 1 beside the test engine's port 0 (10.10.0.1/24, fd00:10:10::1/64). */
static struct sf_engine *
two_ports(void)
{
	struct sf_port_conf pc = { .mac = sf_test_peer };
	struct sf_engine *eng = sf_test_engine(false);

	SF_CHECK_EQ(sf_engine_port_add(eng, 1, &pc), 0);
	addr_add(eng, 1, "192.168.1.1/24");
	addr_add(eng, 1, "fd00:20::1/64");
	return eng;
}

static void
test_connected(void)
{
	struct sf_engine *eng = two_ports();
	struct sf_route_info ri;
	char buf[64];

	/* One route per address prefix, in the order added. */
	SF_CHECK_EQ(sf_engine_route_count(eng), 4);
	SF_CHECK_EQ(sf_engine_route_get(eng, 0, &ri), 0);
	SF_CHECK(strcmp(sf_addr_format(&ri.prefix, buf, sizeof(buf)),
		"10.10.0.0/24") == 0);
	SF_CHECK_EQ(ri.gateway.family, 0);
	SF_CHECK_EQ(ri.port, 0);
	SF_CHECK_EQ(ri.proto, SF_ROUTE_CONNECTED);
	SF_CHECK(strcmp(sf_addr_format(&ri.src, buf, sizeof(buf)),
		"10.10.0.1/32") == 0);
	SF_CHECK_EQ(sf_engine_route_get(eng, 3, &ri), 0);
	SF_CHECK(strcmp(sf_addr_format(&ri.prefix, buf, sizeof(buf)),
		"fd00:20::/64") == 0);
	SF_CHECK_EQ(ri.port, 1);
	SF_CHECK_EQ(sf_engine_route_get(eng, 4, &ri), -ENOENT);
	/* Connected routes are scanned: no 64 MiB LPM for them. */
	SF_CHECK(eng->en_rt.rt_lpm4 == NULL && eng->en_rt.rt_lpm6 == NULL);

	/* On-link: the destination is its own next hop. */
	LOOKUP(eng, "10.10.0.77", 0, "10.10.0.77", "10.10.0.1");
	LOOKUP(eng, "192.168.1.9", 1, "192.168.1.9", "192.168.1.1");
	LOOKUP(eng, "fd00:10:10::abcd", 0, "fd00:10:10::abcd",
		"fd00:10:10::1");
	LOOKUP(eng, "fd00:20::2", 1, "fd00:20::2", "fd00:20::1");
	NO_ROUTE(eng, "10.10.1.1");
	NO_ROUTE(eng, "8.8.8.8");
	NO_ROUTE(eng, "2001:db8::1");

	/*
	 * A second address on a prefix adds no route (Linux's secondary):
	 * the first stays the source. Another prefix on port 0 adds one;
	 * a /32 adds none.
	 */
	addr_add(eng, 0, "10.10.0.5/24");
	addr_add(eng, 0, "10.20.0.1/16");
	addr_add(eng, 0, "10.30.0.1/32");
	SF_CHECK_EQ(sf_engine_route_count(eng), 5);
	LOOKUP(eng, "10.10.0.5", 0, "10.10.0.5", "10.10.0.1");
	LOOKUP(eng, "10.20.255.1", 0, "10.20.255.1", "10.20.0.1");
	NO_ROUTE(eng, "10.30.0.2");

	/* The worker reaches the same table through its net state. */
	SF_CHECK(sf_wk_net(sf_engine_worker(eng, 0))->nt_rt == &eng->en_rt);
	sf_engine_free(eng);
}

static void
test_static4(void)
{
	struct sf_engine *eng = two_ports();
	struct sf_route_info ri;
	char buf[64];

	/* The port follows the gateway's connected route. */
	SF_CHECK_EQ(route_add(eng, "10.1.0.0/16", "10.10.0.254",
		SF_ROUTE_PORT_ANY), 0);
	SF_CHECK_EQ(route_add(eng, "10.1.2.0/24", "192.168.1.254",
		SF_ROUTE_PORT_ANY), 0);
	SF_CHECK_EQ(route_add(eng, "10.1.2.99/32", "10.10.0.253", 0), 0);
	SF_CHECK_EQ(sf_engine_route_get(eng, 5, &ri), 0);
	SF_CHECK_EQ(ri.proto, SF_ROUTE_STATIC);
	SF_CHECK_EQ(ri.port, 1);
	SF_CHECK(strcmp(sf_addr_format(&ri.gateway, buf, sizeof(buf)),
		"192.168.1.254/32") == 0);
	SF_CHECK(strcmp(sf_addr_format(&ri.src, buf, sizeof(buf)),
		"192.168.1.1/32") == 0);

	/* Longest prefix wins: /32 over /24 over /16. */
	LOOKUP(eng, "10.1.3.3", 0, "10.10.0.254", "10.10.0.1");
	LOOKUP(eng, "10.1.2.3", 1, "192.168.1.254", "192.168.1.1");
	LOOKUP(eng, "10.1.2.99", 0, "10.10.0.253", "10.10.0.1");
	LOOKUP(eng, "10.1.2.100", 1, "192.168.1.254", "192.168.1.1");
	/* A connected prefix longer than a static one wins too. */
	SF_CHECK_EQ(route_add(eng, "10.0.0.0/8", "192.168.1.253",
		SF_ROUTE_PORT_ANY), 0);
	LOOKUP(eng, "10.10.0.9", 0, "10.10.0.9", "10.10.0.1");
	LOOKUP(eng, "10.200.0.1", 1, "192.168.1.253", "192.168.1.1");

	/* The default route catches the rest, and only the rest. */
	NO_ROUTE(eng, "8.8.8.8");
	SF_CHECK_EQ(route_add(eng, "0.0.0.0/0", "10.10.0.2",
		SF_ROUTE_PORT_ANY), 0);
	LOOKUP(eng, "8.8.8.8", 0, "10.10.0.2", "10.10.0.1");
	LOOKUP(eng, "10.1.3.3", 0, "10.10.0.254", "10.10.0.1");
	LOOKUP(eng, "192.168.1.7", 1, "192.168.1.7", "192.168.1.1");
	/* IPv6 has no default from the IPv4 one. */
	NO_ROUTE(eng, "2001:db8::1");

	/*
	 * Source: the address whose prefix holds the gateway, not the
	 * port's first address.
	 */
	addr_add(eng, 0, "172.16.0.1/24");
	SF_CHECK_EQ(route_add(eng, "198.51.100.0/24", "172.16.0.9", 0), 0);
	LOOKUP(eng, "198.51.100.1", 0, "172.16.0.9", "172.16.0.1");
	sf_engine_free(eng);
}

static void
test_static6(void)
{
	struct sf_engine *eng = two_ports();

	addr_add(eng, 0, "fe80::aa/64");
	SF_CHECK_EQ(route_add(eng, "2001:db8::/32", "fd00:10:10::fe",
		SF_ROUTE_PORT_ANY), 0);
	SF_CHECK_EQ(route_add(eng, "2001:db8:1::/48", "fd00:20::fe",
		SF_ROUTE_PORT_ANY), 0);
	SF_CHECK_EQ(route_add(eng, "2001:db8:1::5/128", "fd00:10:10::fd",
		0), 0);
	LOOKUP(eng, "2001:db8:2::1", 0, "fd00:10:10::fe", "fd00:10:10::1");
	LOOKUP(eng, "2001:db8:1::1", 1, "fd00:20::fe", "fd00:20::1");
	LOOKUP(eng, "2001:db8:1::5", 0, "fd00:10:10::fd", "fd00:10:10::1");
	LOOKUP(eng, "2001:db8:1::6", 1, "fd00:20::fe", "fd00:20::1");
	/* Link-local destinations take the link-local source. */
	LOOKUP(eng, "fe80::1", 0, "fe80::1", "fe80::aa");

	/*
	 * A default via a link-local router (as RAs give it) needs the
	 * port; its source is a global address of the port (RFC 6724
	 * rule 2), not the link-local one the router shares fe80::/64 with.
	 */
	NO_ROUTE(eng, "2a00::1");
	SF_CHECK_EQ(route_add(eng, "::/0", "fe80::1", SF_ROUTE_PORT_ANY),
		-EINVAL);
	SF_CHECK_EQ(route_add(eng, "::/0", "fe80::1", 0), 0);
	LOOKUP(eng, "2a00::1", 0, "fe80::1", "fd00:10:10::1");
	LOOKUP(eng, "2001:db8:2::1", 0, "fd00:10:10::fe", "fd00:10:10::1");
	/* The IPv4 side has no default from the IPv6 one. */
	NO_ROUTE(eng, "8.8.8.8");
	sf_engine_free(eng);
}

static void
test_refused(void)
{
	struct sf_engine *eng = two_ports();
	struct sf_addr p = A("10.1.0.0/16"), g = A("fd00:10:10::fe");

	/* No connected prefix holds the gateway. */
	SF_CHECK_EQ(route_add(eng, "10.1.0.0/16", "10.99.0.1",
		SF_ROUTE_PORT_ANY), -ENETUNREACH);
	/* It is on port 1's prefix, not port 0's. */
	SF_CHECK_EQ(route_add(eng, "10.1.0.0/16", "192.168.1.254", 0),
		-ENETUNREACH);
	/* A gateway behind a static route is no gateway (no recursion). */
	SF_CHECK_EQ(route_add(eng, "10.1.0.0/16", "10.10.0.254",
		SF_ROUTE_PORT_ANY), 0);
	SF_CHECK_EQ(route_add(eng, "10.2.0.0/16", "10.1.0.5",
		SF_ROUTE_PORT_ANY), -ENETUNREACH);
	SF_CHECK_EQ(route_add(eng, "2001:db8::/32", "fd00:99::1",
		SF_ROUTE_PORT_ANY), -ENETUNREACH);
	/* Bad input. */
	SF_CHECK_EQ(route_add(eng, "10.3.2.1/16", "10.10.0.254",
		SF_ROUTE_PORT_ANY), -EINVAL);
	SF_CHECK_EQ(sf_engine_route_add(eng, &p, &g, SF_ROUTE_PORT_ANY),
		-EINVAL);
	SF_CHECK_EQ(route_add(eng, "10.4.0.0/16", "10.10.0.1",
		SF_ROUTE_PORT_ANY), -EINVAL);          /* our own */
	SF_CHECK_EQ(route_add(eng, "10.4.0.0/16", "127.0.0.1",
		SF_ROUTE_PORT_ANY), -EINVAL);
	SF_CHECK_EQ(route_add(eng, "10.4.0.0/16", "224.0.0.1",
		SF_ROUTE_PORT_ANY), -EINVAL);
	SF_CHECK_EQ(route_add(eng, "2001:db8::/32", "::",
		SF_ROUTE_PORT_ANY), -EINVAL);
	SF_CHECK_EQ(route_add(eng, "2001:db8::/32", "ff02::1",
		SF_ROUTE_PORT_ANY), -EINVAL);
	SF_CHECK_EQ(route_add(eng, "10.4.0.0/16", "10.10.0.254", 5), -EINVAL);
	SF_CHECK_EQ(route_add(eng, "10.4.0.0/16", "10.10.0.254",
		RTE_MAX_ETHPORTS), -EINVAL);
	SF_CHECK_EQ(sf_engine_route_add(eng, NULL, &g, 0), -EINVAL);
	SF_CHECK_EQ(sf_engine_route_add(eng, &p, NULL, 0), -EINVAL);
	/* A prefix has one route, connected or static. */
	SF_CHECK_EQ(route_add(eng, "10.1.0.0/16", "192.168.1.254",
		SF_ROUTE_PORT_ANY), -EEXIST);
	SF_CHECK_EQ(route_add(eng, "10.10.0.0/24", "192.168.1.254",
		SF_ROUTE_PORT_ANY), -EEXIST);
	/* Nothing refused was added. */
	SF_CHECK_EQ(sf_engine_route_count(eng), 5);
	LOOKUP(eng, "10.1.0.5", 0, "10.10.0.254", "10.10.0.1");
	NO_ROUTE(eng, "10.2.0.1");
	sf_engine_free(eng);
}

static void
test_full(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_routes = 4 };
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	struct sf_addr a = A("10.50.0.1/24");
	char prefix[32];
	unsigned int i;

	/* 10.10.0.0/24 is one of four IPv4 routes; three more fit. */
	for (i = 0; i < 4; i++) {
		snprintf(prefix, sizeof(prefix), "10.%u.0.0/16", 100 + i);
		SF_CHECK_EQ(route_add(eng, prefix, "10.10.0.254",
			SF_ROUTE_PORT_ANY), i < 3 ? 0 : -ENOSPC);
	}
	SF_CHECK_EQ(route_add(eng, "0.0.0.0/0", "10.10.0.254",
		SF_ROUTE_PORT_ANY), -ENOSPC);
	/* The address that would need a fifth route is refused whole. */
	SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), -ENOSPC);
	SF_CHECK_EQ(sf_engine_addr_count(eng, SF_TEST_PORT), 2);
	/* Each family counts its own: IPv6 has room. */
	SF_CHECK_EQ(route_add(eng, "2001:db8::/32", "fd00:10:10::fe",
		SF_ROUTE_PORT_ANY), 0);
	SF_CHECK_EQ(sf_engine_route_count(eng), 6);
	LOOKUP(eng, "10.102.1.1", 0, "10.10.0.254", "10.10.0.1");
	NO_ROUTE(eng, "10.103.1.1");
	sf_test_teardown(eng);

	/* An engine with no address has no route, and no LPM yet. */
	eng = sf_engine_create(&ep);
	SF_CHECK(eng != NULL);
	SF_CHECK_EQ(sf_engine_route_count(eng), 0);
	SF_CHECK(eng->en_rt.rt_lpm4 == NULL && eng->en_rt.rt_lpm6 == NULL);
	NO_ROUTE(eng, "10.10.0.1");
	NO_ROUTE(eng, "fd00::1");
	sf_engine_free(eng);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_connected();
	test_static4();
	test_static6();
	test_refused();
	test_full();
	return sf_test_done("test_route");
}
