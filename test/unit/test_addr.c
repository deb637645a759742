/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/* lib/net/sf_addr.c: address parsing, ownership, martian sources. */

#include <arpa/inet.h>
#include <errno.h>

#include "sf_test.h"

static void
test_parse(void)
{
	struct sf_addr a;
	char buf[64];

	SF_CHECK_EQ(sf_addr_parse("10.10.0.1/24", &a), 0);
	SF_CHECK_EQ(a.family, AF_INET);
	SF_CHECK_EQ(a.prefix_len, 24);
	SF_CHECK_MEM(&a.v4, sf_test_v4, 4);
	SF_CHECK_EQ(sf_addr_parse("fd00:10:10::1/64", &a), 0);
	SF_CHECK_EQ(a.family, AF_INET6);
	SF_CHECK_MEM(a.v6, sf_test_v6, 16);
	SF_CHECK(strcmp(sf_addr_format(&a, buf, sizeof(buf)),
		"fd00:10:10::1/64") == 0);
	SF_CHECK_EQ(sf_addr_parse("192.0.2.7", &a), 0);
	SF_CHECK_EQ(a.prefix_len, 32);
	SF_CHECK_EQ(sf_addr_parse("10.0.0.1/33", &a), -ERANGE);
	SF_CHECK_EQ(sf_addr_parse("fd00::1/129", &a), -ERANGE);
	SF_CHECK_EQ(sf_addr_parse("10.0.0.1/", &a), -EINVAL);
	SF_CHECK_EQ(sf_addr_parse("10.0.0.1/x", &a), -EINVAL);
	SF_CHECK_EQ(sf_addr_parse("10.0.0/8", &a), -EINVAL);
	SF_CHECK_EQ(sf_addr_parse("", &a), -EINVAL);
	SF_CHECK_EQ(sf_addr_parse("/8", &a), -EINVAL);
}

static void
test_martian(void)
{
	static const char *const bad4[] = { "0.0.0.0", "0.1.2.3",
		"127.0.0.1", "224.0.0.1", "239.255.255.255", "240.0.0.1",
		"255.255.255.255" };
	static const char *const good4[] = { "1.0.0.1", "10.0.0.1",
		"126.255.255.255", "223.255.255.255" };
	static const char *const bad6[] = { "ff02::1", "::1",
		"::ffff:10.0.0.1" };
	static const char *const good6[] = { "fe80::1", "fd00::1", "::",
		"2001:db8::1" };
	uint8_t v6[16];
	uint32_t v4;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad4); i++) {
		inet_pton(AF_INET, bad4[i], &v4);
		if (!sf_v4_is_martian_src(v4)) {
			fprintf(stderr, "FAIL: %s not martian\n", bad4[i]);
			sf_test_failures++;
		}
	}
	for (i = 0; i < RTE_DIM(good4); i++) {
		inet_pton(AF_INET, good4[i], &v4);
		if (sf_v4_is_martian_src(v4)) {
			fprintf(stderr, "FAIL: %s martian\n", good4[i]);
			sf_test_failures++;
		}
	}
	for (i = 0; i < RTE_DIM(bad6); i++) {
		inet_pton(AF_INET6, bad6[i], v6);
		if (!sf_v6_is_martian_src(v6)) {
			fprintf(stderr, "FAIL: %s not martian\n", bad6[i]);
			sf_test_failures++;
		}
	}
	for (i = 0; i < RTE_DIM(good6); i++) {
		inet_pton(AF_INET6, good6[i], v6);
		if (sf_v6_is_martian_src(v6)) {
			fprintf(stderr, "FAIL: %s martian\n", good6[i]);
			sf_test_failures++;
		}
	}
}

