/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/tcp/sf_isn.c: RFC 6528 initial sequence numbers and RFC 7323
 * timestamp offsets, both from one F() of the 4-tuple.
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
	uint64_t step = RTE_MAX(rte_get_tsc_hz() / 250000, (uint64_t)1);
	uint64_t tsc = step * 1000, f = 0x1234567890abcdefULL;

	/* ISN = M + F: the low half of F() on the 4 us clock. */
	SF_CHECK_EQ(sf_isn(f, 0), 0x90abcdefu);
	SF_CHECK_EQ(sf_isn(f, tsc), 0x90abcdefu + 1000);
	/* One per 4 us of TSC. */
	SF_CHECK_EQ(sf_isn(f, tsc + step) - sf_isn(f, tsc), 1);
	SF_CHECK_EQ(sf_isn(f, tsc + step - 1), sf_isn(f, tsc));
	SF_CHECK_EQ(sf_isn(f, tsc + 250000 * step) - sf_isn(f, tsc),
		250000);   /* one second */
	/* The high half is no part of it: that is the TS offset's. */
	SF_CHECK_EQ(sf_isn(f ^ (0xffULL << 40), tsc), sf_isn(f, tsc));
	SF_CHECK_EQ(sf_ts_offset(f), 0x12345678u);
}

static void
test_flow_prf(void)
{
	struct sf_siphash_key key = {{ 1, 2 }}, key2 = {{ 1, 3 }};
	struct sf_flow_key k, k2;
	uint8_t msg[14];

	key_v4(&k, 0x0a0a0002, 40000);
	/* The same flow: the same F(). */
	SF_CHECK_EQ(sf_flow_prf(&key, &k), sf_flow_prf(&key, &k));
	/* Every field of the 4-tuple counts. */
	key_v4(&k2, 0x0a0a0002, 40001);
	SF_CHECK(sf_flow_prf(&key, &k2) != sf_flow_prf(&key, &k));
	key_v4(&k2, 0x0a0a0003, 40000);
	SF_CHECK(sf_flow_prf(&key, &k2) != sf_flow_prf(&key, &k));
	key_v4(&k2, 0x0a0a0002, 40000);
	k2.fk_lport = rte_cpu_to_be_16(443);
	SF_CHECK(sf_flow_prf(&key, &k2) != sf_flow_prf(&key, &k));
	key_v4(&k2, 0x0a0a0002, 40000);
	k2.fk_laddr[0] ^= 1;
	SF_CHECK(sf_flow_prf(&key, &k2) != sf_flow_prf(&key, &k));
	/* IPv6: another family, another F(); words beyond the first count. */
	key_v4(&k2, 0x0a0a0002, 40000);
	k2.fk_family = AF_INET6;
	SF_CHECK(sf_flow_prf(&key, &k2) != sf_flow_prf(&key, &k));
	k = k2;
	k2.fk_raddr[3] = 1;
	SF_CHECK(sf_flow_prf(&key, &k2) != sf_flow_prf(&key, &k));
	k2 = k;
	k2.fk_laddr[2] = 1;
	SF_CHECK(sf_flow_prf(&key, &k2) != sf_flow_prf(&key, &k));
	/* IPv6 hashes both ends, ports and family: the key up to its pad. */
	SF_CHECK_EQ(sf_flow_prf(&key, &k),
		sf_siphash(&key, &k, offsetof(struct sf_flow_key, fk_pad)));
	k2 = k;
	k2.fk_pad[0] = 1;
	SF_CHECK_EQ(sf_flow_prf(&key, &k2), sf_flow_prf(&key, &k));
	/*
	 * IPv4 hashes 14 bytes: our address and port, two zero bytes,
	 * the peer's address and port.
	 */
	key_v4(&k, 0x0a0a0002, 40000);
	memset(msg, 0, sizeof(msg));
	memcpy(msg, &k.fk_laddr[0], 4);
	memcpy(msg + 4, &k.fk_lport, 2);
	memcpy(msg + 8, &k.fk_raddr[0], 4);
	memcpy(msg + 12, &k.fk_rport, 2);
	SF_CHECK_EQ(sf_flow_prf(&key, &k), sf_siphash(&key, msg, 14));
	/* Words an IPv4 key does not use, and the pad, are no part of it. */
	k2 = k;
	k2.fk_raddr[1] = 5;
	k2.fk_pad[0] = 1;
	SF_CHECK_EQ(sf_flow_prf(&key, &k2), sf_flow_prf(&key, &k));
	/* The key decides: another key, another F(). */
	SF_CHECK(sf_flow_prf(&key2, &k) != sf_flow_prf(&key, &k));
}

/*
 * sf_flow_prf_mid() gives sf_flow_prf()'s value whatever its cache holds:
 * flows of one listener (the first block kept), of another address or
 * port (a miss that replaces it), IPv6 (never cached), in random order.
 */
static void
test_flow_prf_mid(void)
{
	struct sf_siphash_key key = {{ 0x0706050403020100ULL,
		0x0f0e0d0c0b0a0908ULL }};
	struct sf_sip_mid mid = { .sm_valid = false };
	struct sf_flow_key k;
	unsigned int i, bad = 0, hits = 0;
	bool was;

	rte_srand(11);
	for (i = 0; i < 4000; i++) {
		uint64_t r = rte_rand();

		key_v4(&k, 0x0a000000 | (uint32_t)(r & 0xffff),
			(uint16_t)(r >> 16));
		if ((r >> 32) % 5 == 0)
			k.fk_lport = rte_cpu_to_be_16(443);
		if ((r >> 32) % 7 == 0)
			k.fk_laddr[0] ^= rte_cpu_to_be_32(1);
		if ((r >> 32) % 11 == 0) {
			k.fk_family = AF_INET6;
			k.fk_raddr[3] = (uint32_t)r;
			k.fk_laddr[3] = 1;
		}
		was = mid.sm_valid && k.fk_family == AF_INET &&
			mid.sm_m0 == sf_siphash_a4b2(k.fk_laddr[0], k.fk_lport);
		hits += was;
		if (sf_flow_prf_mid(&key, &mid, &k) != sf_flow_prf(&key, &k))
			bad++;
	}
	SF_CHECK_EQ(bad, 0);
	/* About half followed a flow of their listener: resumed. */
	SF_CHECK(hits > 1000);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_isn();
	test_flow_prf();
	test_flow_prf_mid();
	return sf_test_done("test_isn");
}
