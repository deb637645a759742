/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/sf_isn.c: RFC 6528 initial sequence numbers and RFC 7323
 * timestamp offsets.
 */

#include <netinet/in.h>

#include <rte_cycles.h>

#include "sf_test.h"

static void
key_v4(struct sf_flow_key *k, uint32_t raddr, uint16_t rport)
{
	memset(k, 0, sizeof(*k));
	k->fk_family = AF_INET;
	k->fk_raddr[0] = rte_cpu_to_be_32(raddr);
	k->fk_laddr[0] = rte_cpu_to_be_32(0x0a0a0001);
	k->fk_rport = rte_cpu_to_be_16(rport);
	k->fk_lport = rte_cpu_to_be_16(80);
}

static void
test_isn(void)
{
	struct sf_siphash_key key = {{ 1, 2 }}, key2 = {{ 1, 3 }};
	uint64_t step = RTE_MAX(rte_get_tsc_hz() / 250000, (uint64_t)1);
	struct sf_flow_key k, k2;
	uint64_t tsc = step * 1000;

	key_v4(&k, 0x0a0a0002, 40000);
	/* The same flow at the same time: the same ISN. */
	SF_CHECK_EQ(sf_isn(&key, &k, tsc), sf_isn(&key, &k, tsc));
	/* One per 4 us of TSC, whatever the flow. */
	SF_CHECK_EQ(sf_isn(&key, &k, tsc + step) - sf_isn(&key, &k, tsc), 1);
	SF_CHECK_EQ(sf_isn(&key, &k, tsc + step - 1), sf_isn(&key, &k, tsc));
	SF_CHECK_EQ(sf_isn(&key, &k, tsc + 250000 * step) -
		sf_isn(&key, &k, tsc), 250000);   /* one second */
	/* Every field of the 4-tuple counts. */
	key_v4(&k2, 0x0a0a0002, 40001);
	SF_CHECK(sf_isn(&key, &k2, tsc) != sf_isn(&key, &k, tsc));
	key_v4(&k2, 0x0a0a0003, 40000);
	SF_CHECK(sf_isn(&key, &k2, tsc) != sf_isn(&key, &k, tsc));
	key_v4(&k2, 0x0a0a0002, 40000);
	k2.fk_lport = rte_cpu_to_be_16(443);
	SF_CHECK(sf_isn(&key, &k2, tsc) != sf_isn(&key, &k, tsc));
	key_v4(&k2, 0x0a0a0002, 40000);
	k2.fk_laddr[0] ^= 1;
	SF_CHECK(sf_isn(&key, &k2, tsc) != sf_isn(&key, &k, tsc));
	/* IPv6 words beyond the first count too. */
	key_v4(&k2, 0x0a0a0002, 40000);
	k2.fk_family = AF_INET6;
	SF_CHECK(sf_isn(&key, &k2, tsc) != sf_isn(&key, &k, tsc));
	k2 = k;
	k2.fk_raddr[3] = 1;
	SF_CHECK(sf_isn(&key, &k2, tsc) != sf_isn(&key, &k, tsc));
	/* The pad is no part of the flow. */
	k2 = k;
	k2.fk_pad[0] = 1;
	SF_CHECK_EQ(sf_isn(&key, &k2, tsc), sf_isn(&key, &k, tsc));
	/* The key decides: another key, another ISN. */
	SF_CHECK(sf_isn(&key2, &k, tsc) != sf_isn(&key, &k, tsc));
	/* The offset F() is the keyed hash, not the clock. */
	SF_CHECK_EQ(sf_isn(&key, &k, 0),
		(uint32_t)sf_siphash(&key, &k, offsetof(struct sf_flow_key,
			fk_pad)));
}

static void
test_ts_offset(void)
{
	struct sf_siphash_key key = {{ 7, 8 }}, key2 = {{ 9, 8 }};
	struct sf_flow_key k, k2;

	key_v4(&k, 0x0a0a0002, 40000);
	key_v4(&k2, 0x0a0a0002, 40002);
	SF_CHECK_EQ(sf_ts_offset(&key, &k), sf_ts_offset(&key, &k));
	SF_CHECK(sf_ts_offset(&key, &k) != sf_ts_offset(&key, &k2));
	SF_CHECK(sf_ts_offset(&key, &k) != sf_ts_offset(&key2, &k));
	/* Not the ISN's F() under another name. */
	SF_CHECK(sf_ts_offset(&key, &k) != sf_isn(&key2, &k, 0));
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_isn();
	test_ts_offset();
	return sf_test_done("test_isn");
}