static void
test_ownership(void)
{
	struct sf_engine *eng = sf_test_engine(false);
	struct sf_addr a;
	uint8_t snm[16];
	const struct sf_port *pt = sf_net_port(sf_wk_net(sf_engine_worker(eng, 0)),
			SF_TEST_PORT);
	uint32_t v4;

	memcpy(&v4, sf_test_v4, 4);
	SF_CHECK(sf_port_owns_v4(pt, v4));
	SF_CHECK(!sf_port_owns_v4(pt, v4 + rte_cpu_to_be_32(1)));
	SF_CHECK(sf_port_owns_v6(pt, sf_test_v6));
	inet_pton(AF_INET6, "ff02::1:ff00:1", snm);
	SF_CHECK(sf_port_owns_v6_snm(pt, snm));
	inet_pton(AF_INET6, "ff02::1:ff00:2", snm);
	SF_CHECK(!sf_port_owns_v6_snm(pt, snm));
	inet_pton(AF_INET6, "ff02::2:ff00:1", snm);
	SF_CHECK(!sf_port_owns_v6_snm(pt, snm));

	/* The engine refuses what can never be a host address. */
	sf_addr_parse("224.0.0.1", &a);
	SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), -EINVAL);
	sf_addr_parse("::", &a);
	SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), -EINVAL);
	sf_addr_parse("10.10.0.1/24", &a);
	SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), -EEXIST);
	SF_CHECK_EQ(sf_engine_addr_add(eng, 5, &a), -EINVAL);
	SF_CHECK_EQ(sf_engine_addr_count(eng, SF_TEST_PORT), 2);
	SF_CHECK_EQ(sf_engine_addr_get(eng, SF_TEST_PORT, 1, &a), 0);
	SF_CHECK_EQ(a.family, AF_INET6);
	SF_CHECK_EQ(sf_engine_addr_get(eng, SF_TEST_PORT, 2, &a), -ENOENT);
	sf_engine_free(eng);
}

/* Subnet broadcast and network addresses of our prefixes (not /31, /32). */
static void
test_subnet_bcast(void)
{
	static const char *const extra[] = { "192.0.2.1/31", "198.51.100.7/32",
		"172.16.0.1/12" };
	static const struct { const char *a; bool bcast; } cases[] = {
		{ "10.10.0.255", true }, { "10.10.0.0", true },
		{ "10.10.0.1", false }, { "10.10.0.254", false },
		{ "10.10.1.255", false }, { "10.11.0.0", false },
		{ "192.0.2.0", false }, { "192.0.2.1", false },
		{ "198.51.100.7", false }, { "198.51.100.255", false },
		{ "172.31.255.255", true }, { "172.16.0.0", true },
		{ "172.16.255.255", false }, { "172.32.0.0", false },
	};
	struct sf_engine *eng = sf_test_engine(false);
	const struct sf_port *pt = sf_net_port(sf_wk_net(sf_engine_worker(eng, 0)),
			SF_TEST_PORT);
	struct sf_addr a;
	uint32_t v4;
	unsigned int i;

	for (i = 0; i < RTE_DIM(extra); i++) {
		SF_CHECK_EQ(sf_addr_parse(extra[i], &a), 0);
		SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), 0);
	}
	for (i = 0; i < RTE_DIM(cases); i++) {
		inet_pton(AF_INET, cases[i].a, &v4);
		if (sf_port_v4_is_bcast(pt, v4) != cases[i].bcast) {
			fprintf(stderr, "FAIL: %s: is_bcast %d, expected %d\n",
				cases[i].a, !cases[i].bcast, cases[i].bcast);
			sf_test_failures++;
		}
	}
	sf_engine_free(eng);
}

/*
 * Endpoints (sf_addr_port_parse(), sf_addr_port_format()): IPv4 and
 * bracketed IPv6 with a port 1..65535 parse and format back the same;
 * a missing or zero port, a prefix, brackets around IPv4 and an IPv6
 * address without them are refused.
 */
static void
test_endpoint(void)
{
	static const char *const good[] = { "10.0.0.1:80", "[2001:db8::1]:443",
		"192.0.2.255:65535", "[::1]:1" };
	static const char *const bad[] = { "10.0.0.1", "10.0.0.1:0",
		"10.0.0.1:65536", "10.0.0.1/24:80", "[10.0.0.1]:80",
		"2001:db8::1:80", "[2001:db8::1]80", ":80", "10.0.0.1:8x",
		"10.0.0.1:" };
	struct sf_addr a;
	char buf[64];
	uint16_t port;
	unsigned int i;

	for (i = 0; i < RTE_DIM(good); i++) {
		SF_CHECK_EQ(sf_addr_port_parse(good[i], &a, &port), 0);
		sf_addr_port_format(&a, port, buf, sizeof(buf));
		SF_CHECK(strcmp(buf, good[i]) == 0);
	}
	for (i = 0; i < RTE_DIM(bad); i++)
		SF_CHECK_EQ(sf_addr_port_parse(bad[i], &a, &port), -EINVAL);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_parse();
	test_martian();
	test_ownership();
	test_subnet_bcast();
	test_endpoint();
	return sf_test_done("test_addr");
}
