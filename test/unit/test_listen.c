/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/* lib/tcp/sf_listen.c: adding listeners, and which one a flow reaches. */

#include <errno.h>
#include <netinet/in.h>

#include "sf_test.h"

static struct sf_listener_params
lp_make(uint8_t family, const void *addr, uint16_t port)
{
	struct sf_listener_params lp;

	sf_listener_params_init(&lp);
	lp.addr.family = family;
	if (family == AF_INET)
		memcpy(&lp.addr.v4, addr, 4);
	else if (family == AF_INET6)
		memcpy(lp.addr.v6, addr, 16);
	lp.port = port;
	return lp;
}

static void
test_params(void)
{
	struct sf_engine_params ep = { .somaxconn = 128 };
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	struct sf_listener_params lp, out;

	sf_listener_params_init(&lp);
	SF_CHECK_EQ(lp.backlog, SF_SOMAXCONN_DEFAULT);
	SF_CHECK_EQ(lp.synack_retries, 5);
	SF_CHECK_EQ(lp.synack_timeout_ms, 1000);
	SF_CHECK_EQ(lp.syncookies, 1);
	SF_CHECK(lp.timestamps && lp.sack && lp.ecn);

#define BAD(field, val) do { \
	lp = lp_make(0, NULL, 80); \
	lp.field = (val); \
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EINVAL); \
} while (0)
	BAD(port, 0);
	BAD(wscale, 15);
	BAD(window, 0);
	BAD(syncookies, 3);
	BAD(mss, 87);
	BAD(mss, 65496);
	BAD(syn_backlog, 0);
	BAD(synack_timeout_ms, 0);
	BAD(synack_timeout_ms, 120001);
	BAD(defer_accept, 3601);
	BAD(addr.family, 99);
#undef BAD
	SF_CHECK_EQ(sf_engine_listen(NULL, &lp), -EINVAL);
	SF_CHECK_EQ(sf_engine_listen(eng, NULL), -EINVAL);
	/* Multicast and loopback addresses listen on nothing. */
	lp = lp_make(AF_INET, (uint8_t[]){ 224, 0, 0, 1 }, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EINVAL);
	lp = lp_make(AF_INET6, (uint8_t[16]){ 0xff, 2, [15] = 1 }, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EINVAL);
	SF_CHECK_EQ(sf_engine_listener_count(eng), 0);

	/* Limits are inclusive; the backlog is clamped to somaxconn. */
	lp = lp_make(0, NULL, 80);
	lp.mss = 88;
	lp.wscale = 14;
	lp.window = 65535;
	lp.syncookies = 2;
	lp.defer_accept = 3600;
	lp.synack_timeout_ms = 120000;
	lp.backlog = 1000;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 0, &out), 0);
	SF_CHECK_EQ(out.backlog, 128);
	SF_CHECK_EQ(out.mss, 88);
	SF_CHECK_EQ(out.port, 80);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 1, &out), -ENOENT);
	lp = lp_make(0, NULL, 81);
	lp.backlog = 5;
	lp.mss = 65495;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 1);
	SF_CHECK_EQ(sf_engine_listener_get(eng, 1, &out), 0);
	SF_CHECK_EQ(out.backlog, 5);
	SF_CHECK_EQ(sf_engine_listener_count(eng), 2);
	{
		struct sf_listener_state st;

		SF_CHECK_EQ(sf_engine_listener_state(eng, 1, &st), 0);
		SF_CHECK_EQ(st.synq, 0);
		SF_CHECK_EQ(sf_engine_listener_state(eng, 2, &st), -ENOENT);
		SF_CHECK_EQ(sf_engine_listener_state(eng, SF_MAX_LISTENERS, &st),
			-EINVAL);
	}
	SF_CHECK(strcmp(sf_lcounter_name(SF_LCNT_syn_recv), "syn_recv") == 0);
	SF_CHECK(sf_lcounter_name(SF_LCNT_MAX) == NULL);
	sf_engine_free(eng);
}

static void
test_overlap(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	struct sf_listener_params lp;
	static const uint8_t a4[4] = { 10, 10, 0, 1 };
	static const uint8_t z[16];
	unsigned int port;

	/* Any family, then either family's wildcard: taken. */
	lp = lp_make(0, NULL, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EEXIST);
	lp = lp_make(AF_INET, z, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EEXIST);
	lp = lp_make(AF_INET6, z, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EEXIST);
	/* An exact address beside the wildcard is fine (SO_REUSEADDR). */
	lp = lp_make(AF_INET, a4, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 1);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EEXIST);
	/* The two family wildcards coexist (IPV6_V6ONLY), not with any. */
	lp = lp_make(AF_INET, z, 81);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 2);
	lp = lp_make(AF_INET6, z, 81);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 3);
	lp = lp_make(0, NULL, 81);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EEXIST);
	/* The table fills at SF_MAX_LISTENERS. */
	for (port = 100; sf_engine_listener_count(eng) < SF_MAX_LISTENERS;
	     port++) {
		int n = (int)sf_engine_listener_count(eng);

		lp = lp_make(0, NULL, (uint16_t)port);
		SF_CHECK_EQ(sf_engine_listen(eng, &lp), n);
	}
	lp = lp_make(0, NULL, 9999);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -ENOSPC);
	/* A duplicate is still a duplicate when full. */
	lp = lp_make(0, NULL, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EEXIST);
	SF_CHECK_EQ(sf_engine_listener_count(eng), SF_MAX_LISTENERS);
	sf_engine_free(eng);
}

static struct sf_listener *
lookup(struct sf_engine *eng, bool v6, const uint8_t *laddr, uint16_t port)
{
	struct sf_flow_key k;

	memset(&k, 0, sizeof(k));
	k.fk_family = v6 ? AF_INET6 : AF_INET;
	memcpy(k.fk_laddr, laddr, v6 ? 16 : 4);
	memcpy(k.fk_raddr, v6 ? sf_test_peer_v6 : sf_test_peer_v4, v6 ? 16 : 4);
	k.fk_lport = rte_cpu_to_be_16(port);
	k.fk_rport = rte_cpu_to_be_16(1234);
	return sf_listener_lookup(&eng->en_tcp, &k);
}

static int
lookup_id(struct sf_engine *eng, bool v6, const uint8_t *laddr, uint16_t port)
{
	struct sf_listener *ls = lookup(eng, v6, laddr, port);

	return ls == NULL ? -1 : ls->ls_id;
}

static void
test_lookup(void)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);
	struct sf_listener_params lp;
	static const uint8_t z[16];
	static const uint8_t other4[4] = { 10, 10, 0, 9 };
	static const uint8_t other6[16] = { 0xfd, 0, 0, 0x10, 0, 0x10,
		[15] = 9 };

	/* Port 80: all three kinds, added in the worst order. */
	lp = lp_make(0, NULL, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	lp = lp_make(AF_INET, sf_test_v4, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 1);
	lp = lp_make(AF_INET6, sf_test_v6, 80);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 2);
	/* Port 81: family wildcard v4 and any. */
	lp = lp_make(AF_INET, z, 81);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 3);
	lp = lp_make(AF_INET6, other6, 81);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 4);
	/* Port 82: exact v4 only. */
	lp = lp_make(AF_INET, sf_test_v4, 82);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 5);
	/* Port 83: v6 wildcard, then exact v6. */
	lp = lp_make(AF_INET6, z, 83);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 6);
	lp = lp_make(AF_INET6, sf_test_v6, 83);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 7);

	SF_CHECK_EQ(lookup_id(eng, false, sf_test_v4, 80), 1);
	SF_CHECK_EQ(lookup_id(eng, true, sf_test_v6, 80), 2);
	SF_CHECK_EQ(lookup_id(eng, false, other4, 80), 0);
	SF_CHECK_EQ(lookup_id(eng, true, other6, 80), 0);
	SF_CHECK_EQ(lookup_id(eng, false, sf_test_v4, 81), 3);
	SF_CHECK_EQ(lookup_id(eng, true, sf_test_v6, 81), -1);
	SF_CHECK_EQ(lookup_id(eng, true, other6, 81), 4);
	SF_CHECK_EQ(lookup_id(eng, false, sf_test_v4, 82), 5);
	SF_CHECK_EQ(lookup_id(eng, false, other4, 82), -1);
	SF_CHECK_EQ(lookup_id(eng, true, sf_test_v6, 82), -1);
	SF_CHECK_EQ(lookup_id(eng, true, sf_test_v6, 83), 7);
	SF_CHECK_EQ(lookup_id(eng, true, other6, 83), 6);
	SF_CHECK_EQ(lookup_id(eng, false, sf_test_v4, 83), -1);
	SF_CHECK_EQ(lookup_id(eng, false, sf_test_v4, 84), -1);
	sf_engine_free(eng);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_params();
	test_overlap();
	test_lookup();
	return sf_test_done("test_listen");
}
